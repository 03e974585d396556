"""The household search of schema v18 (before the index of members' names, migration 20),
written again for tests to compare the search with and for the benchmark to time beside it, as
``household_query`` asked it then in the default order: every name word in the household's
search text, then the head's name, the words in a row, or a regular expression over each
person's part of the text (a Python call per household); heads first, each part by the head's
name. Digit words (codes, IDs) are left out: they were searched then as now."""

from __future__ import annotations

import re

from gnapp.core.vietnamese import fold
from gnapp.store.presence import present_now


def v18_search(db, text: str) -> list[int]:
    """The ids the v18 search found for ``text`` (name words only), in the default order."""
    words = fold(text).split()
    pattern = re.compile(r"(?:^|\|)" + "".join(f"(?=[^|]*? {re.escape(word)})" for word in words))
    db.conn.create_function(
        "v18_one_person", 1, lambda t: pattern.search(t) is not None, deterministic=True
    )
    params = {f"w{n}": f" {word}" for n, word in enumerate(words)}
    anywhere = " AND ".join(f"instr(h.search_fold, :w{n}) > 0" for n in range(len(words)))
    head = " AND ".join(
        f"instr(h.search_fold, :w{n}) BETWEEN 1 AND instr(h.search_fold, ' |')"
        for n in range(len(words))
    )
    one_person = (
        f" AND ({head} OR instr(h.search_fold, :phrase) > 0 OR v18_one_person(h.search_fold))"
        if len(words) > 1
        else ""
    )
    heads, others = db.execute(
        "SELECT group_concat(CASE WHEN head THEN id END), "
        "group_concat(CASE WHEN head THEN NULL ELSE id END) FROM ("
        f"SELECT h.id, {head} AS head FROM households h WHERE {present_now('h')} AND {anywhere}"
        f"{one_person} ORDER BY h.head_sort_key, h.id)",
        {**params, "phrase": " " + " ".join(words)},
    ).fetchone()
    return [int(i) for part in (heads, others) if part for i in part.split(",")]
