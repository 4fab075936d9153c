"""`make validate`: load the knowledge base and report problems and entries to re-check.

Exit 1 when the knowledge base cannot be loaded. Two kinds of warnings, which do not
fail: a status checked longer ago than the review interval, and a known status change
(a date in a status history, or a `next_change`) that has passed since the last check.

    python -m bot.core.check_knowledge [--datum JJJJ-MM-DD] [--map KENNISMAP]

`--datum` checks as if it were that day (to see which warnings a date will bring);
`--map` checks another copy of the knowledge directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Sequence

from bot.core.knowledge import KnowledgeError, load_knowledge, passed_changes, stale_entries


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen datum in de vorm JJJJ-MM-DD") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.core.check_knowledge", description="Controleer de kennisbank (knowledge/)."
    )
    parser.add_argument(
        "--datum", type=_date, default=None, help="controleer alsof het deze dag is (JJJJ-MM-DD); standaard vandaag"
    )
    parser.add_argument("--map", type=Path, default=None, help="een andere kennismap dan knowledge/")
    args = parser.parse_args(argv)
    today = args.datum or dt.date.today()
    try:
        kb = load_knowledge(args.map)
    except KnowledgeError as error:
        print(f"FOUT in de kennisbank: {error}", file=sys.stderr)
        return 1
    counts = ", ".join(
        f"{len(getattr(kb, name))} {name}"
        for name in ("types", "levels", "stakeholders", "routes", "cases", "terms", "sources")
    )
    print(f"Kennisbank in orde: {counts}.")
    stale = stale_entries(kb, today)
    months = kb.meta["review_interval_months"]
    for item in stale:
        print(
            f"WAARSCHUWING: knowledge/{item.file}.yml, entry '{item.entry}': status gecontroleerd op "
            f"{item.checked}, langer dan {months} maanden geleden. Controleer opnieuw en werk de datum bij."
        )
    if stale:
        print(f"{len(stale)} entries zijn aan een nieuwe controle toe.")
    changed = passed_changes(kb, today)
    for passed in changed:
        print(
            f"WAARSCHUWING: knowledge/{passed.file}.yml, entry '{passed.entry}': de status verandert volgens de "
            f"kennisbank op {passed.change}, en die datum is voorbij. De entry is gecontroleerd op {passed.checked}, "
            f"dus voor die datum. Controleer of de status nu klopt en werk de datum bij."
        )
    if changed:
        print(f"{len(changed)} entries hebben een statuswijziging die nog niet is nagekeken.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
