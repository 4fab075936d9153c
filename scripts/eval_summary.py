"""Print the figures of `rasa test nlu --cross-validation` in a few lines.

Usage: python scripts/eval_summary.py results/eval

Rasa writes one JSON report per extractor (intent_report.json, <Extractor>_report.json)
with per-label scores and "macro avg" / "weighted avg". The README quotes the intent
macro-F1 printed here; the aim is >= 0.92 (issue 11). Besides the figures it prints the
confusions: per intent, which other intents its test examples were taken for (the
confusion matrix as text; Rasa also draws it in intent_confusion_matrix.png).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

AIM = 0.92
TOP_CONFUSIONS = 12


def _averages(report: dict) -> tuple[float, float]:
    return report["macro avg"]["f1-score"], report["weighted avg"]["f1-score"]


def main(out_dir: str) -> int:
    out = Path(out_dir)
    intent_file = out / "intent_report.json"
    if not intent_file.exists():
        print(f"error: {intent_file} not found; did `rasa test nlu --cross-validation` run?", file=sys.stderr)
        return 1
    intents = json.loads(intent_file.read_text(encoding="utf-8"))
    macro, weighted = _averages(intents)
    print(f"intent   macro-F1 {macro:.3f}   weighted-F1 {weighted:.3f}   (aim macro-F1 >= {AIM:.2f})")
    weakest = sorted(
        (scores["f1-score"], label)
        for label, scores in intents.items()
        if isinstance(scores, dict) and "f1-score" in scores and not label.endswith("avg")
    )[:5]
    print("weakest intents: " + ", ".join(f"{label} {f1:.2f}" for f1, label in weakest))
    pairs = sorted(
        (
            (count, label, other)
            for label, scores in intents.items()
            if isinstance(scores, dict)
            for other, count in (scores.get("confused_with") or {}).items()
        ),
        reverse=True,
    )
    print("most confused (true -> predicted: examples):")
    for count, label, other in pairs[:TOP_CONFUSIONS]:
        print(f"  {label:22} -> {other:22} {count}")
    for report_file in sorted(out.glob("*_report.json")):
        if report_file.name in ("intent_report.json", "response_selection_report.json"):
            continue
        entities = json.loads(report_file.read_text(encoding="utf-8"))
        if "macro avg" in entities:
            e_macro, e_weighted = _averages(entities)
            name = report_file.name.removesuffix("_report.json")
            print(f"entities ({name})   macro-F1 {e_macro:.3f}   weighted-F1 {e_weighted:.3f}")
    if macro < AIM:
        print(f"below the aim of {AIM:.2f}: look at results/eval/intent_errors.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/eval"))
