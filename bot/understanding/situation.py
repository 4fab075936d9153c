"""Does a message describe a situation or a policy choice?

A first message like "De leeftijdsgrens voor de minimaregeling staat weer ter
discussie." or "Zullen we de toeristenbelasting verhogen?" is a problem to type, even
when the NLU model, trained on longer descriptions, is unsure. This reader scores the
signals a civil servant's description carries; the word lists are in
knowledge/cues.yml (`situation`) and knowledge/context.yml (domains, initiators).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.core.knowledge import KnowledgeBase
from bot.understanding.axes import axis_reader
from bot.understanding.lexicon import Token, tokenize
from bot.understanding.phrases import Hit, PhraseFinder, compile_phrase

# Tuning values, measured with `make eval-understanding` on the development corpus.
THRESHOLD = 2.0
CAP_PER_SIGNAL = 2.0


@dataclass(frozen=True)
class SituationScore:
    score: float
    signals: tuple[str, ...]  # what counted, for the evaluation report

    @property
    def describes(self) -> bool:
        return self.score >= THRESHOLD


class SituationReader:
    def __init__(self, kb: KnowledgeBase) -> None:
        cues = kb.cues["situation"]
        overrides = kb.cues["lexicon"].get("lemma_overrides", {})
        context = [(s, "context") for d in kb.domains.values() for s in d["synonyms"]]
        context += [(s, "context") for i in kb.initiators.values() for s in i["synonyms"]]
        phrases = [compile_phrase(p, label, overrides) for p, label in context]
        for key, label in (
            ("problem_words", "problem"),
            ("policy_choice", "choice"),
            ("personal", "personal"),
            ("not_a_description", "other"),
        ):
            phrases += [compile_phrase(p, label, overrides) for p in cues[key]]
        self.finder = PhraseFinder(phrases, compounds=True)
        self.role_heads = tuple(cues["role_heads"])
        self.overrides = overrides
        self.min_words = cues["min_words"]
        self.kb = kb

    # The router and the question reader both ask for the same message. One reader per
    # knowledge base lives as long as the process, so caching on self leaks nothing.
    @lru_cache(maxsize=256)  # noqa: B019
    def score(self, text: str) -> SituationScore:
        tokens = [t for t in tokenize(text, self.overrides) if not t.is_punctuation]
        if len(tokens) < self.min_words:
            return SituationScore(0.0, ("te kort",))
        hits = self._hits(tokens)
        counts: dict[str, int] = {}
        for hit in hits:
            counts[hit.label] = counts.get(hit.label, 0) + 1
        score = 0.0
        signals = []
        for label, weight in (("context", 1.0), ("problem", 1.0), ("choice", 1.5)):
            if counts.get(label):
                score += min(CAP_PER_SIGNAL, weight * counts[label])
                signals.append(label)
        if axis_reader(self.kb).infer_axes(text):
            score += 1.0
            signals.append("axis")
        if len(tokens) >= 8:
            score += 0.5
            signals.append("length")
        if len(tokens) >= 16:
            score += 0.5
        if counts.get("personal"):
            score -= 3.0
            signals.append("personal")
        if counts.get("other"):
            score -= 3.0
            signals.append("other")
        return SituationScore(score, tuple(signals))

    def labels(self, text: str) -> set[str]:
        """What a message of any length names: "thuiszitters" names a context, "hittestress
        in versteende wijken" a problem (too short for `score`, which needs `min_words`)."""
        tokens = [t for t in tokenize(text, self.overrides) if not t.is_punctuation]
        return {hit.label for hit in self._hits(tokens)}

    def _hits(self, tokens: list[Token]) -> list[Hit[str]]:
        """ "beleidsadviseur", "schuldhulpmedewerker": a role names who is typing, not a
        problem, though its first part is a problem word ("beleid")."""
        return [
            hit
            for hit in self.finder.find(tokens)
            if not (
                hit.label == "problem"
                and len(hit.positions) == 1
                and tokens[hit.positions[0]].text.endswith(self.role_heads)
                and tokens[hit.positions[0]].text not in self.role_heads
            )
        ]


@lru_cache(maxsize=4)
def situation_reader(kb: KnowledgeBase) -> SituationReader:
    return SituationReader(kb)
