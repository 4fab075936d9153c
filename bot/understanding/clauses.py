"""A message cut into clauses, the unit in which a negation or a cue counts.

"Over het doel zijn we het eens, maar over de aanpak niet": the "niet" of the second
clause must not touch the "eens" of the first. Clauses end at punctuation, before
a word that opens a new clause ("maar", "want", "omdat", ...: `lexicon.clause_breaks`
in knowledge/cues.yml) and before an "en" that joins a new subject ("en het
onderzoek ...": `lexicon.and_before`). A clause that opens with a contrast word ("maar", "alleen",
"echter") carries the speaker's point and weighs more; the clause before it, less.
A clause that is a question back ("wat bedoel je met waarden?") answers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from bot.understanding.lexicon import Token, finite_verb

CONTRAST_WEIGHT = 1.5
BEFORE_CONTRAST_WEIGHT = 0.75
RESTRICTIVE_WEIGHT = 0.5
CONCESSIVE_WEIGHT = 0.4  # "Grotendeels wel, hoewel ... nooit honderd procent": the main clause decides
ECHO_MAX_WORDS = 2
MIN_CLAUSE_BEFORE_AND = 4  # words before an "en" that can end a clause
AND_AFTER_REACH = 2  # a negator this close before the "en" ends its claim ("de weg niet vinden en een ...")
AND_AFTER_FAR_REACH = 5  # ... or this close, when the noun phrase after the "en" has its own verb
AND_AFTER_VERB_AT = (3, 4)  # "en de raad is", "en de hele raad is": where that verb stands after the "en"
OPEN_SUBJECT_WORDS = 3  # "dat de scholen en wij": a subject this short may still be coordinated


@dataclass
class Clause:
    tokens: list[Token]
    weight: float = 1.0
    question: bool = False
    contrast: bool = False  # opens with a contrast word
    echo: bool = False  # a word or two with a question mark: "Eens?" (what follows answers it)
    ends_with_question: bool = False
    conceded: bool = False  # opens with "hoewel", "al ...": it concedes, the rest of the sentence holds
    ended_by: str = ""  # the punctuation that closed it ("" for a clause break word)
    # "Wat weten we over wat werkt? Weinig.": the user's own question, answered by the
    # short clause after it ("low" denies what it asks, "high" affirms it) ...
    self_answer: str | None = None
    answers_own_question: bool = False  # ... and that short clause, which answers nothing Taai asked

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


@dataclass(frozen=True)
class ClauseWords:
    """The word lists that cut and weigh clauses (knowledge/cues.yml, `lexicon`)."""

    breaks: frozenset[str]  # open a new clause mid-sentence ("maar", "want")
    contrast: frozenset[str]  # a clause opening with one carries the point ("maar", "alleen")
    question_openers: frozenset[str]  # a clause ending in "?" that opens with one asks back
    tag_questions: frozenset[str]  # ... unless it ends in one ("toch?")
    and_before: frozenset[str]  # "en" before one of these opens a new clause
    restrictive: frozenset[str]  # at the start of a sentence: "only" ("alleen de wethouder ...")
    wh_words: frozenset[str]  # a sentence ending in "?" whose clause opens with one asks back
    not_a_break_after_maar: frozenset[str]  # "we doen maar wat": "maar" is no contrast here
    not_a_break_before_maar: frozenset[str] = frozenset()  # "het is nog maar de vraag": no contrast either
    maar_phrases: frozenset[tuple[str, ...]] = frozenset()  # "... is maar de vraag": "maar" inside a set phrase
    concessive: frozenset[str] = frozenset()  # "hoewel", "weliswaar": the clause concedes
    concessive_after_comma: frozenset[str] = frozenset()  # "..., al moet ik zeggen": concedes mid-sentence only
    concessive_openings: frozenset[tuple[str, ...]] = frozenset()  # "Ook al ...", "Al is ...": anywhere
    concession_tags: frozenset[tuple[str, ...]] = (
        frozenset()
    )  # "..., dat geef ik toe, maar": concedes the clause before
    conclusive: frozenset[str] = frozenset()  # "..., dus nee": the conclusion carries the point
    and_after: frozenset[str] = frozenset()  # "... wil het niet en de andere helft ...": a claim ended ...
    and_after_next: frozenset[str] = frozenset()  # ... when a new noun phrase follows the "en"
    and_after_verbs: frozenset[str] = frozenset()  # "... niet meer aan en de raad is verdeeld": its own verb
    and_inverted: frozenset[str] = frozenset()  # "... en weten we het niet meer": verb and subject after "en"
    subordinators: frozenset[str] = frozenset()  # "dat de scholen en wij ...": a subject still open


def join(first: Clause, second: Clause) -> Clause:
    """`first` with the words of `second` after it, ended as `second` ends."""
    first.tokens = first.tokens + second.tokens
    first.ended_by = second.ended_by
    first.ends_with_question = second.ends_with_question
    first.question = first.question or second.question
    return first


def _subject_still_open(current: list[Token], words: ClauseWords) -> bool:
    """ "het is niet zo dat de scholen en wij iets anders willen": a few words after a
    subordinator and no verb yet; the "en" joins two subjects, it opens no claim."""
    last = max((i for i, t in enumerate(current) if t.text in words.subordinators), default=None)
    return (
        last is not None
        and 0 < len(current) - last - 1 <= OPEN_SUBJECT_WORDS
        and not any(finite_verb(t) for t in current[last + 1 :])
    )


def _own_verb_follows(tokens: Sequence[Token], index: int, words: ClauseWords) -> bool:
    """ "..., kunnen de vraag niet meer aan en de raad is verdeeld": a noun phrase after the
    "en" with a verb of its own is a new claim; the negation before it does not reach it."""
    return any(
        index + at < len(tokens) and tokens[index + at].text in words.and_after_verbs for at in AND_AFTER_VERB_AT
    )


def _in_maar_phrase(tokens: Sequence[Token], index: int, words: ClauseWords) -> bool:
    """Whether the "maar" at `index` is the "maar" of a set phrase ("is maar de vraag")."""
    texts = [t.text for t in tokens]
    for phrase in words.maar_phrases:
        at = phrase.index("maar")
        start = index - at
        if start >= 0 and tuple(texts[start : start + len(phrase)]) == phrase:
            return True
    return False


def _bare_subject_claim(current: Sequence[Token], tokens: Sequence[Token], index: int, words: ClauseWords) -> bool:
    """ "daar wordt heel verschillend over gedacht en onderzoek is er nauwelijks": after a
    clause with its own verb, "en", one noun and a verb open a new claim, so the negator at
    its end does not reach back to the cue before the "en"."""
    if index + 2 >= len(tokens) or tokens[index + 1].is_punctuation:
        return False
    subject = tokens[index + 1].text
    return (
        tokens[index + 2].text in words.and_after_verbs
        and subject not in words.and_after_verbs | words.subordinators | words.and_before  # "en die is ..."
        and any(t.text in words.and_after_verbs or finite_verb(t) for t in current)
    )


def split_clauses(tokens: Sequence[Token], words: ClauseWords) -> list[Clause]:
    clauses: list[Clause] = []
    current: list[Token] = []
    ended_by: list[str] = []

    def close(end: str) -> None:
        if current:
            clauses.append(Clause(list(current)))
            ended_by.append(end)
            current.clear()

    for index, token in enumerate(tokens):
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        second = tokens[index + 2].text if index + 2 < len(tokens) else ""
        if token.is_punctuation:
            close(token.text)
        elif (
            current
            and (
                token.text in words.breaks
                and not (token.text == "maar" and following in words.not_a_break_after_maar)
                and not (token.text == "maar" and current[-1].text in words.not_a_break_before_maar)
                and not (token.text == "maar" and _in_maar_phrase(tokens, index, words))
                # "..., maar sinds de verkiezingen wil ...": a break right after another one
                # opens no clause of its own, so the contrast stays with what follows.
                and not (len(current) == 1 and current[0].text in words.breaks)
                or token.text == "en"
                and (
                    following in words.and_before
                    and not _subject_still_open(current, words)
                    or any(t.text in words.and_after for t in current[-AND_AFTER_REACH:])
                    and following in words.and_after_next
                    or any(t.text in words.and_after for t in current[-AND_AFTER_FAR_REACH:])
                    and following in words.and_after_next
                    and _own_verb_follows(tokens, index, words)
                    or second in words.and_inverted
                    and following not in words.and_after_next
                    or _bare_subject_claim(current, tokens, index, words)
                )
                and len(current) >= MIN_CLAUSE_BEFORE_AND
            )
        ):
            # "er is onenigheid en het onderzoek geeft geen antwoord": two claims, two
            # scopes for a negation; "bewoners en ondernemers" and "alleen de scholen en
            # wij zitten op een lijn" stay one clause. A negator before the "en" ends its
            # claim: "de helft wil het gewoon niet en de andere helft vindt ...", "mensen vinden
            # de weg niet en een loket helpt"; so does a verb with its subject after the "en"
            # ("het had nauwelijks effect en weten we het eigenlijk niet meer").
            close("")
            current.append(token)
        else:
            current.append(token)
    close("")

    # Which sentence ends with a question mark: "Wat versta je onder zekerheid, moet dat
    # bewezen zijn?" is a question back in both its clauses.
    sentence_asks = [False] * len(clauses)
    sentence_end = ""
    for index in range(len(clauses) - 1, -1, -1):
        if ended_by[index] in (".", "!", "?") or index == len(clauses) - 1:
            sentence_end = ended_by[index]
        sentence_asks[index] = sentence_end == "?"
    for index, clause in enumerate(clauses):
        first = clause.tokens[0].text
        sentence_start = index == 0 or ended_by[index - 1] in (".", "!", "?")
        if first in words.restrictive and sentence_start:
            # "Alleen de wethouder en ik zijn het eens": only some, so the others are not.
            clause.weight *= RESTRICTIVE_WEIGHT
        elif first in words.contrast and index > 0:
            clause.contrast = True
            clause.weight *= CONTRAST_WEIGHT
            clauses[index - 1].weight *= BEFORE_CONTRAST_WEIGHT
        elif first == "en" and index > 0 and not sentence_start and clauses[index - 1].contrast:
            # "..., maar wij doen dit al vijf jaar en het werkt elke keer": the contrast goes on.
            clause.contrast = True
            clause.weight *= CONTRAST_WEIGHT
        if first in words.conclusive and index > 0:
            clause.weight *= CONTRAST_WEIGHT
        if (
            first in words.concessive
            or words.concessive & set(clause.words)
            or first in words.concessive_after_comma
            and not sentence_start
            or tuple(clause.words[:2]) in words.concessive_openings
        ):
            clause.weight *= CONCESSIVE_WEIGHT
            clause.conceded = True
        if index > 0 and tuple(clause.words) in words.concession_tags:
            # "We willen allemaal wel iets met die wijk, dat geef ik toe, maar ...": the
            # claim before the tag is conceded; what follows the "maar" holds.
            clauses[index - 1].weight *= CONCESSIVE_WEIGHT
            clauses[index - 1].conceded = True
        if clause.words[-1] in words.tag_questions:
            pass  # "iedereen wil dat toch?" is a claim
        elif ended_by[index] == "?" and first in words.question_openers:
            clause.question = True
        elif sentence_asks[index] and first in words.wh_words:
            clause.question = True
        if sentence_asks[index] and not sentence_start and clauses[index - 1].question:
            # "Wat versta je onder zekerheid, wetenschappelijk bewijs of ervaring?": the
            # rest of a sentence that asks back asks back too.
            clause.question = True
        if (
            ended_by[index] == "?"
            and sentence_start
            and index > 0
            and clauses[index - 1].question
            and ended_by[index - 1] == "?"
        ):
            # "Wat versta je onder zekerheid? Een RCT of gewoon ervaring?": the asking goes on.
            clause.question = True
        clause.ends_with_question = ended_by[index] == "?"
        clause.ended_by = ended_by[index]
        if ended_by[index] == "?" and len(clause.tokens) <= ECHO_MAX_WORDS:
            clause.echo = True
    return clauses
