"""Direct questions Taai answers at once, at any point in the conversation.

"Wie moet ik betrekken bij een ongestructureerd probleem?" names a problem type: the
answer is the advice for that type, no description needed. "Hoe laat ik zien dat mijn
aanpak werkt?" asks for the evidence levels without naming them. "We willen
experimenteren met een bijstand zonder sollicitatieplicht, welke juridische ruimte is
er?" names its domain: the routes follow at once.

What counts as a name for a type, a concept or a route comes from the knowledge base
(names and synonyms) plus the phrasings in knowledge/cues.yml (`questions`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.core.knowledge import KnowledgeBase
from bot.understanding.lexicon import Token, finite_verb, join_split_compounds, tokenize
from bot.understanding.phrases import Hit, PhraseFinder, compile_phrase
from bot.understanding.type_description import type_description_reader

# How many other words may stand between the words of a frame phrase.
FRAME_GAPS = {
    "asks_whom": 2,
    "asks_what": 1,
    "experiment": 0,
    "plan": 1,
    "request": 0,
    "start": 1,
    "demo": 1,
    "quiz": 1,
    "naming": 1,
}
SEPARABLE_GAP = 4  # "leg [de participatieladder nog eens] uit"
ASSISTANT_NAME = "taai"  # the product's name, which is also a word for the unstructured type
CHOICE = "choose:"  # a concept entity that offers terms to choose from: "choose:term:a,term:b"
REQUESTS = frozenset({"request", "plan", "start", "demo", "quiz"})
RUNGS_FOR_THE_LADDER = 2  # rungs named side by side in a what-question
STORY_SENTENCES = 3  # an own case told in this many sentences (or parts cut at colons) is a story


@dataclass(frozen=True)
class Question:
    intent: str  # ask_stakeholders | ask_concept | ask_route_info | ask_experiment | ask_plan | start_*
    entities: dict[str, str] = field(default_factory=dict)  # named_type, concept, route
    request: bool = False  # phrased as a request ("leg uit", "maak een plan")
    asked: bool = False  # plainly asked: a question mark, a request, a question word that opens a question


@dataclass(frozen=True)
class Subject:
    kind: str  # type | term | case | level | route
    id: str
    generic: bool = False  # a phrasing that also fits other subjects: it yields to any other one named


def _strip_brackets(name: str) -> list[str]:
    return [re.sub(r"\s*\(.*?\)", "", name), *re.findall(r"\((.*?)\)", name)]


class QuestionReader:
    def __init__(self, kb: KnowledgeBase) -> None:
        cues = kb.cues["questions"]
        overrides = kb.cues["lexicon"].get("lemma_overrides", {})
        self.overrides = overrides
        self.terms = kb.terms

        def compiled(pairs):
            return [compile_phrase(p, label, overrides) for p, label in pairs if p.strip()]

        subjects: list[tuple[str, Subject]] = []
        type_names = {
            t["id"]: [
                t["name"],
                t["short_name"],
                *_strip_brackets(t["short_name"]),
                *cues["type_names"].get(t["id"], []),
            ]
            for t in kb.types.values()
        }
        # "deels gestructureerd" names two types: such a name only counts when nothing more
        # specific is said ("deels gestructureerd met onzekere kennis" is the knowledge type).
        counts: dict[str, int] = {}
        for names in type_names.values():
            for name in {n.lower() for n in names}:
                counts[name] = counts.get(name, 0) + 1
        ambiguous = []
        for type_id, names in type_names.items():
            subjects += [(n, Subject("type", type_id)) for n in names if counts[n.lower()] == 1]
            ambiguous += [(n, Subject("type", type_id)) for n in names if counts[n.lower()] > 1]
        terms = []
        for term in kb.terms.values():
            names = [
                term["term"],
                *_strip_brackets(term["term"]),
                *term["synonyms"],
                *cues["concept_phrasings"].get(term["id"], []),
            ]
            terms += [(n, Subject("term", term["id"])) for n in names]
        for case in kb.cases.values():
            subjects += [
                (n, Subject("case", case["id"]))
                for n in [re.sub(r"\s*\(.*?\)", "", case["name"]), *case.get("synonyms", [])]
            ]
        for level in kb.levels.values():
            subjects.append((level["name"], Subject("level", level["id"])))
        routes = []
        for route in kb.routes.values():
            # "van de regels afwijken" fits the hardship clause, but also an experiment
            # article: "een bepaling in de bijstandswet om van de regels af te wijken" is art. 83.
            # A name listed there is generic too ("experimenteerbepaling": the law named decides).
            generic = cues["generic_route_phrasings"].get(route["id"], [])
            names = [
                n
                for n in [*route.get("names", []), *cues["route_phrasings"].get(route["id"], [])]
                if n.lower() not in {g.lower() for g in generic}
            ]
            routes += [(n, Subject("route", route["id"])) for n in names]
            routes += [(n, Subject("route", route["id"], generic=True)) for n in generic]
        # A route outranks a glossary term of the same name ("experimentenwet").
        # Ambiguous names claim their words (so "gestructureerd probleem" inside "deels
        # gestructureerd probleem" is not the structured type) but name no type themselves.
        # A glossary term outranks a type name of the same words ("wicked problems"):
        # `term_types` maps it back to the type where a question asks whom to involve.
        self.head_links = frozenset(cues["head_links"])
        self.type_names = {
            type_id: PhraseFinder(compile_phrase(n, type_id, overrides) for n in names)
            for type_id, names in type_names.items()
        }
        self.subjects = PhraseFinder(
            compiled(subjects)
            + [compile_phrase(p, label, overrides, priority=0) for p, label in routes + terms if p.strip()]
            + [compile_phrase(n, Subject("ambiguous_type", s.id), overrides) for n, s in ambiguous]
        )
        # Frames are matched tightly: with gaps, "mag dat" would be found in "mag je zeggen dat".
        self.frames = [
            PhraseFinder(compiled([(p, frame) for p in cues[frame]]), max_gap=gap) for frame, gap in FRAME_GAPS.items()
        ] + [PhraseFinder(compiled([(p, "request") for p in cues["separable_requests"]]), max_gap=SEPARABLE_GAP)]
        # Compounds the reader knows, for "participatie wet" typed as two words.
        phrase_sources = [p for p, _ in subjects + routes + terms + ambiguous] + [
            p for frame in FRAME_GAPS for p in cues[frame]
        ]
        self.vocabulary = frozenset(
            t.text for source in phrase_sources for t in tokenize(source) if len(t.text) >= 8 and t.text.isalpha()
        )
        self.openers = frozenset(cues["question_openers"])
        self.question_words = frozenset(cues["question_words"])
        self.embedding_words = frozenset(cues["embedding_words"])
        self.clause_subjects = frozenset(cues["clause_subjects"])
        self.inverted_subjects = frozenset(cues["inverted_subjects"])
        self.inverted_question_words = self.question_words | frozenset(cues["inverted_question_words"])
        self.alternative_markers = frozenset(cues["alternative_markers"])
        self.determiner_question_words = frozenset(cues["determiner_question_words"])
        self.prepositions = frozenset(cues["prepositions"])
        self.own_markers = frozenset(cues["own_markers"])
        self.experiment_words = frozenset(cues["experiment_words"])
        self.permission_words = frozenset(cues["permission_words"])
        self.plan_verbs = PhraseFinder(compiled([(p, "plan_verb") for p in cues["plan_verbs"]]), max_gap=0)
        self.conditionals = frozenset(cues["conditionals"])
        self.term_types = dict(cues["term_types"])
        self.typology_terms = frozenset(cues["typology_terms"])
        self.ladder_term = cues["ladder_term"]
        self.scaling_term = cues["scaling"]["term"]
        self.scaling_success = PhraseFinder(compiled([(p, "success") for p in cues["scaling"]["success"]]), max_gap=1)
        self.scaling_spread = PhraseFinder(compiled([(p, "spread") for p in cues["scaling"]["spread"]]), max_gap=1)
        self.addressing = frozenset(cues["addressing"])
        self.in_the_way = PhraseFinder(compiled([(p, "in_the_way") for p in cues["in_the_way"]]), max_gap=1)
        self.open_closings = PhraseFinder(compiled([(p, "open") for p in cues["open_closings"]]), max_gap=1)
        self.closing_leads = frozenset(cues["closing_leads"])
        # The rungs of the participation ladders, one word each ("informeren", "meebeslissen"):
        # a question that sets two of them side by side asks about the ladder itself.
        self.rungs = frozenset(
            name
            for ladder in kb.ladders.values()
            for rung in ladder["rungs"]
            for name in [rung.split(" (")[0]]
            if " " not in name
        )
        self.kb = kb
        stopwords = frozenset(kb.cues["lexicon"]["stopwords"])
        self.definitions = DefinitionIndex(kb, stopwords, overrides)
        # Asked for a name ("..., hoe heet dat?"), the user describes the term in everyday
        # words: the glossary's `described_as` join its definition. Not for other questions:
        # everyday words would also draw first messages ("Hoeveel bijstand krijg ik ...").
        self.naming_definitions = DefinitionIndex(kb, stopwords, overrides, with_descriptions=True)

    def _all_tokens(self, text: str) -> list[Token]:
        """Words and punctuation, with compounds typed as two words joined."""
        return join_split_compounds(tokenize(text, self.overrides), self.vocabulary, self.overrides)

    def _tokens(self, text: str) -> list[Token]:
        return [t for t in self._all_tokens(text) if not t.is_punctuation]

    def subjects_in(self, text: str) -> list[Hit[Subject]]:
        """Named types, terms, cases, levels and routes, longest names first."""
        tokens = self._tokens(text)
        hits = [h for h in self.subjects.find(tokens) if not self._addresses_taai(tokens, h)]
        specific = any(h.label.kind == "type" for h in hits)
        hits = [
            h
            if h.label.kind != "ambiguous_type"
            else Hit(replace(h.phrase, label=Subject("type", h.label.id)), h.positions)
            for h in hits
            if h.label.kind != "ambiguous_type" or not specific
        ]
        return sorted(hits, key=lambda h: (h.label.generic, -len(h.phrase.words), h.positions[0]))

    def _addresses_taai(self, tokens: list[Token], hit: Hit[Subject]) -> bool:
        """ "dag taai, ...", "Taai, hoe ...": the assistant's name, not the type."""
        first = hit.positions[0]
        if len(hit.phrase.words) != 1 or tokens[first].text != ASSISTANT_NAME:
            return False
        return first == 0 or tokens[first - 1].text in self.addressing

    def _names_type(self, text: str, type_id: str) -> bool:
        return bool(self.type_names[type_id].find(self._tokens(text)))

    def names_a_rule_in_the_way(self, text: str) -> bool:
        """ "De kostendelersnorm zit in de weg": a rule to deviate from (also when it names a domain)."""
        return bool(self.in_the_way.find(self._tokens(text)))

    def frames_in(self, tokens: list[Token]) -> set[str]:
        return {hit.label for hit in self._frame_hits(tokens)}

    def _frame_hits(self, tokens: list[Token]) -> list[Hit[str]]:
        return [hit for finder in self.frames for hit in finder.find(tokens)]

    def is_question(self, text: str, all_tokens: list[Token], asked: bool) -> bool:
        sentences = self._sentences(all_tokens)
        if (
            "?" not in text
            and len(re.findall(r"[.!]\s+\S", text.strip())) >= 2
            and not (sentences[-1][0].text in self.determiner_question_words and len(sentences[-1]) > 1)
        ):
            # A story of three sentences without a question mark tells, it does not ask;
            # unless the last one opens with "welke" ("... Welke partijen moeten we dan nog
            # betrekken"); "Wat zo'n verbod doet weten we wel" tells.
            return False
        # "Kan ik ...", "Is er ...": a message whose first word may open a question
        return asked or bool(sentences) and sentences[0][0].text in self.openers

    def _asked(self, text: str, all_tokens: list[Token], tokens: list[Token], hits: list[Hit[str]]) -> bool:
        """Plainly asked, wherever in the message: a question mark, a request, "hoe heet
        dat", a sentence (or the last clause) that opens with a question word, or a
        question word halfway."""
        return (
            "?" in text
            or any(hit.label in REQUESTS or hit.label == "naming" for hit in hits)
            or self._asks_midway(tokens, hits)
            or self._asks_after_comma(all_tokens)
            or self._inverted_question_part(all_tokens)
            or self._offers_an_alternative(tokens)
            or any(
                self._opens_with_a_question_word(sentence)
                for sentence in [*self._sentences(all_tokens), self._last_clause(all_tokens)]
            )
        )

    def _opens_with_a_question_word(self, sentence: list[Token]) -> bool:
        return (
            len(sentence) > 1
            and sentence[0].text in self.question_words
            and sentence[1].text not in self.clause_subjects  # "Wat het kost, weten we" tells
        )

    def _asks_after_comma(self, all_tokens: list[Token]) -> bool:
        """ "gestructureerd probleem, moet ik dan nog wel mensen betrekken": a last clause
        that opens with a verb and then its subject asks, without a question mark."""
        sentences = self._sentences(all_tokens)
        # ... and so does a later sentence: "... als experiment. kan dat wettelijk"
        lasts = [self._last_clause(all_tokens)] + ([sentences[-1]] if len(sentences) > 1 else [])
        return any(
            len(last) >= 2  # ("..., mag dat")
            and last[0].text in self.openers
            and last[0].text not in self.question_words
            and last[1].text in self.clause_subjects
            for last in lasts
        )

    def _inverted_question_part(self, all_tokens: list[Token]) -> bool:
        """ "ons project loopt goed, hoe maken we het groter, naar de hele regio": a part
        between commas that opens with a question word, a verb and its subject asks."""
        parts: list[list[Token]] = [[]]
        for token in all_tokens:
            if token.is_punctuation:
                parts.append([])
            else:
                parts[-1].append(token)
        return any(
            len(part) >= 3
            and part[0].text in self.question_words
            and (finite_verb(part[1]) or part[1].lemma.endswith("en") and part[1].text == part[1].lemma)
            and part[2].text in self.inverted_subjects
            or self._opens_inverted(part)
            for part in parts
        )

    def _offers_an_alternative(self, tokens: list[Token]) -> bool:
        """ "is informeren dan genoeg of moeten ze meepraten": "of" and at once a verb."""
        return any(
            token.text in self.alternative_markers
            and (following.text in self.openers - self.question_words or finite_verb(following))
            for token, following in zip(tokens, tokens[1:], strict=False)
        )

    def _opens_inverted(self, part: list[Token]) -> bool:
        """ "wanneer mag je zeggen dat iets werkt", "met wie begin ik dan", "hoe gebruik ik
        dat": a question word (also after a preposition), one word (the verb), then "je",
        "ik" or "we" ("hoe we dat doen" and "met wat we hebben" tell)."""
        start = 1 if part and part[0].text in self.prepositions else 0
        return (
            len(part) >= start + 3
            and part[start].text in self.inverted_question_words
            and part[start + 2].text in self.inverted_subjects
        )

    @staticmethod
    def _last_clause(all_tokens: list[Token]) -> list[Token]:
        """ "dat trapje van Arnstein, ..., hoe zat dat ook alweer": the part after the last comma."""
        end = len(all_tokens)
        while end and all_tokens[end - 1].text in ".!?":
            end -= 1
        cut = max((i for i in range(end) if all_tokens[i].text == ","), default=-1)
        return [t for t in all_tokens[cut + 1 : end] if not t.is_punctuation] if cut >= 0 else []

    @staticmethod
    def _sentences(all_tokens: list[Token]) -> list[list[Token]]:
        """The message cut at sentence ends and colons ("Los van de bijstand: hebben ...")."""
        sentences: list[list[Token]] = [[]]
        for token in all_tokens:
            if token.text in ".!?:;":
                sentences.append([])
            elif not token.is_punctuation:
                sentences[-1].append(token)
        return [s for s in sentences if s]

    def _asks_midway(self, tokens: list[Token], hits: list[Hit[str]]) -> bool:
        """ "als de waarden omstreden zijn welke partijen haal je erbij", typed without a
        question mark: a question word at most four words before a question frame,
        halfway the message.
        Not after a verb that embeds it ("we weten niet welke partijen er zijn")."""
        for hit in hits:
            start = hit.positions[0]
            at = next(
                (i for i in range(start, start - 5, -1) if i >= 0 and tokens[i].text in self.question_words), None
            )
            if at is None or at == 0:
                continue
            if (
                at + 2 < len(tokens)
                and at + 1 < hit.positions[-1]
                and finite_verb(tokens[at + 1])
                and tokens[at + 2].text not in self.clause_subjects
            ):
                continue  # "en wat werkt is bekend": a clause that is the subject ("wie zet je" asks)
            before = tokens[max(0, at - 3) : at]
            if tokens[at - 1].text in self.prepositions:
                continue  # "beperken tot wat wettelijk moet": a relative clause
            if not any(self._embeds(t) for t in before):
                return True
        return False

    def _embeds(self, token: Token) -> bool:
        # By lemma only for verbs: "ik vroeg me af welke" embeds, "vraagje: welke" does not.
        words = self.embedding_words
        return token.text in words or token.lemma in words and token.lemma.endswith("en")

    def read(self, text: str) -> Question | None:
        all_tokens = self._all_tokens(text)
        tokens = [t for t in all_tokens if not t.is_punctuation]
        if not tokens:
            return None
        hits = self._frame_hits(tokens)
        frames = {hit.label for hit in hits}
        asked = self._asked(text, all_tokens, tokens, hits)
        if not self.is_question(text, all_tokens, asked):
            return None
        lemmas = {t.lemma for t in tokens} | {t.text for t in tokens}
        if lemmas & self.experiment_words:
            if lemmas & self.permission_words:
                frames.add("experiment")  # an experiment and what permits it: the legal room
                last = [t for t in self._sentences(all_tokens)[-1] if not t.is_punctuation]
                if "plan" not in self.frames_in(last) and {t.lemma for t in last} & self.permission_words:
                    # "... een proef waarbij we daarna met ze een plan maken. Wat staat de
                    # wetgeving ons toe?": the plan is part of the experiment; the law is asked.
                    frames.discard("plan")
            elif self.plan_verbs.find(tokens) and "experiment" not in frames:
                frames.add("plan")  # an experiment to work out: a plan
        question = self._read(text, frames)
        if question is None:
            return None
        term = self.terms.get(question.entities.get("concept", "").removeprefix("term:"), {})
        if question.intent == "ask_concept" and term.get("legal_route"):
            # "uitleg RtC": a term that names a legal route is answered with the route.
            question = Question("ask_route_info", {"route": term["legal_route"]})
        return Question(question.intent, question.entities, bool(frames & REQUESTS), asked)

    def _read(self, text: str, frames: set[str]) -> Question | None:
        subjects = self.subjects_in(text)
        kinds = {hit.label.kind: hit.label.id for hit in reversed(subjects)}  # longest name wins per kind
        if "start" in frames and "asks_whom" in frames and "type" in kinds:
            # "Welke partijen betrek ik wanneer het vraagstuk als ongestructureerd is
            # getypeerd?": the typing is done; whom to involve is asked.
            frames = frames - {"start"}
        if "start" in frames and ("asks_what" in frames or self._hypothetical(text)) and not self._speaks_of_own(text):
            # "Leg eens uit: de kennis is vrij zeker, maar de meningen over het doel lopen
            # uiteen. Wat voor soort probleem is dat?": a type described in general words,
            # on purpose, so weak cues count as after a conditional word.
            by_axes = self._type_by_axes(text, loosely=True)
            if by_axes:
                return Question("ask_concept", {"concept": f"type:{by_axes}"})
        if "start" in frames and self._hypothetical(text):
            # "Wat voor soort probleem is het als iedereen het eens is en de oplossing
            # bekend is?" asks about a type described by its axes, not to type a problem.
            described_type = self._type_question(text)
            if described_type:
                return described_type
        if "naming" in frames:
            # "Eens over de doelen, de oorzaken onbekend: welk etiket plakken Hisschemöller en
            # Hoppe daarop?": the name asked for is that of a type described by its axes.
            described_type = self._type_question(text)
            if described_type:
                return described_type
        if (
            "asks_what" in frames
            and len(self.rungs & {t.text for t in self._tokens(text)}) >= RUNGS_FOR_THE_LADDER
            and not self._type_named(text, subjects)
        ):
            # "Wat is het verschil tussen informeren, raadplegen en meebeslissen?": the ladder;
            # with a type named, which rung fits it ("... is meebeslissen dan het goede niveau").
            return Question("ask_concept", {"concept": f"term:{self.ladder_term}"})
        # "Wat is het verschil tussen een theory of change en een projectplan?" asks what a
        # term is; the plan it names is no request for one.
        about_a_term = "asks_what" in frames and any(h.label.kind == "term" for h in subjects)
        if about_a_term:
            frames = frames - {"plan"}
        for frame, intent in (
            ("quiz", "start_quiz"),
            ("demo", "start_demo"),
            ("plan", "ask_plan"),
            ("start", "start_diagnosis"),
        ):
            if frame in frames:
                return Question(intent)
        if "route" in kinds:
            return Question("ask_route_info", {"route": kinds["route"]})
        if "experiment" in frames and not about_a_term:
            # ("Wat is prototypen en kan dat ook bij beleid?" asks what the term is.)
            return Question("ask_experiment")
        if "asks_whom" in frames and "naming" not in frames:
            # ("..., waarbij je ook de kennis van bewoners meeneemt. Hoe noem je dat?" asks
            # for a name; "meenemen" there says nothing about whom to involve.)
            named = self._type_named(text, subjects)
            if named or not subjects:
                return Question("ask_stakeholders", {"named_type": named} if named else {})
            # "Wat levert het op als je mensen met eigen ervaring laat meedenken?": a concept.
        if not subjects and frames & {"asks_what", "naming"}:
            # "Hoe herken je een vraagstuk waarbij de kennis vaststaat en iedereen hetzelfde wil?"
            # Asked to explain what a type told in general words is, weak cues count too.
            # Not the user's own case told as a story and then "wat is dit voor probleem?":
            # that is to be typed.
            own = self._speaks_of_own(text)
            story = own and len(self._sentences(self._all_tokens(text))) >= STORY_SENTENCES
            by_axes = self._type_by_axes(text, loosely="asks_what" in frames and not own)
            if by_axes and not (story and "naming" not in frames):
                return Question("ask_concept", {"concept": f"type:{by_axes}"})
        if not subjects and self._asks_to_scale(text):
            # "Onze pilot in één dorp loopt heel goed, hoe krijgen we dit in alle dorpen?":
            # something that works, and how to bring it further.
            return Question("ask_concept", {"concept": f"term:{self.scaling_term}"})
        # "Kun je uitleggen hoe ...?" asks, whatever else the message reads like.
        # So does a message that opens with a question word: "hoe laat ik zien dat mijn
        # aanpak werkt? de raad wil bewijs ..." asks first and tells why after.
        explained = bool(frames & {"request", "asks_what", "naming"}) or self.opens_with_question_word(text)
        subjects = self._head_first(text, subjects)
        if subjects and not (subjects[0].label.kind == "term" and self._policy_choice(text) and not explained):
            # ("Moeten we het cameratoezicht uitbreiden? ... of het iets oplevert" is a
            # choice to type, not a question about evidence levels.)
            best = subjects[0].label
            if best.kind == "term" and best.id in self.typology_terms and self._hypothetical(text):
                described_type = self._type_question(text)
                if described_type:
                    return described_type
            if best.kind == "term" and best.id in self.typology_terms and "type" in kinds:
                # "Wat betekent ongestructureerd in die typologie van Hoppe?": the type named.
                return Question("ask_concept", {"concept": f"type:{kinds['type']}"})
            typed = self.term_types.get(best.id) if best.kind == "term" else None
            if typed and self._names_type(text, typed):
                # "Wat is een taai probleem?": the glossary term is also the name of a type
                # in Taai's typology; the type says more to this user than the term.
                return Question("ask_concept", {"concept": f"type:{typed}"})
            return Question("ask_concept", {"concept": f"{best.kind}:{best.id}"})
        # "..., hoe heet dat?": asked for the name of what the message describes.
        naming = "naming" in frames
        # "Bij ons wil iedereen wat anders, hoe noem je dat?" names where people stand: a
        # situation to type, unless a term clearly matches (the usual bar, no choices).
        own_situation = naming and self._describes_an_axis(text) and self._speaks_of_own(text)
        if naming:
            floor = DefinitionIndex.MIN_SIMILARITY if own_situation else DefinitionIndex.NAMING_MIN_SIMILARITY
            described = self.naming_definitions.best(self._tokens(text), DefinitionIndex.NAMING_LEAD, floor)
        elif self.told_before_open_question(text) is not None:
            # "De dorpen lopen leeg en de bus rijdt er straks niet meer. Wat doen we?": the
            # story is the problem; words that happen to fit a definition name no subject.
            described = None
        else:
            described = self.definitions.best(self._tokens(text), DefinitionIndex.MIN_LEAD)
        if described in self.typology_terms and self._hypothetical(text):
            described_type = self._type_question(
                text
            )  # "wat zegt de probleemtypologie over ... waarbij ...": that type
            if described_type:
                return described_type
        if described and not self._policy_choice(text):
            # "Hoe werkt zo'n constructie waarbij een investeerder vooraf betaalt?": the
            # question describes a glossary term in the words of its definition.
            return Question("ask_concept", {"concept": f"term:{described}"})
        if naming and not own_situation and not self._policy_choice(text):
            # Asked for a name, and no term stands out: Taai says it is not sure and lets
            # the user choose among the closest terms, instead of typing the description.
            closest = self.naming_definitions.closest(self._tokens(text))
            if closest:
                return Question("ask_concept", {"concept": CHOICE + ",".join(f"term:{t}" for t in closest)})
        return None

    def _asks_to_scale(self, text: str) -> bool:
        tokens = self._tokens(text)
        return bool(self.scaling_success.find(tokens)) and bool(self.scaling_spread.find(tokens))

    def names_an_experiment(self, text: str) -> bool:
        tokens = self._tokens(text)
        return bool(({t.lemma for t in tokens} | {t.text for t in tokens}) & self.experiment_words)

    def told_before_open_question(self, text: str) -> str | None:
        """ "Steeds meer statushouders komen niet aan het werk onder de Participatiewet.
        Wat moeten we doen?": a story, then a closing question that names nothing and asks
        nothing Taai has a frame for. The subject the story names (a law, a term) is not
        what is asked; the story is. Returns the story, or None."""
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]
        for mark in (":", ","):
            # "In de Participatiewet zitten te weinig prikkels, wat moeten we daarmee?",
            # "... Vraag aan Taai: hoe verder?", "... Met de Omgevingswet zouden we het samen
            # doen, maar wie heeft er nou gelijk?"
            if mark in sentences[-1] and (
                mark == ":" or len(sentences) == 1 or self._opens_open_closing(sentences[-1].rsplit(mark, 1)[1])
            ):
                sentences = [*sentences[:-1], *sentences[-1].rsplit(mark, 1)]
                break
        if len(sentences) < 2 or not sentences[-1].rstrip().endswith("?"):
            return None
        last = self._tokens(sentences[-1])
        if last and last[0].text in self.closing_leads:
            last = last[1:]
        opening = self.open_closings.find(last)
        if not opening or opening[0].positions[0] != 0:
            return None
        words = {t.lemma for t in last} | {t.text for t in last}
        if self.subjects_in(sentences[-1]) or words & (self.experiment_words | self.permission_words):
            return None
        return " ".join(sentences[:-1])

    def _opens_open_closing(self, part: str) -> bool:
        tokens = self._tokens(part)
        if tokens and tokens[0].text in self.closing_leads:
            tokens = tokens[1:]
        return any(hit.positions[0] == 0 for hit in self.open_closings.find(tokens))

    def type_named(self, text: str) -> str | None:
        """The problem type a question about whom to involve is about, if it names one."""
        return self._type_named(text, self.subjects_in(text))

    def _type_named(self, text: str, subjects: list[Hit[Subject]]) -> str | None:
        # The first type named, by a type's name or a term for one: in "bij een taai
        # probleem, dus waarden en kennis allebei omstreden" the later words explain it.
        named = next(
            (
                hit.label.id if hit.label.kind == "type" else self.term_types[hit.label.id]
                for hit in sorted(subjects, key=lambda h: h.positions[0])
                if hit.label.kind == "type" or hit.label.kind == "term" and hit.label.id in self.term_types
            ),
            None,
        ) or self._type_by_axes(text, loosely=True)
        if not named:
            # "wie betrek je als het probleem gestructureerd is": a type's own name, also
            # where a longer term took its words ("probleem ... gestructureerd").
            found = [t for t in self.type_names if self._names_type(text, t)]
            named = found[0] if len(found) == 1 else None
        return named

    def _head_first(self, text: str, subjects: list[Hit[Subject]]) -> list[Hit[Subject]]:
        """ "de valkuilen bij het opschalen van een sociale innovatie": of two terms, the one
        the other qualifies ("van een") is what the question is about, however long each name."""
        tokens = self._tokens(text)
        terms = sorted((h for h in subjects if h.label.kind == "term"), key=lambda h: h.positions[0])
        for head, tail in zip(terms, terms[1:], strict=False):
            between = " ".join(t.text for t in tokens[head.positions[-1] + 1 : tail.positions[0]])
            if between in self.head_links and head.label.id != tail.label.id:
                return [head] + [h for h in subjects if h is not head]
        return subjects

    def opens_with_question_word(self, text: str) -> bool:
        tokens = [t for t in self._all_tokens(text) if not t.is_punctuation]
        return bool(tokens) and tokens[0].text in self.question_words

    def _speaks_of_own(self, text: str) -> bool:
        """ "Bij ons wil iedereen wat anders": the user's own situation, not a kind of problem
        described in general ("problemen waarbij elke oplossing nieuwe problemen oproept")."""
        return any(t.text in self.own_markers for t in self._tokens(text))

    def _describes_an_axis(self, text: str) -> bool:
        return bool(type_description_reader(self.kb).axes(text))

    def _type_question(self, text: str) -> Question | None:
        """A question about the type the message describes by its two axes, if it does."""
        by_axes = self._type_by_axes(text)
        return Question("ask_concept", {"concept": f"type:{by_axes}"}) if by_axes else None

    def _hypothetical(self, text: str) -> bool:
        return any(t.text in self.conditionals for t in self._tokens(text))

    def _policy_choice(self, text: str) -> bool:
        """ "Zou het slim zijn om een basisbaan aan te bieden?" is a choice to type, not a concept question."""
        from bot.understanding.situation import situation_reader

        return "choice" in situation_reader(self.kb).score(text).signals

    def _type_by_axes(self, text: str, loosely: bool = False) -> str | None:
        """ "Bij een probleem waar iedereen hetzelfde wil maar niemand weet wat werkt":
        a type described by its two axes. `loosely` (whom to involve): weak cues count
        too ("Doel duidelijk, aanpak bewezen. Van wie heb je dan participatie nodig?"), as
        after a conditional word; the advice for that type is the answer either way."""
        axes = type_description_reader(self.kb).axes(text)
        if loosely and len(axes) < 2:
            axes = type_description_reader(self.kb).loose_axes(text)
        if len(axes) < 2:
            return None
        return self.kb.type_for(axes["value_consensus"], axes["knowledge_certainty"])["id"]


class DefinitionIndex:
    """Glossary terms by the words of their definitions (TF-IDF over lemmas, cosine).

    A fallback for questions that name nothing: the best term must share enough
    weighty words with the question and stand clearly above the next one.
    """

    MIN_SIMILARITY = 0.2
    MIN_LEAD = 1.5  # the best term's similarity over the second's
    NAMING_LEAD = 1.2  # ... when the user asks what something is called, a term is what they want
    NAMING_MIN_SIMILARITY = 0.15  # (and the index for naming has longer documents: `described_as`)

    def __init__(
        self, kb: KnowledgeBase, stopwords: frozenset[str], overrides, with_descriptions: bool = False
    ) -> None:
        self.stopwords = stopwords
        self.overrides = overrides
        documents = {}
        for term in kb.terms.values():
            descriptions = term.get("described_as", []) if with_descriptions else []
            text = " ".join(
                [term["term"], term["definition"], term.get("example", ""), *term["synonyms"], *descriptions]
            )
            documents[term["id"]] = self._bag(tokenize(text, overrides))
        count = len(documents)
        frequency: dict[str, int] = {}
        for bag in documents.values():
            for word in bag:
                frequency[word] = frequency.get(word, 0) + 1
        self.idf = {word: math.log(count / n) for word, n in frequency.items()}
        self.vectors = {term_id: self._vector(bag) for term_id, bag in documents.items()}

    def _bag(self, tokens: list[Token]) -> dict[str, int]:
        bag: dict[str, int] = {}
        for token in tokens:
            if (
                token.is_punctuation
                or token.text in self.stopwords
                or token.lemma in self.stopwords
                or len(token.text) < 3
                or token.text.isdigit()
            ):
                continue
            bag[token.lemma] = bag.get(token.lemma, 0) + 1
        return bag

    def _vector(self, bag: dict[str, int]) -> dict[str, float]:
        vector = {word: n * self.idf.get(word, 0.0) for word, n in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {word: v / norm for word, v in vector.items() if v}

    CHOICES = 3  # terms offered when none stands out
    CHOICE_MIN_SIMILARITY = 0.1
    CHOICE_NEAR_TOP = 0.7  # ... and each within this share of the closest one

    def _scores(self, tokens: list[Token]) -> list[tuple[float, str]]:
        query = self._vector(self._bag(tokens))
        if len(query) < 2:
            return []
        return sorted(
            (
                (sum(w * vector.get(word, 0.0) for word, w in query.items()), term_id)
                for term_id, vector in self.vectors.items()
            ),
            reverse=True,
        )

    def closest(self, tokens: list[Token]) -> list[str]:
        """The few terms closest to a description, for the user to choose from."""
        scores = self._scores(tokens)[: self.CHOICES]
        if not scores:
            return []
        floor = max(self.CHOICE_MIN_SIMILARITY, self.CHOICE_NEAR_TOP * scores[0][0])
        return [t for score, t in scores if score >= floor]

    def best(self, tokens: list[Token], lead: float = MIN_LEAD, min_similarity: float = MIN_SIMILARITY) -> str | None:
        scores = self._scores(tokens)
        if not scores:
            return None
        (top, term_id), (second, _) = scores[0], scores[1]
        if top >= min_similarity and top >= lead * second:
            return term_id
        return None


@lru_cache(maxsize=4)
def question_reader(kb: KnowledgeBase) -> QuestionReader:
    return QuestionReader(kb)
