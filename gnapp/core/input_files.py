"""Files GNApp did not write itself (a household file, a saved column mapping, a standard given
by path, the preferences file, a key or a package): read with a bound on their size, never from
a pipe or a device (``/dev/zero`` named ``x.gnpkg`` would fill the memory, a pipe never end),
and, for JSON, a bound on how deeply it nests (a file of 100,000 "[" makes ``json.loads``
raise RecursionError, which no reader expects).

A file that cannot be read this way is an OSError naming it (EFBIG too large, EINVAL not a
regular file), handled where any file that cannot be read is. JSON refused is a
``json.JSONDecodeError`` (a ValueError), so each reader's own handling of a file that is not
valid JSON names the file and says why.
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

MAX_JSON_BYTES = 32 * 2**20  # far over any household file, mapping, standard or preferences file
MAX_DEPTH = 64  # a household record nests 3 levels (household, members, a member's fields)


def read_bytes(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, no more than ``limit``: a larger file (or one
    that grows while read) is an OSError EFBIG; a pipe or a device, which could be endless or
    never end, an OSError EINVAL; a folder or a missing file the OSError of ``open``."""
    require_file(path)
    with open(path, "rb") as stream:
        if os.fstat(stream.fileno()).st_size > limit:
            raise _too_large(path, limit)
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


def read_head(path: str | Path, count: int) -> bytes:
    """The first ``count`` bytes of the regular file ``path`` (what it is, by its mark), never
    waiting on a pipe; the OSErrors of ``read_bytes``."""
    require_file(path)
    with open(path, "rb") as stream:
        return stream.read(count)


def require_file(path: str | Path) -> None:
    """An OSError unless ``path`` is a regular file or a folder (whose own OSError ``open``
    gives): a pipe or a device could be endless, or never give a byte."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise OSError(errno.EINVAL, tr("không phải là một tệp"), str(path))


def _too_large(path: str | Path, limit: int) -> OSError:
    shown = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"
    return OSError(errno.EFBIG, tr("tệp lớn quá {limit}", limit=shown), str(path))


def read_text(path: str | Path, encoding: str = "utf-8", limit: int = MAX_JSON_BYTES) -> str:
    """The text of ``path`` (``read_bytes`` within ``limit``) decoded."""
    return read_bytes(path, limit).decode(encoding)


def read_json(path: str | Path, encoding: str = "utf-8") -> Any:
    """The JSON document in ``path``, within MAX_JSON_BYTES and MAX_DEPTH (``loads_json``)."""
    return loads_json(read_text(path, encoding))


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


def loads_json(text: str) -> Any:
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
