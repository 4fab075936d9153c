"""Reading free Dutch text: the axis reader, situation and question readers, and the
router that checks the NLU intent (docs/understanding.md)."""

from __future__ import annotations


def warm_up() -> None:
    """Load the lemmatizer's data, build the readers and train the answer model now
    (a few seconds; the answer model adds 2–4 s on 2 cores and ≈ 30 MB), so the first user of a
    process does not wait for it."""
    from bot.core.knowledge import default_knowledge
    from bot.understanding.axes import axis_reader
    from bot.understanding.questions import question_reader
    from bot.understanding.situation import situation_reader

    kb = default_knowledge()
    reader = axis_reader(kb)
    reader.read_answer("value_consensus", "ja, daar twijfelt niemand aan")
    reader.model.read("value_consensus", "iedereen trekt een andere kant op")  # trains the answer model
    question_reader(kb).read("Wie betrek ik bij een taai probleem?")
    situation_reader(kb).score("De wachtlijst voor schuldhulp wordt langer.")
