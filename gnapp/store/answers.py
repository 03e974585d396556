"""How a questionnaire's answers are stored: ``questionnaires.answers`` holds the household
record as compact text, ``"z:"`` and the base64 of its UTF-8 JSON compressed with zlib (about
half the size of the JSON itself; docs/review.md).

The value stays TEXT, not a BLOB: the change log's triggers copy column values into
``json_object()``, which refuses BLOBs, and undoing a change writes back exactly the text the
log kept. A row may therefore hold either form for good — plain JSON (a file from before the
compact form, a row an undo put back as it was then) or the compact one — and every reader goes
through ``decode_answers`` (Python) or ``gnapp_answers()`` (SQL, registered on each commune
connection by gnapp.store.database), which read both.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

from gnapp.i18n import tr

__all__ = ["COMPACT_PREFIX", "answers_json", "decode_answers", "encode_answers"]

COMPACT_PREFIX = "z:"
"""What starts the compact form (plain JSON of a record starts with "{")."""


def encode_answers(answers: dict[str, Any] | str) -> str:
    """The compact form of a questionnaire's answers: a record (written as the store always
    wrote it: keys sorted, no spaces, non-ASCII letters as they are) or its JSON text, kept
    exactly (decoding gives back that very text). Text already compact is returned as it is."""
    if isinstance(answers, str):
        if answers.startswith(COMPACT_PREFIX):
            return answers
        text = answers
    else:
        text = json.dumps(answers, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    packed = zlib.compress(text.encode("utf-8"), 9)
    return COMPACT_PREFIX + base64.b64encode(packed).decode("ascii")


def answers_json(stored: str) -> str:
    """The JSON text of stored answers in either form. ValueError when compact text is
    damaged (not base64, or not zlib data, or not UTF-8)."""
    if not stored.startswith(COMPACT_PREFIX):
        return stored
    try:
        packed = base64.b64decode(stored[len(COMPACT_PREFIX) :], validate=True)
        return zlib.decompress(packed).decode("utf-8")
    except (binascii.Error, zlib.error) as error:
        raise ValueError(
            tr(
                "câu trả lời của phiếu đã lưu bị hỏng, không giải nén được ({problem})",
                problem=error,
            )
        ) from error


def decode_answers(stored: str) -> dict[str, Any]:
    """The record of stored answers in either form (plain JSON or compact)."""
    record = json.loads(answers_json(stored))
    if not isinstance(record, dict):
        raise ValueError(
            tr("câu trả lời của phiếu đã lưu không phải một hồ sơ hộ (đối tượng JSON)")
        )
    return record
