"""List the texts of GNApp's translation layer and check a catalogue against the code.

    python tools/i18n_extract.py            # missing / stale / field-mismatched English entries
    python tools/i18n_extract.py --list     # every tr() text with where it is used
    python tools/i18n_extract.py --left     # GUI texts still outside tr()
    python tools/i18n_extract.py --add      # add the missing texts to the catalogue (empty
                                            # English, which the tests refuse until filled in)

Exit status 1 when something needs doing, so it can run in CI. Reuses gnapp/i18n_extract.py,
the same code the tests run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gnapp.i18n import LANGUAGES, SOURCE_LANGUAGE, catalogue_name
from gnapp.i18n_extract import (
    PACKAGE,
    UI_FOLDER,
    check_catalogue,
    code_texts,
    python_files,
    untranslated_texts,
    used_texts,
)

CATALOGUES = Path(__file__).resolve().parent.parent / "resources" / "translations"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--language", default="en", choices=sorted(set(LANGUAGES) - {SOURCE_LANGUAGE})
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="every tr() text and where it is")
    action.add_argument("--left", action="store_true", help="GUI texts still outside tr()")
    action.add_argument("--add", action="store_true", help="add missing texts, untranslated")
    args = parser.parse_args(argv)
    used = code_texts()
    if args.list:
        for text, places in sorted(used.items()):
            print(json.dumps(text, ensure_ascii=False), *(p.where() for p in places), sep="\t")
        return 0
    if args.left:
        left = [t for path in python_files(UI_FOLDER) for t in untranslated_texts(path)]
        for text in left:
            print(text.where(), json.dumps(text.text, ensure_ascii=False), sep="\t")
        return 1 if left else 0
    path = CATALOGUES / catalogue_name(args.language)
    catalogue = json.loads(path.read_text(encoding="utf-8"))
    check = check_catalogue(catalogue, used_texts())
    if args.add and check.missing:
        catalogue |= {text: "" for text in check.missing}
        text = json.dumps(dict(sorted(catalogue.items())), ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")
        print(f"added {len(check.missing)} texts to {path.name}: translate them")
        return 1
    for title, texts in (
        ("missing", check.missing),
        ("stale (no code uses them)", check.stale),
        ("{fields} differ from the source", check.mismatched_fields),
        ("empty translation", check.empty),
    ):
        if texts:
            print(f"{path.name}: {len(texts)} {title}")
            for text in texts:
                where = ", ".join(p.where() for p in used.get(text, []))
                print(f"  {json.dumps(text, ensure_ascii=False)}  {where}".rstrip())
    print(
        f"{len(used_texts())} texts in {PACKAGE.name}/ and forms/; {len(catalogue)} in {path.name}"
    )
    return 0 if check.clean else 1


if __name__ == "__main__":
    sys.exit(main())
