"""A problem type described by its two axes inside a question.

"Hoe noem je het soort probleem waarbij iedereen hetzelfde wil, maar de aanpak
onbekend is?" asks for the name of a type and describes it by where people stand and
what is known. The axis reader finds both in a description, but here the description
sits inside a question clause, and a question clause answers nothing. So the
description is read as what follows the conditional word ("als", "waarbij", ...).

"Een probleem waarbij over de doelen en over de kennis geen discussie is" says one
thing of both axes. Dutch coordination ("de doelen en de kennis", "zowel de waarden
als de kennis") is read as two sentences, one per conjunct: "over de doelen geen
discussie is" and "over de kennis geen discussie is".

"De doelen liggen vast, maar de kennis over oorzaken is dun" names a topic in each part
and says how it stands, in words that are no answer cue ("vast", "dun", "gedoe"). Each
part (cut at commas, "maar", "en", a conditional word) is read for its topics and for a
word that says settled or open (`topic_states`), turned by a negator beside it
("partijen vinden elkaar niet over het doel"). A part with a topic and no such word takes
the word of the part it is coordinated with ("het doel en de aanpak staan vast"), or of a
part before that said it without a topic ("waar niks duidelijk is: niet over de doelen en
niet over wat werkt"). This fills in what the axis reader left open.

Plain Python over the knowledge base: the conditional words, coordinators and topic
states are in knowledge/cues.yml (`questions`), the topic words of the axes in
`lexicon.topics`.
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.knowledge import KnowledgeBase
from bot.understanding.axes import NO_POLE, YES_POLE, axis_reader
from bot.understanding.lexicon import Token, tokenize
from bot.understanding.phrases import PhraseFinder, compile_phrase

# A type described in a question is described on purpose, so a weak cue counts, also in
# the clause before a contrast ("waarbij de feiten wel duidelijk zijn, maar ..."): a lower
# bar than for a story (axes.DESCRIPTION_MIN_WEIGHT).
QUESTION_MIN_WEIGHT = 0.35
# How many words (a preposition, an article) may stand between a coordinator and the
# topic word of the second conjunct: "en over de kennis".
MAX_WORDS_BEFORE_TOPIC = 2
# A part that names a topic and takes its state from another part is a short noun phrase
# ("zowel over de doelen", "niet over wat werkt"), not a clause of its own.
MAX_CONJUNCT_WORDS = 4


class TypeDescriptionReader:
    def __init__(self, kb: KnowledgeBase) -> None:
        cues = kb.cues["questions"]
        topics = kb.cues["lexicon"]["topics"]
        overrides = kb.cues["lexicon"].get("lemma_overrides", {})
        self.conditionals = frozenset(cues["conditionals"])
        self.coordinators = frozenset(cues["coordinators"])
        self.both_markers = frozenset(cues["both_markers"])
        self.both_coordinators = frozenset(cues["both_coordinators"])
        self.clause_breaks = frozenset(kb.cues["lexicon"]["clause_breaks"])
        self.negators = frozenset(kb.cues["lexicon"]["negators"])
        elliptic = cues["elliptic_states"]
        self.elliptic_yes = frozenset(elliptic["yes"])
        self.elliptic_no = frozenset(elliptic["no"])
        self.elliptic_markers = frozenset(elliptic["topic_markers"])
        self.question_words = frozenset(cues["question_words"])
        self.topic_axes = dict(cues["topic_axes"])
        self.states = PhraseFinder(
            compile_phrase(p, state, overrides) for state, phrases in cues["topic_states"].items() for p in phrases
        )
        # Single-word topics only: a conjunct is a short noun phrase ("de doelen").
        self.topic_words = {
            group: frozenset(tokenize(w, overrides)[0].lemma for w in topics[group] if " " not in w)
            for group in ("values", "evidence")
        }
        self.kb = kb
        self.overrides = overrides
        # The question reader asks for the same message's axes up to three times in a turn
        # (a named type, "hoe heet dat", a typology term); read it once.
        self.axes = lru_cache(maxsize=32)(self._axes)

    def _axes(self, text: str) -> dict[str, str]:
        """The axes a text describes: {"value_consensus": "agree", ...}, possibly incomplete.
        Callers read the result; it is shared between them (see `axes`)."""
        return self._with_topic_states(self._by_cues(text), text)

    def _with_topic_states(self, found: dict[str, str], text: str) -> dict[str, str]:
        """What the cues found, completed by the topic states. Where the topic states name
        both axes they decide: they read the words said of each topic itself, where a cue
        may have missed the negator ("noch over de waarden noch over de kennis
        overeenstemming"). Otherwise they, and cues in the parts without a topic, fill in
        what the cues left open, but only where some topic was said to be settled or open."""
        said, cued = self._topic_states(text)
        if len(said) == 2:
            return said
        if not said:
            return found  # no topic said to be settled or open: no description by topics
        return {**cued, **said, **found}

    def _by_cues(self, text: str) -> dict[str, str]:
        reader = axis_reader(self.kb)
        found = {axis: inference.value for axis, inference in reader.infer_axes(text).items()}
        if len(found) == 2:
            return found
        described = self._after_conditional(text)
        if not described:
            return found
        # Each clause of the description first ("iedereen het eens is | en de oplossing
        # bekend is": read together, the topic of the second would pull the first to the
        # knowledge axis), then the whole and its conjuncts for what is still open.
        pieces = self._clauses(described)
        by_clause: dict[str, str] = {}
        for piece in pieces if len(pieces) > 1 else []:
            for axis, inference in reader.infer_axes(piece, QUESTION_MIN_WEIGHT).items():
                by_clause.setdefault(axis, inference.value)
        if len(by_clause) == 2:
            return by_clause
        for variant in [described, *self._conjuncts(described)]:
            for axis, inference in reader.infer_axes(variant, QUESTION_MIN_WEIGHT).items():
                found.setdefault(axis, inference.value)
        return found

    def loose_axes(self, text: str) -> dict[str, str]:
        """The axes the whole text describes, weak cues counting as after a conditional."""
        found = axis_reader(self.kb).infer_axes(text, QUESTION_MIN_WEIGHT)
        return self._with_topic_states({axis: inference.value for axis, inference in found.items()}, text)

    def _topic_states(self, text: str) -> tuple[dict[str, str], dict[str, str]]:
        """The axes the parts of a description name a topic of and say how it stands; and
        the axes cues in the parts without a topic speak of."""
        parts = [(joined, part, self._part_topics(part), self._state(part)) for joined, part in self._parts(text)]
        said: dict[str, set[str]] = {}
        cued: dict[str, str] = {}  # "omdat er overeenstemming is": a cue in a part without a topic
        lent: str | None = None  # a state said before its topics, in a part without one
        reader = axis_reader(self.kb)
        for index, (_, part, topics, state) in enumerate(parts):
            if not topics:
                lent = state
                for axis, inference in reader.infer_axes(_joined(part), QUESTION_MIN_WEIGHT).items():
                    cued.setdefault(axis, inference.value)
                continue
            if state is None and len([t for t in part if t.text not in self.both_markers]) <= MAX_CONJUNCT_WORDS:
                state = self._coordinated_state(parts, index) or lent
            if state is None and index > 0:
                state = self._elliptic_state(part, parts[index - 1][1])
            for group in topics:
                if state is not None:
                    said.setdefault(self.topic_axes[group], set()).add(state)
        poles = {"settled": YES_POLE, "open": NO_POLE}
        # A topic said to be both settled and open ("de doelen zijn helder, ... de doelen
        # zijn omstreden") says nothing.
        return {axis: poles[next(iter(states))][axis] for axis, states in said.items() if len(states) == 1}, cued

    def _parts(self, text: str) -> list[tuple[bool, list[Token]]]:
        """The description cut at punctuation, clause breaks, conditional words and
        coordinators; each part says whether a coordinator joins it to the one before.
        "als" coordinates only after "zowel" (`questions.both_coordinators`); elsewhere it
        is a conditional word."""
        parts: list[tuple[bool, list[Token]]] = [(False, [])]
        both = False
        tokens = tokenize(text, self.overrides)
        # Words inside a state phrase cut nothing: "het doel staat als een huis".
        inside = {
            i
            for hit in self.states.find(tokens)
            if hit.span > 1
            for i in range(hit.positions[0], hit.positions[-1] + 1)
        }
        for index, token in enumerate(tokens):
            if index in inside:
                parts[-1][1].append(token)
            elif token.is_punctuation or token.text in self.clause_breaks:
                parts.append((False, []))
                both = False
            elif token.text in self.coordinators and (token.text not in self.both_coordinators or both):
                parts.append((True, []))
            elif token.text in self.conditionals:
                parts.append((False, []))
            else:
                both = both or token.text in self.both_markers
                parts[-1][1].append(token)
        return [(joined, part) for joined, part in parts if part]

    def _part_topics(self, part: list[Token]) -> set[str]:
        """The topic groups a part names; a question word alone ("hoe") is no topic."""
        finders = axis_reader(self.kb).topics
        return {
            group
            for group, finder in finders.items()
            if group in self.topic_axes
            and any(any(part[i].text not in self.question_words for i in hit.positions) for hit in finder.find(part))
        }

    def _state(self, part: list[Token]) -> str | None:
        """ "settled" or "open" as the part says of its topic, turned by its negators."""
        hits = self.states.find(part)
        if len({hit.label for hit in hits}) != 1:
            return None
        used = {i for hit in hits for i in hit.positions}
        negators = [t.text for i, t in enumerate(part) if i not in used and t.text in self.negators]
        # "noch over de waarden noch over de kennis": one negation said of both topics.
        turns = len([n for n in negators if n != "noch"]) + ("noch" in negators)
        state = hits[0].label
        if turns % 2:
            state = "open" if state == "settled" else "settled"
        return state

    def _elliptic_state(self, part: list[Token], before: list[Token]) -> str | None:
        """ "waarbij er over de feiten weinig discussie is, maar wel over de waarden": a part
        that says only "wel" of its topic has the state the part before names before its
        negation (open); one that says "niet" has the other one."""
        hits = self.states.find(before)
        if len({hit.label for hit in hits}) != 1 or len(part) < 2 or part[1].text not in self.elliptic_markers:
            return None
        named = hits[0].label
        if part[0].text in self.elliptic_yes:
            return named
        if part[0].text in self.elliptic_no:
            return "open" if named == "settled" else "settled"
        return None

    @staticmethod
    def _coordinated_state(parts: list[tuple[bool, list[Token], set[str], str | None]], index: int) -> str | None:
        """ "het doel en de aanpak staan vast": the state of a part coordinated after it."""
        for joined, _, _, state in parts[index + 1 :]:
            if not joined:
                return None
            if state is not None:
                return state
        return None

    def _clauses(self, text: str) -> list[str]:
        """The description cut before "en", "maar", ... and at commas."""
        pieces: list[list[str]] = [[]]
        for token in tokenize(text, self.overrides):
            if token.text in self.clause_breaks or token.text in self.coordinators or token.text in ",;":
                pieces.append([])
            else:
                pieces[-1].append(token.text)
        return [" ".join(p) for p in pieces if p]

    def _after_conditional(self, text: str) -> str | None:
        tokens = tokenize(text, self.overrides)
        for i, token in enumerate(tokens):
            if token.text in self.conditionals:
                return " ".join(t.text for t in tokens[i + 1 :] if t.text != "?") or None
        return None

    def _conjuncts(self, text: str) -> list[str]:
        """ "zowel de waarden als de kennis ter discussie": two texts, one per conjunct."""
        tokens = tokenize(text, self.overrides)
        for i, token in enumerate(tokens):
            if token.text not in self.coordinators:
                continue
            first = self._topic_before(tokens, i)
            second = self._topic_after(tokens, i)
            if first is None or second is None:
                continue
            start, first_group = first
            end, second_group = second
            if first_group == second_group:
                continue
            opening = start
            while opening > 0 and tokens[opening - 1].text not in self.both_markers and start - opening < 2:
                opening -= 1  # "over de doelen": the conjunct starts at its preposition
            if opening > 0 and tokens[opening - 1].text in self.both_markers:
                opening -= 1
            before = tokens[:opening]
            marker = [t for t in tokens[opening:start] if t.text not in self.both_markers]
            first_conjunct = marker + tokens[start:i]
            second_conjunct = tokens[i + 1 : end + 1]
            rest = tokens[end + 1 :]
            return [_joined(before + first_conjunct + rest), _joined(before + second_conjunct + rest)]
        return []

    def _topic_before(self, tokens: list[Token], index: int) -> tuple[int, str] | None:
        if index == 0:
            return None
        group = self._group(tokens[index - 1])
        return (index - 1, group) if group else None

    def _topic_after(self, tokens: list[Token], index: int) -> tuple[int, str] | None:
        for j in range(index + 1, min(index + 2 + MAX_WORDS_BEFORE_TOPIC, len(tokens))):
            group = self._group(tokens[j])
            if group:
                return j, group
        return None

    def _group(self, token: Token) -> str | None:
        return next((g for g, words in self.topic_words.items() if token.lemma in words), None)


def _joined(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


@lru_cache(maxsize=4)
def type_description_reader(kb: KnowledgeBase) -> TypeDescriptionReader:
    return TypeDescriptionReader(kb)
