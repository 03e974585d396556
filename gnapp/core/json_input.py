"""JSON that GNApp did not write itself (a household file, a saved column mapping, a standard
given by path, the preferences file): read with a bound on its size and on how deeply it nests,
so that no file exhausts memory or the interpreter's stack (a file of 100,000 "[" makes
``json.loads`` raise RecursionError, which no reader expects).

A refusal is a ``json.JSONDecodeError`` (a ValueError), so each reader's own handling of a file
that is not valid JSON names the file and says why; a file too large is an OSError (EFBIG),
handled where a file that cannot be read is.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from gnapp.i18n import tr

MAX_BYTES = 32 * 2**20  # far over any household file, mapping, standard or preferences file
MAX_DEPTH = 64  # a household record nests 3 levels (household, members, a member's fields)


class JsonRefused(json.JSONDecodeError):
    """JSON that ``json.loads`` takes but GNApp does not (nested deeper than MAX_DEPTH levels,
    NaN or Infinity, a number too large or of thousands of digits): ``msg`` in the user's
    language."""

    def __init__(self, message: str, document: str) -> None:
        super().__init__(message, document, 0)

    def __str__(self) -> str:
        return self.msg

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.msg, self.doc))


def _too_deep(text: str) -> JsonRefused:
    return JsonRefused(tr("lồng nhau quá {limit} cấp", limit=MAX_DEPTH), text)


def _refuse_constant(name: str) -> None:
    raise JsonRefused(tr("giá trị {name} không có trong JSON chuẩn", name=name), "")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 is read as Infinity
        raise JsonRefused(tr("số {text} quá lớn", text=text[:20]), "")
    return value


def loads(text: str) -> Any:
    """``json.loads(text)``, refusing a document nested deeper than MAX_DEPTH, NaN and
    Infinity (which no other program reads back) and a number too long to convert."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except JsonRefused as error:
        raise JsonRefused(error.msg, text) from None
    except RecursionError:
        raise _too_deep(text) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer of more digits than int() converts (sys.int_info)
        raise JsonRefused(tr("có một số quá dài"), text) from None
    _check_depth(value, text)
    return value


def _check_depth(value: Any, text: str) -> None:
    """Walk ``value`` without recursion; JsonRefused past MAX_DEPTH levels."""
    pending = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level >= MAX_DEPTH:
            raise _too_deep(text)
        pending.extend((child, level + 1) for child in children)


def read_text(path: str | Path, encoding: str = "utf-8", limit: int = MAX_BYTES) -> str:
    """The text of ``path``, no more than ``limit`` bytes read (a larger file, or one that grows
    while read, is an OSError EFBIG naming it; a folder or a missing file the OSError of
    ``open``; a pipe or a device, which could be endless or never end, an OSError too)."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise OSError(errno.EINVAL, tr("không phải là một tệp"), str(path))
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(
            errno.EFBIG,
            tr("tệp lớn quá {limit} MB", limit=limit // 2**20),
            str(path),
        )
    return data.decode(encoding)


def read_file(path: str | Path, encoding: str = "utf-8") -> Any:
    """The JSON document in ``path``, within MAX_BYTES and MAX_DEPTH (``loads``)."""
    return loads(read_text(path, encoding))
