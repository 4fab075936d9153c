"""`make eval-understanding`: how well Taai reads text it was not tuned on.

The corpus in tests/understanding/corpus/ was written apart from Taai's cue lists and
NLU data (AUTHORING.md says how). This script reads every item the way the running
bot does and compares with the author's label:

- axis answers: bot.understanding (the same reader the diagnosis form uses), through
  the question asked; counted right, and counted as turned into the opposite pole;
- first messages: the trained NLU model's intent, then bot.understanding.router with a
  fresh conversation; the path must be the right one (a description must start the
  diagnosis). For descriptions also: axes filled in from the text (never the opposite
  of the label) and the domain noted;
- direct questions: the same, and the answer must be about what was asked (the type,
  concept or route named; routes at once, with the expected route among them).

It prints accuracy per part and per phenomenon and writes a JSON report. With
--no-nlu, first messages and questions are routed without the model (intent unknown).

    python -m tests.understanding.evaluate [--parts dev,heldout] [--no-nlu]
        [--report results/understanding/report.json] [--errors dev]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from bot.conversation import advice, concepts, diagnosis
from bot.conversation.state import ConversationState
from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.understanding.axes import OPPOSITE, axis_reader
from bot.understanding.router import Routed, Turn, route

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
DEV_PARTS = ("dev", *(f"dev{n}" for n in range(2, 79)))  # dev.yml, dev2.yml ... dev78.yml
# Only evaluated: their errors are never printed nor written to the report.
HELD_OUT_PARTS = (
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
    "heldout16",
    "heldout17",
)
PARTS = DEV_PARTS + HELD_OUT_PARTS
AXIS_OF_QUESTION = {"values": "value_consensus", "knowledge": "knowledge_certainty"}

# The path a first message must take, by the author's label.
FIRST_PATHS = {
    "describe": "describe_problem",
    "start_diagnosis": "start_diagnosis",
    "greet": "greet",
    "goodbye": "goodbye",
    "thank": "thank",
    "bot_challenge": "bot_challenge",
    "capabilities": "ask_capabilities",
    "out_of_scope": "out_of_scope",
    "demo": "start_demo",
    "quiz": "start_quiz",
}

Parser = Callable[[str], tuple[str | None, float]]


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    opposite: int = 0

    def add(self, good: bool, opposite: bool = False) -> None:
        self.total += 1
        self.right += good
        self.opposite += opposite

    def as_dict(self) -> dict[str, Any]:
        return {
            "right": self.right,
            "total": self.total,
            "accuracy": round(self.right / self.total, 4) if self.total else None,
            "opposite": self.opposite,
        }


@dataclass
class PartReport:
    name: str
    axis: Tally = field(default_factory=Tally)
    axis_by_phenomenon: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    axis_by_label: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    first: Tally = field(default_factory=Tally)
    first_by_label: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    first_by_phenomenon: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    prefill: Tally = field(default_factory=Tally)  # axes filled from descriptions: right vs opposite
    domain: Tally = field(default_factory=Tally)
    questions: Tally = field(default_factory=Tally)
    questions_by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, with_errors: bool) -> dict[str, Any]:
        def table(d: dict[str, Tally]) -> dict[str, Any]:
            return {k: v.as_dict() for k, v in sorted(d.items())}

        out = {
            "axis_answers": {
                **self.axis.as_dict(),
                "by_phenomenon": table(self.axis_by_phenomenon),
                "by_label": table(self.axis_by_label),
            },
            "first_messages": {
                **self.first.as_dict(),
                "by_label": table(self.first_by_label),
                "by_phenomenon": table(self.first_by_phenomenon),
                "axes_filled_from_description": self.prefill.as_dict(),
                "domain_noted": self.domain.as_dict(),
            },
            "direct_questions": {**self.questions.as_dict(), "by_kind": table(self.questions_by_kind)},
        }
        if with_errors:
            out["errors"] = self.errors
        return out


# libyaml's loader when PyYAML has it: the same data, about ten times faster on the corpus.
CORPUS_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_part(name: str) -> dict[str, Any]:
    return yaml.load((CORPUS_DIR / f"{name}.yml").read_text(encoding="utf-8"), Loader=CORPUS_LOADER)


def evaluate_axis(kb: KnowledgeBase, items: list[dict], report: PartReport) -> None:
    reader = axis_reader(kb)
    for item in items:
        reading = reader.read_answer(AXIS_OF_QUESTION[item["question"]], item["text"])
        got = reading.value if reading.kind == "value" else reading.kind
        expected = item["expected"]
        good = got == expected
        opposite = OPPOSITE.get(expected) == got
        report.axis.add(good, opposite)
        report.axis_by_label[expected].add(good, opposite)
        for phenomenon in item.get("phenomena") or []:
            report.axis_by_phenomenon[phenomenon].add(good, opposite)
        if not good:
            report.errors.append(
                {
                    "id": item["id"],
                    "part": "axis",
                    "expected": expected,
                    "got": got,
                    "cue": reading.cue,
                    "text": item["text"],
                }
            )


def _routed(kb: KnowledgeBase, parse: Parser | None, text: str) -> Routed:
    intent, confidence = parse(text) if parse else (None, 0.0)
    return route(kb, text, intent, confidence, Turn())


def evaluate_first(kb: KnowledgeBase, items: list[dict], parse: Parser | None, report: PartReport) -> None:
    for item in items:
        routed = _routed(kb, parse, item["text"])
        expected = FIRST_PATHS[item["expected"]]
        good = routed.intent == expected
        report.first.add(good)
        report.first_by_label[item["expected"]].add(good)
        for phenomenon in item.get("phenomena") or []:
            report.first_by_phenomenon[phenomenon].add(good)
        if not good:
            report.errors.append(
                {
                    "id": item["id"],
                    "part": "first",
                    "expected": expected,
                    "got": routed.intent,
                    "rule": routed.rule,
                    "text": item["text"],
                }
            )
        if item["expected"] == "describe":
            started = diagnosis.start_diagnosis(kb, item["text"])
            for axis, label in (
                ("value_consensus", item.get("values")),
                ("knowledge_certainty", item.get("knowledge")),
            ):
                filled = started.slots.get(axis)
                if filled is None:
                    continue
                right = filled == label
                report.prefill.add(right, opposite=label in OPPOSITE and OPPOSITE[label] == filled)
                if not right:
                    report.errors.append(
                        {
                            "id": item["id"],
                            "part": "prefill",
                            "axis": axis,
                            "expected": label,
                            "got": filled,
                            "text": item["text"],
                        }
                    )
            if item.get("domain") not in (None, "open"):
                noted = started.slots.get("policy_domain")
                report.domain.add(noted == item["domain"])
                if noted != item["domain"]:
                    report.errors.append(
                        {
                            "id": item["id"],
                            "part": "domain",
                            "expected": item["domain"],
                            "got": noted,
                            "text": item["text"],
                        }
                    )


def _answers_question(kb: KnowledgeBase, routed: Routed, text: str, expected: dict) -> bool:
    """Does the path taken answer what was asked, at once?"""
    kind = expected["kind"]
    if kind == "plan":
        return routed.intent == "ask_plan"
    if kind == "stakeholders":
        return routed.intent == "ask_stakeholders" and routed.entities.get("named_type") == expected["type"]
    if kind in ("type_info", "concept"):
        if routed.intent != "ask_concept":
            return False
        found = concepts.find_concept(kb, text, routed.entities.get("concept"))
        want = ("type", expected["type"]) if kind == "type_info" else ("term", expected["concept"])
        return found == want
    if kind in ("route", "routes_for_domain"):
        if routed.intent not in ("ask_route_info", "ask_experiment"):
            return False
        if routed.intent == "ask_experiment" and not advice.routes_at_once(kb, text):
            return False  # the routes form would ask questions first
        answer = advice.legal_routes(kb, ConversationState(), text, routed.entities.get("route"))
        shown = answer.slots["legal_routes"][: max(advice.MAX_ROUTES_SHOWN, 1)]
        return expected["route"] in shown if kind == "routes_for_domain" else shown[:1] == [expected["route"]]
    raise ValueError(f"unknown question kind {kind!r}")


def evaluate_questions(kb: KnowledgeBase, items: list[dict], parse: Parser | None, report: PartReport) -> None:
    for item in items:
        routed = _routed(kb, parse, item["text"])
        good = _answers_question(kb, routed, item["text"], item["expected"])
        report.questions.add(good)
        report.questions_by_kind[item["expected"]["kind"]].add(good)
        if not good:
            report.errors.append(
                {
                    "id": item["id"],
                    "part": "question",
                    "expected": item["expected"],
                    "got": {"intent": routed.intent, **routed.entities},
                    "rule": routed.rule,
                    "text": item["text"],
                }
            )


def nlu_parser(model: Path) -> Parser:
    """The trained model's NLU, in this process (no servers)."""
    import logging
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("rasa").setLevel(logging.ERROR)
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> tuple[str | None, float]:
        data = loop.run_until_complete(agent.parse_message(text))
        intent = data.get("intent") or {}
        return intent.get("name"), float(intent.get("confidence") or 0.0)

    return parse


def run(
    parts: list[str], parse: Parser | None, kb: KnowledgeBase | None = None, axis_only: bool = False
) -> dict[str, PartReport]:
    kb = kb or load_knowledge()
    reports = {}
    for name in parts:
        data = load_part(name)
        report = PartReport(name)
        evaluate_axis(kb, data["axis_answers"], report)
        if not axis_only:
            evaluate_first(kb, data["first_messages"], parse, report)
            evaluate_questions(kb, data["direct_questions"], parse, report)
        reports[name] = report
    return reports


def combined(reports: dict[str, PartReport], names: tuple[str, ...]) -> dict[str, Tally]:
    out = {"axis": Tally(), "first": Tally(), "questions": Tally(), "prefill": Tally()}
    for name in names:
        if name in reports:
            for key in out:
                t = getattr(reports[name], key)
                out[key].right += t.right
                out[key].total += t.total
                out[key].opposite += t.opposite
    return out


def _fmt(t: Tally) -> str:
    if not t.total:
        return "-"
    return f"{t.right}/{t.total} = {100 * t.right / t.total:.1f} %"


def print_report(reports: dict[str, PartReport], show_errors: set[str]) -> None:
    for name, r in reports.items():
        print(f"\n== {name} ==")
        print(f"axis answers:     {_fmt(r.axis)}; turned into the opposite pole: {r.axis.opposite}")
        print("  by label:       " + ", ".join(f"{k} {v.right}/{v.total}" for k, v in sorted(r.axis_by_label.items())))
        print(
            "  by phenomenon:  "
            + ", ".join(f"{k} {v.right}/{v.total}" for k, v in sorted(r.axis_by_phenomenon.items()))
        )
        print(f"first messages:   {_fmt(r.first)}")
        print("  by label:       " + ", ".join(f"{k} {v.right}/{v.total}" for k, v in sorted(r.first_by_label.items())))
        print(
            f"  axes filled from a description: {_fmt(r.prefill)}, opposite: {r.prefill.opposite}; "
            f"domain noted: {_fmt(r.domain)}"
        )
        print(f"direct questions: {_fmt(r.questions)}")
        print(
            "  by kind:        " + ", ".join(f"{k} {v.right}/{v.total}" for k, v in sorted(r.questions_by_kind.items()))
        )
        if name in show_errors:
            for error in r.errors:
                print("  ERROR", json.dumps(error, ensure_ascii=False))
    dev = combined(reports, DEV_PARTS)
    if any(n in reports for n in DEV_PARTS) and any(n in reports for n in HELD_OUT_PARTS):
        held = combined(reports, HELD_OUT_PARTS)
        print("\n== summary ==")
        for key, label in (("axis", "axis answers"), ("first", "first messages"), ("questions", "direct questions")):
            print(
                f"{label:17} development {_fmt(dev[key]):20} held-out {_fmt(held[key])}"
                + (f"   (opposite: {dev[key].opposite} / {held[key].opposite})" if key == "axis" else "")
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--no-nlu", action="store_true", help="route without the trained model")
    parser.add_argument("--model", default=str(ROOT / "models" / "taai.tar.gz"))
    parser.add_argument("--report", default=str(ROOT / "results" / "understanding" / "report.json"))
    parser.add_argument(
        "--errors", default="", help="development parts whose errors to print (held-out parts are refused)"
    )
    args = parser.parse_args(argv)
    refused = set(args.errors.split(",")) & set(HELD_OUT_PARTS)
    if refused:
        parser.error(f"the errors of {', '.join(sorted(refused))} are never printed: it is held out (AUTHORING.md)")
    parts = [p for p in args.parts.split(",") if p]
    started = time.monotonic()
    parse = None if args.no_nlu else nlu_parser(Path(args.model))
    reports = run(parts, parse)
    show = set(args.errors.split(",")) - {""}
    print_report(reports, show)
    out = Path(args.report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "nlu": not args.no_nlu,
                "seconds": round(time.monotonic() - started, 1),
                "parts": {n: r.as_dict(with_errors=n not in HELD_OUT_PARTS) for n, r in reports.items()},
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nReport: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
