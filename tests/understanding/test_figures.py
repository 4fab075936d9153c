"""Understanding of free Dutch text, measured on the corpus (tests/understanding/corpus/).

The corpus was written apart from the cue lists and NLU data (AUTHORING.md). These
tests run the same evaluation as `make eval-understanding` and fail below the aims of
issue 11. The axis answers need only the reader (fast tier); first messages and
direct questions go through the trained NLU model, loaded in this process.

The aims hold on the development parts that were read round after round (dev to dev6,
and dev12 to dev20, read for their errors the day they were added). The parts added in
other registers (dev7 to dev11: chat, formal policy prose, a course room, regional and
Randstad professionals) and the held-out parts (only evaluated) do not meet all aims;
their floors sit just under what they measure today (README, *Understanding*), so that a
change which makes Taai read such text worse fails here, without pretending that the
aim is met. The third and fourth held-out parts, written last, are their own group: each
was kept out of the repository until a session's changes were done, and they read worst
(they tell what unseen text does to Taai today). So are the fifth and sixth, the seventh
(written in the night session of 2026-12-06), dev25 and dev26, development parts
with 100 direct questions each whose question figures are still below the aim, dev27
to dev29 (the session of 2026-12-07), dev30 to dev35 (the session after it) and dev36
onwards (the third session of that day).
"""

from __future__ import annotations

import json

import pytest

from tests.understanding.evaluate import DEV_PARTS, HELD_OUT_PARTS, PARTS, ROOT, combined, main, nlu_parser, run

# Development parts measured once before anyone read them, then read for their errors.
# dev21 to dev24 keep descriptions with axes filled in as the opposite, which no general
# rule fixes without breaking others (docs/understanding.md, "Limits known today"); their
# two answers read as the opposite pole were fixed on 2026-12-07.
LATER_DEV_PARTS = ("dev7", "dev8", "dev9", "dev10", "dev11", "dev21", "dev22", "dev23", "dev24")
NEWEST_HELD_OUT = ("heldout3", "heldout4")
# The fifth and sixth held-out parts stand apart: their direct questions show how far the
# question reader still is from the aim on a new author's phrasing (docs/understanding.md).
LATEST_HELD_OUT = ("heldout5", "heldout6")
# The seventh, written at the start of the night session of 2026-12-06 and kept outside
# the repository until its rules were done (AUTHORING.md).
NIGHT_HELD_OUT = ("heldout7",)
# The eighth, written at the start of the session of 2026-12-07 and kept outside the
# repository until its rules were done (AUTHORING.md).
MORNING_HELD_OUT = ("heldout8",)
# The ninth, written at the start of the second session of 2026-12-07 and kept outside the
# repository until its rules were done (AUTHORING.md).
SECOND_MORNING_HELD_OUT = ("heldout9",)
# The tenth, written at the start of the third session of 2026-12-07 and kept outside the
# repository until its rules were done (AUTHORING.md).
THIRD_SESSION_HELD_OUT = ("heldout10",)
# The eleventh, written at the start of the fourth session of 2026-12-07 and kept outside
# the repository until its rules were done (AUTHORING.md).
FOURTH_SESSION_HELD_OUT = ("heldout11",)
# heldout12 (author BM), written at the start of the fifth session of 2026-12-07 and measured
# before that session's rules: floors just under its figures after them.
FIFTH_SESSION_HELD_OUT = ("heldout12",)
# heldout13 (author BT), written at the start of the sixth session of 2026-12-07 and measured
# before that session's rules.
SIXTH_SESSION_HELD_OUT = ("heldout13",)
# heldout14 (author BX), written later in that session and measured before the rules made
# after it.
LATER_SIXTH_SESSION_HELD_OUT = ("heldout14",)
# heldout15 (author CD), written at the start of the seventh session of 2026-12-07 and
# measured before that session's rules.
SEVENTH_SESSION_HELD_OUT = ("heldout15",)
# heldout16 (author CK), written at the start of the eighth session of 2026-12-07 and
# measured before that session's rules.
EIGHTH_SESSION_HELD_OUT = ("heldout16",)
# heldout17 (author CR), written later in that session and measured before the rules made
# after it.
LATER_EIGHTH_SESSION_HELD_OUT = ("heldout17",)
# dev25 and dev26 were read for their errors in the night session of 2026-12-06; their
# direct questions (most without the concept's name) are still below the aim, so they have
# their own floors.
NEWEST_DEV_PARTS = ("dev25", "dev26")
# dev27 to dev29, written in the session of 2026-12-07 (each measured once before anyone
# read it, then read for its errors): floors just under what they measure.
MORNING_DEV_PARTS = ("dev27", "dev28", "dev29")
# dev30 (100 direct questions, most without the concept's name) and dev31 (replies that are
# easy to misread), written in the second session of 2026-12-07: floors just under what they
# measure.
SECOND_MORNING_DEV_PARTS = ("dev30", "dev31")
# dev32 (replies that are easy to misread) and dev33 (100 direct questions), written later in
# that session after dev30's and dev31's rules: floors just under what they measure.
THIRD_MORNING_DEV_PARTS = ("dev32", "dev33")
# dev34 (replies carried by something other than the obvious word) and dev35 (100 direct
# questions, many with context first), written after dev32's and dev33's rules.
FOURTH_MORNING_DEV_PARTS = ("dev34", "dev35")
# dev36 (100 direct questions in everyday words), dev37 (replies that are easy to misread)
# and dev38 (careful, winding replies; indirect questions), written at the start of the
# third session of 2026-12-07: floors just under what they measure.
THIRD_SESSION_DEV_PARTS = ("dev36", "dev37", "dev38")
# dev39 (80 first messages, many short), dev40 (replies whose negative word opens a side
# remark) and dev41 (100 direct questions), written later in that session after dev36's to
# dev38's rules: floors just under what they measure.
LATER_THIRD_SESSION_DEV_PARTS = ("dev39", "dev40", "dev41")
# dev42 (80 first messages), dev43 (100 direct questions) and dev44 (replies about time,
# parts, comparisons and conditions), written last in that session.
LAST_THIRD_SESSION_DEV_PARTS = ("dev42", "dev43", "dev44")
# dev45 (100 direct questions asked indirectly), dev46 (80 first messages, many like a
# subject line) and dev47 (replies easy to misread: examples, understatement, rhetorical
# questions), written at the start of the fourth session of 2026-12-07.
FOURTH_SESSION_DEV_PARTS = ("dev45", "dev46", "dev47")
# dev48 (100 direct questions in the user's own words), dev49 (replies hard to read: far
# negations, the answer in a subordinate clause) and dev50 (80 first messages of every
# form), written later in that session after the rules from dev45 to dev47.
LATER_FOURTH_SESSION_DEV_PARTS = ("dev48", "dev49", "dev50")
# dev51 (100 direct questions in plain words) and dev52 (replies a careless reader turns
# around), written last in that session after the rules from dev48 to dev50.
LAST_FOURTH_SESSION_DEV_PARTS = ("dev51", "dev52")
# dev53 (100 direct questions in plain words, many naming a type in the user's own words),
# dev54 (replies a careless reader turns around) and dev55 (first messages and questions as
# typed mid-conversation), written at the start of the fifth session of 2026-12-07: floors
# just under what they measure after reading.
FIFTH_SESSION_DEV_PARTS = ("dev53", "dev54", "dev55")
# dev56 (100 direct questions as they come up in a course or at work), dev57 (replies hard to
# read: the yes or no out of place, others' view first, numbers and examples) and dev58 (80
# first messages as typed), written later in that session after the rules from dev53 to dev55.
LATER_FIFTH_SESSION_DEV_PARTS = ("dev56", "dev57", "dev58")
# dev59 (replies easy to read the wrong way round: preambles, quoted colleagues, comparisons,
# rhetorical questions), dev60 (100 direct questions typed quickly in a messaging app) and
# dev61 (80 first messages of every kind), written at the start of the sixth session of
# 2026-12-07.
SIXTH_SESSION_DEV_PARTS = ("dev59", "dev60", "dev61")
# dev62 (replies whose answer comes last, others' view first, far negations, situations),
# dev63 (100 direct questions in the user's own words) and dev64 (big-city first messages
# and street-level replies), written later in that session after the rules from dev59 to dev61.
LATER_SIXTH_SESSION_DEV_PARTS = ("dev62", "dev63", "dev64")
# dev65 (replies carried by a story, a number or a concession) and dev66 (100 direct
# questions asked indirectly or with a story first), written last in that session.
LAST_SIXTH_SESSION_DEV_PARTS = ("dev65", "dev66")
# dev67 (replies with knowledge only partly there, others' views, comparisons, irony), dev68
# (100 direct questions as people really type them) and dev69 (80 first messages, many a
# story with a closing question), written at the start of the seventh session of 2026-12-07.
SEVENTH_SESSION_DEV_PARTS = ("dev67", "dev68", "dev69")
# dev70 (replies in everyday professional Dutch), dev71 (100 direct questions from the
# intranet widget) and dev72 (80 first messages typed quickly), written later in that
# session after the rules from dev67 to dev69.
LATER_SEVENTH_SESSION_DEV_PARTS = ("dev70", "dev71", "dev72")
# dev73 (replies with quantities, time, others' view first, understatement), dev74 (100
# direct questions in the user's own words, types described by their features) and dev75
# (80 first messages of every form), written at the start of the eighth session of 2026-12-07.
EIGHTH_SESSION_DEV_PARTS = ("dev73", "dev74", "dev75")
# dev76 (100 direct questions as people type them), dev77 (140 replies carried by
# comparisons, conditions, concessions, quotes, irony) and dev78 (80 first messages),
# written later in that session after the rules from dev73 to dev75.
LATER_EIGHTH_SESSION_DEV_PARTS = ("dev76", "dev77", "dev78")
GROUPS = {
    "development": tuple(
        p
        for p in DEV_PARTS
        if p
        not in LATER_DEV_PARTS
        + NEWEST_DEV_PARTS
        + MORNING_DEV_PARTS
        + SECOND_MORNING_DEV_PARTS
        + THIRD_MORNING_DEV_PARTS
        + FOURTH_MORNING_DEV_PARTS
        + THIRD_SESSION_DEV_PARTS
        + LATER_THIRD_SESSION_DEV_PARTS
        + LAST_THIRD_SESSION_DEV_PARTS
        + FOURTH_SESSION_DEV_PARTS
        + LATER_FOURTH_SESSION_DEV_PARTS
        + LAST_FOURTH_SESSION_DEV_PARTS
        + FIFTH_SESSION_DEV_PARTS
        + LATER_FIFTH_SESSION_DEV_PARTS
        + SIXTH_SESSION_DEV_PARTS
        + LATER_SIXTH_SESSION_DEV_PARTS
        + LAST_SIXTH_SESSION_DEV_PARTS
        + SEVENTH_SESSION_DEV_PARTS
        + LATER_SEVENTH_SESSION_DEV_PARTS
        + EIGHTH_SESSION_DEV_PARTS
        + LATER_EIGHTH_SESSION_DEV_PARTS
    ),
    "development, added last": LATER_DEV_PARTS,
    "development, newest": NEWEST_DEV_PARTS,
    "development, 2026-12-07": MORNING_DEV_PARTS,
    "development, 2026-12-07 (2)": SECOND_MORNING_DEV_PARTS,
    "development, 2026-12-07 (3)": THIRD_MORNING_DEV_PARTS,
    "development, 2026-12-07 (4)": FOURTH_MORNING_DEV_PARTS,
    "development, 2026-12-07 (5)": THIRD_SESSION_DEV_PARTS,
    "development, 2026-12-07 (6)": LATER_THIRD_SESSION_DEV_PARTS,
    "development, 2026-12-07 (7)": LAST_THIRD_SESSION_DEV_PARTS,
    "development, 2026-12-07 (8)": FOURTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (9)": LATER_FOURTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (10)": LAST_FOURTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (11)": FIFTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (12)": LATER_FIFTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (13)": SIXTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (14)": LATER_SIXTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (15)": LAST_SIXTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (16)": SEVENTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (17)": LATER_SEVENTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (18)": EIGHTH_SESSION_DEV_PARTS,
    "development, 2026-12-07 (19)": LATER_EIGHTH_SESSION_DEV_PARTS,
    "held-out": tuple(
        p
        for p in HELD_OUT_PARTS
        if p
        not in NEWEST_HELD_OUT
        + LATEST_HELD_OUT
        + NIGHT_HELD_OUT
        + MORNING_HELD_OUT
        + SECOND_MORNING_HELD_OUT
        + THIRD_SESSION_HELD_OUT
        + FOURTH_SESSION_HELD_OUT
        + FIFTH_SESSION_HELD_OUT
        + SIXTH_SESSION_HELD_OUT
        + LATER_SIXTH_SESSION_HELD_OUT
        + SEVENTH_SESSION_HELD_OUT
        + EIGHTH_SESSION_HELD_OUT
        + LATER_EIGHTH_SESSION_HELD_OUT
    ),
    "held-out, written last": NEWEST_HELD_OUT,
    "held-out, latest": LATEST_HELD_OUT,
    "held-out, night": NIGHT_HELD_OUT,
    "held-out, 2026-12-07": MORNING_HELD_OUT,
    "held-out, 2026-12-07 (2)": SECOND_MORNING_HELD_OUT,
    "held-out, 2026-12-07 (3)": THIRD_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (4)": FOURTH_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (5)": FIFTH_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (6)": SIXTH_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (7)": LATER_SIXTH_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (8)": SEVENTH_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (9)": EIGHTH_SESSION_HELD_OUT,
    "held-out, 2026-12-07 (10)": LATER_EIGHTH_SESSION_HELD_OUT,
}
# (axis answers right, axis answers read as the opposite pole at most, first messages right,
#  direct questions right, axes filled in from a description as the opposite at most).
# Development: the aims of issue 11. The others: floors just under today's figures.
AIMS = {
    "development": (0.97, 0, 0.95, 0.95, 0),
    "development, added last": (0.97, 0, 0.95, 0.95, 3),
    "development, newest": (0.95, 0, 0.95, 0.90, 0),
    "development, 2026-12-07": (0.92, 0, 0.93, 0.90, 0),
    "development, 2026-12-07 (2)": (0.96, 0, 0.95, 0.92, 1),
    "development, 2026-12-07 (3)": (0.95, 1, 0.95, 0.88, 0),
    "development, 2026-12-07 (4)": (0.97, 0, 0.95, 0.86, 0),
    "development, 2026-12-07 (5)": (0.98, 0, 0.95, 0.97, 0),
    "development, 2026-12-07 (6)": (0.99, 0, 0.96, 0.99, 0),
    "development, 2026-12-07 (7)": (0.96, 0, 0.97, 0.99, 0),
    "development, 2026-12-07 (8)": (0.95, 0, 0.98, 0.98, 2),
    "development, 2026-12-07 (9)": (0.97, 0, 0.97, 0.97, 1),
    "development, 2026-12-07 (10)": (0.97, 1, 0.97, 0.96, 1),
    "development, 2026-12-07 (11)": (0.98, 0, 0.97, 0.98, 0),
    "development, 2026-12-07 (12)": (0.96, 0, 0.95, 0.96, 1),
    "development, 2026-12-07 (13)": (0.95, 1, 0.96, 0.97, 1),
    "development, 2026-12-07 (14)": (0.94, 0, 0.97, 0.98, 0),
    "development, 2026-12-07 (15)": (0.95, 1, 0.97, 0.97, 0),
    "development, 2026-12-07 (16)": (0.97, 1, 0.92, 0.95, 0),
    "development, 2026-12-07 (17)": (0.98, 1, 0.98, 0.98, 1),
    "development, 2026-12-07 (18)": (0.98, 0, 0.97, 0.96, 0),
    "development, 2026-12-07 (19)": (0.97, 1, 0.97, 0.96, 1),
    "held-out": (0.95, 4, 0.95, 0.92, 1),
    "held-out, written last": (0.93, 4, 0.90, 0.85, 2),
    "held-out, latest": (0.95, 2, 0.95, 0.83, 1),
    "held-out, night": (0.97, 1, 0.95, 0.85, 1),
    "held-out, 2026-12-07": (0.95, 2, 0.95, 0.95, 0),
    "held-out, 2026-12-07 (2)": (0.95, 1, 0.93, 0.90, 1),
    "held-out, 2026-12-07 (3)": (0.98, 0, 0.92, 0.97, 0),
    "held-out, 2026-12-07 (4)": (0.98, 0, 0.97, 0.93, 1),
    "held-out, 2026-12-07 (5)": (0.98, 0, 0.97, 0.95, 0),
    "held-out, 2026-12-07 (6)": (0.93, 4, 0.97, 0.93, 0),
    "held-out, 2026-12-07 (7)": (0.98, 0, 0.97, 0.97, 1),
    "held-out, 2026-12-07 (8)": (0.96, 2, 0.97, 0.97, 0),
    "held-out, 2026-12-07 (9)": (0.98, 0, 0.97, 0.97, 0),
    "held-out, 2026-12-07 (10)": (0.94, 0, 0.95, 0.95, 0),
}


def _available(parts):
    from tests.understanding.evaluate import CORPUS_DIR

    return tuple(p for p in parts if (CORPUS_DIR / f"{p}.yml").exists())


@pytest.fixture(scope="module")
def axis_reports(kb):
    return run(list(_available(PARTS)), parse=None, kb=kb, axis_only=True)


@pytest.mark.fast
@pytest.mark.parametrize("group", GROUPS)
def test_axis_answers_are_read_right_and_never_as_the_opposite(axis_reports, group):
    assert _available(GROUPS[group]) == GROUPS[group], f"{group}: a corpus part is missing"
    figures = combined(axis_reports, GROUPS[group])["axis"]
    right, opposite = AIMS[group][:2]
    assert figures.total >= 60
    assert figures.opposite <= opposite, f"{group}: {figures.opposite} answers read as the opposite pole"
    assert figures.right / figures.total >= right, f"{group}: {figures.right}/{figures.total}"


@pytest.fixture(scope="module")
def full_reports(kb):
    return run(list(_available(PARTS)), parse=nlu_parser(ROOT / "models" / "taai.tar.gz"), kb=kb)


@pytest.mark.model
@pytest.mark.parametrize("group", GROUPS)
def test_first_messages_take_the_right_path(full_reports, group):
    figures = combined(full_reports, _available(GROUPS[group]))
    first, prefill = figures["first"], figures["prefill"]
    assert first.right / first.total >= AIMS[group][2], f"{group}: {first.right}/{first.total}"
    assert prefill.opposite <= AIMS[group][4], (
        f"{group}: {prefill.opposite} axes filled in from a description as the opposite of what it says"
    )


@pytest.mark.model
@pytest.mark.parametrize("group", GROUPS)
def test_direct_questions_are_answered(full_reports, group):
    questions = combined(full_reports, _available(GROUPS[group]))["questions"]
    assert questions.right / questions.total >= AIMS[group][3], f"{group}: {questions.right}/{questions.total}"


@pytest.mark.fast
def test_held_out_errors_are_never_printed_nor_written(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--no-nlu", "--parts", "dev", "--errors", "heldout2"])
    report = tmp_path / "report.json"
    assert main(["--no-nlu", "--parts", ",".join(HELD_OUT_PARTS), "--report", str(report)]) == 0
    assert "ERROR" not in capsys.readouterr().out
    parts = json.loads(report.read_text(encoding="utf-8"))["parts"]
    assert set(parts) == set(HELD_OUT_PARTS) and all("errors" not in part for part in parts.values())
