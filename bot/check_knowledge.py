"""`make validate`: load the knowledge base and report problems and stale entries.

Exit 1 when the knowledge base cannot be loaded; stale status dates are warnings.
"""
from __future__ import annotations

import sys

from bot.knowledge import KnowledgeError, load_knowledge, stale_entries


def main() -> int:
    try:
        kb = load_knowledge()
    except KnowledgeError as error:
        print(f"FOUT in de kennisbank: {error}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(getattr(kb, name))} {name}" for name in
                       ("types", "levels", "stakeholders", "routes", "cases", "terms", "sources"))
    print(f"Kennisbank in orde: {counts}.")
    stale = stale_entries(kb)
    months = kb.meta["review_interval_months"]
    for item in stale:
        print(f"WAARSCHUWING: knowledge/{item.file}.yml, entry '{item.entry}': status gecontroleerd op "
              f"{item.checked}, langer dan {months} maanden geleden. Controleer opnieuw en werk de datum bij.")
    if stale:
        print(f"{len(stale)} entries zijn aan een nieuwe controle toe.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
