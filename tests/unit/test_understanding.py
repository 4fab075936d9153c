"""The text reader in bot/understanding/: lemmas, gaps, negation scope, hedges,
contrast, topics, questions and the routing rules.

The sentences here are the developers' own examples of each rule. They are not taken
from the evaluation corpus (tests/understanding/corpus/), which is measured separately
by `make eval-understanding` and must not become a list of cases the code is fitted to.
"""

from __future__ import annotations

import pytest

from bot.conversation.context import resolve_domain
from bot.understanding.axes import axis_reader
from bot.understanding.lexicon import is_known, join_split_compounds, tokenize, within_one_edit
from bot.understanding.questions import question_reader
from bot.understanding.router import Routed, Turn, earlier_description, route
from bot.understanding.situation import situation_reader

V, K = "value_consensus", "knowledge_certainty"


def read(kb, axis, text):
    reading = axis_reader(kb).read_answer(axis, text)
    return reading.value if reading.kind == "value" else reading.kind


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a contrast clause with its own verb repeats nothing; "niet eens zeker" = not even sure;
        # an exception for a few cases does not outweigh the main line
        (K, "Wat werkt weten we best, alleen krijgen we er geen uren voor.", "certain"),
        (K, "We weten niet eens zeker waar het begint.", "uncertain"),
        (V, "Geen idee, ik ken de helft van die mensen niet eens.", "dont_know"),
        # a speech tag after a clause makes it what someone says; an alternative is no denial
        (V, "Iedereen wil hetzelfde, zeggen ze, maar in de raad ligt het totaal anders. Dus nee.", "disagree"),
        (K, "Uit onze eigen evaluaties weten we precies wat hielp en wat niet.", "certain"),
        # money or hours missing says nothing of the knowledge; "gedeeld" goals agree;
        # the particle "eens" in "leg dat eens uit" is no agreement
        (K, "Welke aanpak werkt weten we precies, alleen het budget is er niet.", "certain"),
        (V, "De doelen worden door iedereen gedeeld.", "agree"),
        (V, "Leg dat eens uit?", "unclear"),
        # a long negator with a typo still negates
        (K, "Er is veel over geschreven, maar bewezen is het nauwlijks.", "uncertain"),
        (K, "Ja hoor, de aanpak is bekend, alleen bij een paar jongeren blijft het onduidelijk.", "certain"),
        # lemmas and gaps: "het eens" in "het er helemaal mee eens"
        (V, "Over het doel is iedereen het er helemaal mee eens.", "agree"),
        (K, "We wisten al lang hoe je dit aanpakt.", "certain"),
        # negation scope and double negation
        (V, "Niet iedereen is het daarmee eens.", "disagree"),
        (K, "Daar twijfelt niemand aan.", "certain"),
        (K, "Zonder enige twijfel.", "certain"),
        (V, "Het is niet zo dat we het oneens zijn.", "agree"),
        (K, "Het is nog steeds niet bekend wat helpt.", "uncertain"),
        (K, "Dat weten we echt nog niet hoor", "uncertain"),
        # short answers read through the question, negated short answers
        (V, "ja hoor", "agree"),
        (K, "ja hoor", "certain"),
        (V, "zeker niet", "disagree"),
        (K, "niet echt", "uncertain"),
        # contrast: the clause after "maar" decides; means are not values
        (V, "Over het doel zijn we het eens, maar over de aanpak niet.", "agree"),
        (V, "We zijn het eens over de aanpak, alleen niet over waarom we het doen.", "disagree"),
        (V, "De ruzie gaat alleen over wie het betaalt, het doel staat vast.", "agree"),
        # topics move cues: doubt about the goal, experts who disagree
        (V, "Over het waarom twijfelt niemand.", "agree"),
        (K, "De deskundigen zijn het oneens over de oorzaak.", "uncertain"),
        # knowledge only partly certain is uncertain
        (K, "De oorzaak kennen we wel, de oplossing totaal niet.", "uncertain"),
        # counterfactuals and wishful thinking
        (V, "Eensgezind? Was het maar zo.", "disagree"),
        (K, "Als we dat wisten, hadden we het allang opgelost.", "uncertain"),
        # don't know, unclear, a question back, a statement that is no claim
        (V, "geen flauw idee eigenlijk", "dont_know"),
        (V, "ik weet niet of iedereen het eens is", "dont_know"),
        (V, "wat bedoel je precies met waarden?", "unclear"),
        (V, "wat een mooi weer vandaag", "unclear"),
        (V, "Dat is wel een lastige vraag", "dont_know"),
        (K, "Het is een ingewikkeld dossier.", "unclear"),  # a vague word alone decides nothing
        # a typo in a word that is no Dutch word
        (K, "het is erg onzeeker allemaal", "uncertain"),
        # a negator inside a don't-know phrase: "weinig twijfel" is no "ik twijfel"
        (K, "Ik heb weinig twijfel.", "certain"),
        # a no with an eye-roll stays a no; only a yes is not taken at its word
        (V, "ze willen allemaal iets anders 🙄", "disagree"),
        # the conclusion decides: "..., dus nee"
        (
            V,
            "Deels wel, maar als het erop aankomt kiest de raad voor de kosten en de wijk voor de mensen, dus nee.",
            "disagree",
        ),
        # an amount negator before a noun is no "nee"; closing a clause it is
        (V, "Te weinig plekken.", "unclear"),
        (K, "Waarom die jongeren afhaken, snappen we nog onvoldoende.", "uncertain"),
        # a yes or no about what people want answers the values question only
        (K, "Bekend is het wel, alleen willen de wethouders het niet.", "certain"),
        # what people say, set against a "maar", is no claim of the speaker
        (V, "Naar buiten toe wil iedereen hetzelfde, maar in het overleg trekt ieder aan een ander eind.", "disagree"),
        # ("een ander verhaal" says they do not agree, since the seventh session of 2026-12-07)
        (V, "Naar buiten toe zijn ze het eens, maar achter de schermen is het een ander verhaal.", "disagree"),
        # "misschien" hedges; it is no "weet ik niet" unless both ways
        (V, "misschien wel misschien niet", "dont_know"),
        (V, "misschien wel, misschien niet", "unclear"),
        (K, "Er is een evaluatie van het RIVM, misschien heb je daar wat aan.", "unclear"),
        # a question back asks in all its clauses; "nee, zeker niet" is a no
        (K, "Wat bedoel je met zeker, bewezen met onderzoek of gewoon ervaring?", "unclear"),
        (V, "nee zeker niet", "disagree"),
        # the past set against now: the present decides
        (V, "Vorig jaar waren we het nog eens, nu niet meer.", "disagree"),
        (K, "Vroeger tastten we in het duister, inmiddels weten we goed wat helpt.", "certain"),
        # "geen idee" said of a group is a claim about knowledge; of oneself, a don't-know
        (K, "De oorzaken kennen we, alleen hebben we geen idee of de aanpak aanslaat.", "uncertain"),
        (K, "Daar heb ik als nieuwe collega nog geen zicht op.", "dont_know"),
        (K, "Dat heb ik zelf nooit uitgezocht.", "dont_know"),
        (K, "Niet dat ik weet, we zijn de eerste gemeente die dit doet.", "uncertain"),
        # a wish that opens the reply says no
        (V, "Was het maar zo! De partijen staan lijnrecht tegenover elkaar.", "disagree"),
        (V, "Was het maar zo.", "disagree"),
        # a comma inside the subject after "maar" does not end the point
        (V, "De wethouder wel, maar de raad, de scholen en de ouders willen allemaal wat anders.", "disagree"),
        # "pas als": only afterwards, so not now
        (K, "Je weet pas wat werkt als je het geprobeerd hebt.", "uncertain"),
        # a run-on: a far negator belongs to the next claim; "dat" as a pronoun
        (K, "nee dat weten we niet de onderzoekers zijn er ook niet uit", "uncertain"),
        (K, "In de folder klinkt het mooi maar bij onze gezinnen werkt dat gewoon niet", "uncertain"),
        # "dat bestrijdt niemand" confirms; "maar dat is omstreden" is about the research
        (V, "Over het doel zijn we het eens, dat bestrijdt niemand.", "agree"),
        (K, "Er is wel onderzoek, maar dat is omstreden.", "uncertain"),
        # a means marker after a clause that names the goal leaves that clause standing
        (V, "We zijn het eens over het doel, het gedoe gaat over wie wat betaalt.", "agree"),
        (V, "ja wacht even, de telefoon gaat", "unclear"),
        # "ondanks ..." concedes; "maar niet voor ..." repeats the clause before, denied
        (V, "Ondanks wat gemor in de raad zijn we het over het doel eens.", "agree"),
        (K, "We weten wat werkt voor ouderen in het algemeen, maar niet voor deze wijk.", "uncertain"),
        (V, "Ze zijn het eens dat er iets moet gebeuren, maar niet over wat het doel is.", "disagree"),
        # a negator in the gap of a don't-know phrase negates the cue there
        (K, "Daar is geen pasklaar antwoord op.", "uncertain"),
        # asking back without a question mark; formal double negation
        (K, "wat bedoel je met zekerheid", "unclear"),
        (V, "Het ware onjuist te stellen dat er geen overeenstemming is.", "agree"),
        (K, "Niemand zal ontkennen dat de aanpak werkt.", "certain"),
        # "daar ligt het niet aan" is no "nee"
        (V, "De aanpak is goed onderbouwd, daar ligt het niet aan.", "unclear"),
        (K, "Het is geen nattevingerwerk, er ligt een goede evaluatie.", "certain"),
        # an aside between commas does not cut the clause
        (V, "Over het doel zijn we het, als je het mij vraagt, best eens.", "agree"),
        # "maar niet over ..." right after the contrast word is a no for what it names
        (V, "Wel over de vraag dat er iets moet veranderen, maar niet over wat we willen bereiken.", "disagree"),
        (K, "De onderzoekers zijn er nog niet over uit.", "uncertain"),
        (V, "Elke partij heeft een eigen agenda.", "disagree"),
        (K, "Sommige onderzoeken zeggen dat het helpt, andere onderzoeken vinden niets.", "uncertain"),
        (V, "Het is helemaal niet zo dat iedereen hetzelfde wil.", "disagree"),
        (V, "ik weet echt niet wat de partijen precies willen", "dont_know"),
        (K, "Nee, we weten nich waarom ze de brieven niet openen.", "uncertain"),
        # how things look, against a "maar", is no claim ("lijkt")
        (V, "Op papier lijkt iedereen het eens, maar ik weet niet wat er achter de schermen gebeurt.", "dont_know"),
        # doubt first, certainty as the point after "maar": certain
        (K, "Er zijn nog wat vragen over de lange termijn, maar de aanpak zelf is goed onderbouwd.", "certain"),
        (K, "Er zijn veel vermoedens, maar geen harde kennis.", "uncertain"),
        # a question back goes on in the next sentence
        (K, "Wat bedoel je met zeker? Onderzoek of ervaring?", "unclear"),
        # "valt wel mee" negates a cue
        (V, "De verdeeldheid valt wel mee.", "agree"),
        # "niet eens" after a verb other than "zijn": "not even"; "in beeld" is known, and
        # a negator closing a claim before "en" plus a new noun phrase stays in its claim
        (V, "Geen flauw idee, de helft van de wethouders leest mijn notities niet eens.", "dont_know"),
        (V, "We zijn het er niet eens over.", "disagree"),
        (K, "De oorzaken zijn slecht in beeld en een werkende methode hebben we niet.", "uncertain"),
        (V, "De ene wijk wil het echt niet en de andere wijk ziet het als een kans.", "disagree"),
        # two parties, each with its own wish, are a split; a shared wish is not
        (V, "De wethouder wil de bibliotheek sluiten, de bewoners willen hem juist uitbreiden.", "disagree"),
        (V, "Wil de huisarts minder verwijzingen, wil de GGD juist meer preventie.", "disagree"),
        (V, "De raad wil een schuldenvrije stad en de ambtenaren willen dat ook.", "unclear"),  # no split
        # two parties, each with its own belief about the cause: knowledge not certain
        (
            K,
            "De huisarts denkt dat het aan eenzaamheid ligt, de wijkverpleging gelooft dat het om geld gaat.",
            "uncertain",
        ),
        # a cue with its own negator keeps it; a far negator belongs to another claim;
        # "dat ik het niet weet" is a don't-know; a regional "aans" is "anders"
        (K, "Nooit gedaan hier en er is ook geen onderzoek naar gedaan.", "uncertain"),
        (K, "Ik vrees dat ik het gewoon niet weet.", "dont_know"),
        (V, "nee joh, ze willen allemaal wat aans", "disagree"),
        # what something sounds like, set against a "maar", is no claim
        (V, "Het klinkt eensgezind, maar de partijen willen echt iets anders.", "disagree"),
        # a bare "nee" up front against what the cues say: ask; a "ja" the rest qualifies stands
        (V, "Nee hoor, de wethouder wil iedereen aan het werk en de cliënten willen eerst rust.", "unclear"),
        (K, "Ja, de oorzaak kennen we wel, maar wat helpt is nog echt onduidelijk.", "uncertain"),
        # "in andere steden onderzocht" is no "andere onderzoeken"
        (K, "Jawel, het is in andere steden onderzocht en het werkte daar goed.", "certain"),
        # parties who want the same are no split; "niemand ... met niemand" is; sarcasm
        # ("ja hoor, ..., daarom ...") is read like an eye-roll
        (
            V,
            "De raad wil minder armoede, de kerken willen minder armoede, de scholen willen minder armoede.",
            "unclear",
        ),
        (V, "Eerlijk gezegd is niemand het met niemand eens.", "disagree"),
        (V, "Ja hoor, iedereen is het eens. Daarom praten we er al drie jaar over.", "unclear"),
        (K, "We begrijpen de oorzaak, maar geen idee welke methode helpt.", "uncertain"),
        # the user's own question answered at once is a claim
        (K, "Wat weten wij eigenlijk van de oorzaken? Weinig.", "uncertain"),
        (V, "Zijn de partijen het eens? Niks van waar.", "disagree"),
        # "wel en niet" names an alternative, no denial
        (K, "Wat de maatregel wel en niet oplevert weten we precies.", "certain"),
        # formal yes and no without "ja" or "nee"
        (K, "Het antwoord op die vraag is helaas ontkennend.", "uncertain"),
        (V, "Dat kan ik bevestigen.", "agree"),
        # an answer right after the contrast word counts as opening the clause
        (V, "Wel als je het de wethouder vraagt, maar niet echt als je met de wijk praat.", "disagree"),
        # a clause that claims nothing keeps its place: the means marker after it speaks of it
        (
            V,
            "Eigenlijk wel, al zou je dat niet denken als je de commissie hoort, daar gaat het vooral over geld.",
            "agree",
        ),
        # a sarcastic opener with a sneer means the other pole; without the sneer: ask
        (K, "Tuurlijk, wij weten precies wat helpt 🙄 ieder jaar een nieuw plan.", "uncertain"),
        (V, "Ja hoor, we willen allemaal hetzelfde 😂", "disagree"),
        (V, "Iedereen wil hetzelfde 😂", "unclear"),
        # "hoeven ... geen onderzoek": not needed, which is not missing
        (K, "Het is al vaak bewezen, we hoeven er geen onderzoek naar te doen.", "certain"),
        # "ik kan niet zeggen dat ...": a litotes, no "weet ik niet"
        (V, "Ik kan niet zeggen dat het soepel loopt, de helft van de partijen wil iets heel anders.", "disagree"),
        # the user corrects what they said first
        (K, "Nee, niemand weet het. Wacht, de oorzaak is wel bekend en wat werkt ook.", "certain"),
        # another place's case, set against "bij ons", does not count; "in principe" is ours
        (
            V,
            "In Utrecht zijn ze het er helemaal over eens, maar bij ons staan de partijen lijnrecht tegenover elkaar.",
            "disagree",
        ),
        (V, "In de kern willen we allemaal hetzelfde, maar we verschillen over de aanpak.", "agree"),
        # a closing "Not." is a sneer; a cue after a don't-know in its clause is what the
        # user does not know; "ik wet 't nich" (regional, with a typo) is a don't-know
        (V, "Tuurlijk, de ouders en de school willen precies hetzelfde. Not.", "disagree"),
        (K, "Ik heb er eerlijk gezegd geen zicht op wat er bewezen is.", "dont_know"),
        (V, "ik wet 't nich", "dont_know"),
        # "en" with a verb and its subject opens a new claim; a negator just before "en"
        # plus a noun phrase stays in its own claim; a negation in a "waar" clause does not
        # reach back
        (K, "Het programma had nauwelijks resultaat en weten we het nu eigenlijk niet meer.", "uncertain"),
        (K, "Klopt, mensen vinden de weg niet goed en een wijkloket helpt daar aantoonbaar bij.", "certain"),
        (
            V,
            "Ze bleken allebei een plek te willen waar de jongeren kunnen zitten zonder dat er overlast is.",
            "agree",
        ),
        # "de rest wel" after parties who do not want it is a split; what others say beside
        # the user's own don't-know; "mager bewijs"; the user's own question answered in
        # three words; "en geen ..." opens a claim
        (V, "Een paar dorpsraden willen het absoluut niet, de rest wel.", "disagree"),
        (V, "De wethouder zegt dat we het eens zijn, de raad zegt van niet. Ik weet het echt niet.", "dont_know"),
        (K, "Het bewijs is eerlijk gezegd mager.", "uncertain"),
        (K, "De oorzaak kennen we wel, maar wat werkt? Geen flauw idee.", "uncertain"),
        (K, "de cijfers gaan alle kanten op en geen mens die het begrijpt", "uncertain"),
        # a rhetorical "wie moet je geloven" after claims by others
        (K, "Twee adviesbureaus kwamen elk met een eigen verhaal, dus wie moet je geloven?", "uncertain"),
    ],
)
def test_the_reader_reads_answers(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "De oorzaak is voor iedereen in de hele regio al jaren bekend, maar niet voor mij.",
        "Voor de collega's in het hele land is de aanpak bekend, ik niet.",
    ],
)
def test_a_short_denial_about_the_speaker_after_a_long_clause_is_read(kb, text):
    # The denial repeats the cue of the clause before; reading it once raised an IndexError.
    assert axis_reader(kb).read_answer(K, text).kind in ("value", "dont_know", "unclear")


def test_an_ellipsis_after_a_cue_with_its_own_negator_is_read(kb):
    # The short clause inherits "geen onderzoek naar" from the clause before; looking for a
    # "hoeven" before the cue at the earlier clause's positions raised an IndexError.
    text = "Bij ons in de hele wijk is er nog geen onderzoek naar gedaan, elders ook niet."
    assert read(kb, K, text) == "uncertain"


def test_an_answer_is_never_read_from_a_real_word_that_looks_like_a_cue(kb):
    # "wetten" is a word, not a typo of "weten"
    assert within_one_edit("weten", "wetten") and is_known("wetten")
    assert read(kb, K, "Er zijn veel wetten.") == "unclear"


def test_tokens_carry_lemmas(kb):
    lemmas = {t.text: t.lemma for t in tokenize("ze twijfelden en wisten het niet")}
    assert lemmas["twijfelden"] == "twijfelen" and lemmas["wisten"] == "weten"


def test_descriptions_only_fill_what_they_make_clear(kb):
    reader = axis_reader(kb)
    assert reader.infer_axes("Er is een probleem met de samenwerking.") == {}
    both = reader.infer_axes("Iedereen wil dat ze een diploma halen, maar niemand weet wat werkt.")
    assert both[V].value == "agree" and both[K].value == "uncertain"
    # the user's own words are quoted back, negation included
    assert "niemand" in both[K].cue


@pytest.mark.parametrize(
    "text, describes",
    [
        ("De leeftijdsgrens voor de minimaregeling staat weer ter discussie.", True),
        ("Zullen we de toeristenbelasting verhogen?", True),
        ("Steeds meer ouderen in ons dorp vereenzamen.", True),
        # short statements of what should be prevented or is not reached
        ("Schooluitval terugdringen in de Vogelbuurt", True),
        ("De voedselbank bereikt werkende armen niet", True),
        ("hoi", False),
        ("Hoeveel bijstand krijg ik als ik ga samenwonen?", False),
        ("wat kun je allemaal?", False),
    ],
)
def test_situations_are_recognised(kb, text, describes):
    assert situation_reader(kb).score(text).describes is describes


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        (
            "Wie moet ik betrekken bij een ongestructureerd probleem?",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        (
            "Welke partijen horen aan tafel als we het eens zijn over het doel maar niemand weet wat werkt?",
            "ask_stakeholders",
            {"named_type": "moderately_structured_knowledge_uncertain"},
        ),
        # the first type named decides; later words explain it
        (
            "Wie betrek ik bij een wicked problem, waar dus zowel waarden als kennis omstreden zijn?",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        (
            "Wanneer laat je een buurt meedenken en wanneer meebeslissen?",
            "ask_concept",
            {"concept": "term:participatieladder"},
        ),
        # a glossary term that is also a type name gets the type; the term's own name the term
        ("Wat bedoelen jullie met een taai vraagstuk?", "ask_concept", {"concept": "type:unstructured"}),
        ("Wat zijn wicked problems eigenlijk?", "ask_concept", {"concept": "term:wicked_problems"}),
        # the rest of a sentence that asks back asks too; requests phrased in other words
        ("Kun je me helpen een opzet te maken voor een proef met buurtbudgetten?", "ask_plan", {}),
        ("Hoe laat ik de raad zien dat onze aanpak werkt?", "ask_concept", {"concept": "term:bewijsniveaus"}),
        ("Hoe laat ik zien dat mijn aanpak werkt?", "ask_concept", {"concept": "term:bewijsniveaus"}),
        ("Wat is een ongestructureerd probleem eigenlijk?", "ask_concept", {"concept": "type:unstructured"}),
        ("Wat zijn wicked problems?", "ask_concept", {"concept": "term:wicked_problems"}),
        ("Wie betrek ik bij een wicked problem?", "ask_stakeholders", {"named_type": "unstructured"}),
        ("Bestaat de Experimentenwet nog?", "ask_route_info", {"route": "experimentenwet"}),
        (
            "We willen experimenteren met een bijstand zonder sollicitatieplicht, welke juridische ruimte is er?",
            "ask_experiment",
            {},
        ),
        ("Kun je een experimentplan voor me maken?", "ask_plan", {}),
        (
            "Mag ik van de regels afwijken als ze voor een gezin onevenredig hard uitpakken?",
            "ask_route_info",
            {"route": "hardship_maatwerk"},
        ),
        (
            "Wie zet ik aan tafel bij een vraagstuk waar de waarden botsen maar de kennis helder is?",
            "ask_stakeholders",
            {"named_type": "moderately_structured_values_contested"},
        ),
        # a type described by its axes, also in "wat voor probleem is het als ..." and "zowel ... als ..."
        (
            "Wat voor soort probleem is het als alle partijen hetzelfde doel hebben en de oplossing bekend is?",
            "ask_concept",
            {"concept": "type:structured"},
        ),
        (
            "Wie betrek ik als zowel de waarden als de kennis omstreden zijn?",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        (
            "Hoe beschrijf ik via welke stappen ons project tot minder eenzaamheid moet leiden?",
            "ask_concept",
            {"concept": "term:theory_of_change"},
        ),
    ],
)
def test_direct_questions(kb, text, intent, entities):
    question = question_reader(kb).read(text)
    assert question is not None and question.intent == intent and question.entities == entities


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        # a question word halfway a message typed without a question mark
        (
            "bij een probleem met omstreden waarden wie zet je dan aan tafel",
            "ask_stakeholders",
            {"named_type": "moderately_structured_values_contested"},
        ),
        # asked for the name of what the message describes
        (
            "we zetten mensen in die zelf in de schulden hebben gezeten, hoe noem je dat?",
            "ask_concept",
            {"concept": "term:ervaringsdeskundigheid"},
        ),
        # a later sentence that opens with a question word asks; "Wat het kost ..." tells
        (
            "Onze proef in een dorp loopt goed. Hoe brengen we dit naar de hele regio",
            "ask_concept",
            {"concept": "term:opschalen"},
        ),
        # a question after the last comma; a request for the word that names what is described
        ("die ladder van Arnstein met al die treden, hoe zat dat ook alweer", "ask_concept", {}),
        (
            "we laten mensen meedenken die zelf in de schulden hebben gezeten, welk begrip hoort daarbij",
            "ask_concept",
            {"concept": "term:ervaringsdeskundigheid"},
        ),
        # a compound typed as two words
        ("hoe zit het met artikel 83 van de participatie wet", "ask_route_info", {"route": "participatiewet_art83"}),
        # a separable verb around its object; "hoelang" opens a question
        (
            "Leg de participatieladder nog eens uit voor mijn cursisten",
            "ask_concept",
            {"concept": "term:participatieladder"},
        ),
        ("hoelang duurt een proef onder artikel 83", "ask_route_info", {"route": "participatiewet_art83"}),
        ("Help me een pilot vorm te geven voor de schuldhulp", "ask_plan", {}),
        # a generic phrasing names its route only when no other route is named
        (
            "Mogen scholen op grond van de onderwijswetten een tijd van de regels afwijken voor een proef?",
            "ask_route_info",
            {"route": "sector_experiment_clauses"},
        ),
        ("Mag ik voor deze ene bewoner van de regels afwijken?", "ask_route_info", {"route": "hardship_maatwerk"}),
        # an experiment and what permits it ask for the legal room; an experiment to work
        # out asks for a plan; a proposal without either is a choice to type (no question)
        ("mogen wij in de bijstand een proef draaien met een vast maandbedrag", "ask_experiment", {}),
        ("Kan onze gemeente experimenteren met woonunits als het bestemmingsplan dat verbiedt?", "ask_experiment", {}),
        ("Kun je met me uitwerken hoe we de pilot in drie buurten draaien?", "ask_plan", {}),
        # a whom-to-involve question with the type described after "waar"
        (
            "Wie haal je erbij bij een vraagstuk waar de oorzaken bekend zijn maar de partijen lijnrecht tegenover elkaar staan?",
            "ask_stakeholders",
            {"named_type": "moderately_structured_values_contested"},
        ),
        # the law named says which experiment article is meant
        (
            "Staat er in het omgevingsrecht ook een experimenteerbepaling?",
            "ask_route_info",
            {"route": "omgevingswet_art23_3"},
        ),
        ("Wil je helpen een proef uit te werken voor de voedselbank?", "ask_plan", {}),
        # the other laws, asked about beside the Participatiewet; the room in today's rules
        (
            "Welke wetten naast de Participatiewet kennen een experimenteerartikel?",
            "ask_route_info",
            {"route": "sector_experiment_clauses"},
        ),
        (
            "Kan er misschien al veel met de regels die er nu zijn, zonder speciaal wetsartikel?",
            "ask_route_info",
            {"route": "existing_room"},
        ),
        # whom to involve for a type told in a few words; a kind of problem described in
        # general, asked for its name, is no situation of the user's own
        (
            "Doelen gedeeld, methode bewezen. Welke partijen betrek je dan?",
            "ask_stakeholders",
            {"named_type": "structured"},
        ),
        (
            "Vraagstukken die nooit af zijn omdat elke oplossing weer nieuwe problemen geeft: heeft dat een naam?",
            "ask_concept",
            {"concept": "term:wicked_problems"},
        ),
        # a type described with "allebei" across both axes
        (
            "Hoe heet het type waarbij waarden en kennis allebei omstreden zijn?",
            "ask_concept",
            {"concept": "type:unstructured"},
        ),
        # a type's own name where a longer term took its words; a stakeholder analysis
        ("wie betrek ik als het vraagstuk gestructureerd is", "ask_stakeholders", {"named_type": "structured"}),
        (
            "Help je me met een stakeholderanalyse? Het gaat om een ongestructureerd probleem.",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        # of two terms, the one the other qualifies with "van" is the subject
        ("Hoe pak je het opschalen van co-creatie aan?", "ask_concept", {"concept": "term:opschalen"}),
        # a test plan to work out is a plan
        ("Kun je een testplan uitwerken voor onze buurtaanpak?", "ask_plan", {}),
        # asked for a name, "meenemen" says nothing about whom to involve; a demo
        (
            "Onderzoekers uit verschillende vakken die ook de kennis van bewoners als gelijkwaardig meenemen: hoe noem je dat?",
            "ask_concept",
            {},
        ),
        ("Kun je laten zien hoe het werkt? Ik geef morgen een training.", "start_demo", {}),
        # a question word first asks, whatever the message tells after it; a term asked about
        # outweighs a "kan dat"; whom to put "om tafel"; the Omgevingswet in everyday words;
        # a pilot to write down is a plan
        (
            "Hoe toon ik aan dat onze aanpak werkt? De wethouder wil harde cijfers maar we draaien pas net.",
            "ask_concept",
            {"concept": "term:bewijsniveaus"},
        ),
        ("Wat is co-creatie en kan dat ook in de bijstand?", "ask_concept", {"concept": "term:co_creatie"}),
        (
            "Het is dus ongestructureerd, wie zet ik dan om tafel?",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        (
            "Mag je onder de wet voor ruimte en bouwen bij wijze van proef van de regels afwijken?",
            "ask_route_info",
            {"route": "omgevingswet_art23_3"},
        ),
        ("Kun je voor onze pilot opschrijven hoe we hem gaan testen?", "ask_plan", {}),
        # a term asked about outweighs the plan it names; room that is there already
        (
            "Wat is het verschil tussen co-creatie en een gewoon projectplan?",
            "ask_concept",
            {"concept": "term:co_creatie"},
        ),
        (
            "Hoe weet ik of ons idee nu al gewoon kan, zonder speciale regeling?",
            "ask_route_info",
            {"route": "existing_room"},
        ),
        # a last clause with the verb before its subject asks, also without a question mark
        (
            "taai probleem dus, moet ik dan alle partijen betrekken of kan het team het alleen",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        # a type named as already typed: whom to involve is asked, not to type it again
        (
            "wie haal ik erbij nu het vraagstuk als gestructureerd is getypeerd",
            "ask_stakeholders",
            {"named_type": "structured"},
        ),
        # an experiment whose plan is part of the story, and the law asked for last
        (
            "We willen een proef waarbij de klantmanager met elk gezin een plan maakt. Wat laat de wet toe?",
            "ask_experiment",
            {},
        ),
        # a law named beats the generic word for an experiment article
        (
            "hoe zit dat experimenteerartikel in de Omgevingswet in elkaar?",
            "ask_route_info",
            {"route": "omgevingswet_art23_3"},
        ),
        # a personal question is out of scope; "hoe voorkomen we ..." is a problem, no term
        # (see the router test below); participation organised for a named type
        (
            "hoe organiseer ik de participatie bij een taai probleem",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        (
            "is daar een begrip voor, dat bewoners dingen zelf regelen zonder via de raad?",
            "ask_concept",
            {"concept": "term:doe_democratie"},
        ),
        # a type named inside the typology is asked about; the assistant's name after a
        # greeting is no type; "is dit nou een taai probleem?" wants a problem typed
        ("wat betekent gestructureerd in die typologie?", "ask_concept", {"concept": "type:structured"}),
        ("hoi taai, wat is co-creatie eigenlijk?", "ask_concept", {"concept": "term:co_creatie"}),
        ("we zijn het allemaal eens en weten wat werkt. is dit nou een taai probleem?", "start_diagnosis", {}),
        ("kun je ze wat vragen stellen over de typologie?", "start_quiz", {}),
        # our own questions: participation asked without a type, a small test before
        # rolling out, whether one's own problem is a tough one
        ("wat doe je met participatie als de belangen botsen?", "ask_stakeholders", {}),
        ("waarom eerst een kleine proef voordat je het breed uitrolt?", "ask_concept", {"concept": "term:prototypen"}),
        ("hoe weet ik of mijn probleem taai is?", "start_diagnosis", {}),
        # a verb-first question without a question mark
        (
            "zit er in de bijstandswet ruimte voor een proef met bijverdienen",
            "ask_route_info",
            {"route": "participatiewet_art83"},
        ),
    ],
)
def test_questions_in_other_shapes(kb, text, intent, entities):
    question = question_reader(kb).read(text)
    assert question is not None and question.intent == intent
    assert question.entities == entities or not entities


def test_a_proposal_to_experiment_is_no_question_about_the_law(kb):
    # "regels" as what the experiment changes is no question about what permits it
    assert question_reader(kb).read("Zullen we een proef doen met minder regels voor werkzoekenden?") is None


def test_an_embedded_question_word_asks_nothing(kb):
    reader = question_reader(kb)
    assert reader.read("we weten niet welke partijen er allemaal meedoen") is None
    assert reader.read("De raad wil het beperken tot wat wettelijk moet. Wat het kost, is doorgerekend.") is None


@pytest.mark.parametrize(
    "text, type_id",
    [
        # the description after the conditional word, though the clause is a question
        (
            "Welk etiket hoort bij een vraagstuk waarin iedereen hetzelfde nastreeft, maar niemand weet wat helpt?",
            "moderately_structured_knowledge_uncertain",
        ),
        # one thing said of both axes: "zowel ... als", "de doelen en de kennis"
        ("Welk type is het als zowel de doelen als de kennis omstreden zijn?", "unstructured"),
        (
            "Hoe heet een kwestie waarbij over de waarden en over de oorzaken geen enkele discussie bestaat?",
            "structured",
        ),
        # each clause of the description on its own: the topic of one does not pull the other
        ("Hoe noem je een probleem waarbij iedereen het eens is en de aanpak bekend is?", "structured"),
        # a question about the typology itself, for a type described by its axes
        (
            "Wat zegt de probleemtypologie over een vraagstuk waarbij iedereen hetzelfde wil maar niemand weet wat werkt?",
            "moderately_structured_knowledge_uncertain",
        ),
        # a weak cue before a contrast still describes its axis
        (
            "Welk probleemtype is het als de oorzaken wel duidelijk zijn maar de partijen heel andere doelen hebben?",
            "moderately_structured_values_contested",
        ),
    ],
)
def test_a_type_described_by_its_axes_inside_a_question(kb, text, type_id):
    question = question_reader(kb).read(text)
    assert question is not None and question.entities == {"concept": f"type:{type_id}"}


def test_whom_to_involve_for_a_type_described_by_its_axes(kb):
    question = question_reader(kb).read("Wie haal je erbij als de cijfers wel duidelijk zijn maar de doelen botsen?")
    assert question is not None
    assert question.intent == "ask_stakeholders"
    assert question.entities == {"named_type": "moderately_structured_values_contested"}


@pytest.mark.parametrize(
    "text, axes",
    [
        # a topic and a word for how it stands, no answer cue: "vast", "dun", "rommelig" is none
        (
            "Welk type hoort bij een kwestie waarbij de doelstelling vastligt maar de kennis over wat helpt dun is?",
            {"value_consensus": "agree", "knowledge_certainty": "uncertain"},
        ),
        # one state said of two coordinated topics
        (
            "Hoe heet het als de waarden en de werkwijze allebei vaststaan?",
            {"value_consensus": "agree", "knowledge_certainty": "certain"},
        ),
        # "zowel ... als": "als" joins the two topics; the first takes the state of the second
        (
            "Welk type is het wanneer er zowel over de doelen als over de oorzaken onenigheid is?",
            {"value_consensus": "disagree", "knowledge_certainty": "uncertain"},
        ),
        # a negator beside the state word turns it, "noch ... noch" once
        (
            "Wat kenmerkt een vraagstuk waar over de feiten weinig discussie is, maar partijen elkaar niet vinden over het doel?",
            {"value_consensus": "disagree", "knowledge_certainty": "certain"},
        ),
        (
            "Wat voor probleem is het als er noch over de doelen noch over de feiten overeenstemming bestaat?",
            {"value_consensus": "disagree", "knowledge_certainty": "uncertain"},
        ),
        # a state said first, the topics after it
        (
            "Hoe noem je een kwestie waarbij niets helder is: niet over het doel en niet over de aanpak?",
            {"value_consensus": "disagree", "knowledge_certainty": "uncertain"},
        ),
        # a state phrase with "als" in it cuts nothing
        (
            "Welk type is het als het doel staat als een huis en de oorzaken een raadsel zijn?",
            {"value_consensus": "agree", "knowledge_certainty": "uncertain"},
        ),
        # an elliptic part: "maar wel over ..." has the state the part before names, "maar niet over ..." the other
        (
            "Welk type is het als er over de aanpak weinig onenigheid is, maar wel over wat we belangrijk vinden?",
            {"value_consensus": "disagree", "knowledge_certainty": "certain"},
        ),
        (
            "Hoe noem je een probleem waarbij de doelen helder zijn, maar niet over de werkwijze?",
            {"value_consensus": "agree", "knowledge_certainty": "uncertain"},
        ),
    ],
)
def test_a_type_described_by_topics_and_how_they_stand(kb, text, axes):
    from bot.understanding.type_description import type_description_reader

    assert type_description_reader(kb).axes(text) == axes


def test_a_question_word_is_no_topic_and_a_story_without_topic_states_is_no_description(kb):
    from bot.understanding.type_description import type_description_reader

    reader = type_description_reader(kb)
    # "hoe" is no topic of the means: only the values are described
    assert reader.axes("Hoe pak je dat aan als de doelen helder zijn?") == {"value_consensus": "agree"}
    # no topic said to be settled or open: the cues of the parts do not make a type
    assert (
        len(reader.axes("Een buurthuis draait alleen op vrijwilligers en wil gewoon quitte spelen. Hoe heet dat?")) < 2
    )


def test_whom_to_involve_when_people_are_needed_for_a_described_type(kb):
    question = question_reader(kb).read("als de doelen vastliggen maar de kennis ontbreekt, wie heb je dan nodig?")
    assert question is not None and question.intent == "ask_stakeholders"
    assert question.entities == {"named_type": "moderately_structured_knowledge_uncertain"}


def test_a_described_type_needs_both_axes(kb):
    from bot.understanding.type_description import type_description_reader

    assert type_description_reader(kb).axes("Hoe heet een probleem waarbij iedereen het eens is?") == {
        "value_consensus": "agree"
    }


def test_a_term_asked_for_by_name_is_found_from_everyday_words(kb):
    # The definition of sociaal ondernemerschap shares few words with this; its
    # `described_as` in the glossary do. Without a naming frame those words count for
    # nothing, so a personal question stays a first message.
    reader = question_reader(kb)
    named = reader.read(
        "Een bedrijf dat vooral bestaat om iets op te lossen in de samenleving en niet om winst te maken, hoe noem je dat?"
    )
    assert named is not None and named.entities == {"concept": "term:sociaal_ondernemerschap"}
    assert reader.read("Hoeveel bijstand krijg ik als ik ga samenwonen?") is None


def test_asked_for_a_name_without_a_clear_term_taai_offers_the_closest(kb):
    reader = question_reader(kb)
    question = reader.read("Hoe heet het als burgers zelf een dienst van de gemeente gaan draaien?")
    assert question is not None and question.entities["concept"].startswith("choose:")
    assert "term:co_productie" in question.entities["concept"].removeprefix("choose:").split(",")
    # a message that says where people stand is a situation to type, not a term to guess
    assert reader.read("Bij ons wil iedereen wat anders, hoe noem je dat?") is None


def test_split_compounds_join_only_into_known_words():
    tokens = tokenize("de bij stand en de ze wet")
    joined = [t.text for t in join_split_compounds(tokens, frozenset({"bijstand", "dezewet"}))]
    assert joined == ["de", "bijstand", "en", "de", "ze", "wet"]


def test_a_story_without_a_question_mark_is_no_question(kb):
    story = (
        "We zijn vorig jaar gestart met een pilot. Die liep goed. Nu willen we het opschalen naar de hele "
        "stad en daar graag uitleg over geven."
    )
    assert question_reader(kb).read(story) is None


def test_router_starts_the_diagnosis_for_a_short_description(kb):
    routed = route(
        kb, "De leeftijdsgrens voor de minimaregeling staat weer ter discussie.", "nlu_fallback", 0.45, Turn()
    )
    assert routed.intent == "describe_problem"
    # ... but not once a problem is being typed: then the model's intent stands
    assert (
        route(kb, "Zijn de waarden toch omstreden", "inform_axis", 0.9, Turn(has_description=True)).intent
        == "inform_axis"
    )


def test_router_types_the_case_a_request_to_type_carries(kb):
    text = "Een casus voor de cursus: de raad wil de bijstand versoberen, de cliëntenraad is er fel op tegen. Hoe typeer jij die?"
    assert route(kb, text, "start_diagnosis", 0.9, Turn()).intent == "describe_problem"
    # a request with no case in it starts the questions
    assert route(kb, "Kun je mijn vraagstuk typeren?", "start_diagnosis", 0.9, Turn()).intent == "start_diagnosis"


def test_router_starts_the_diagnosis_for_a_problem_named_in_a_few_words(kb):
    assert route(kb, "schulden bij jonge gezinnen", "nlu_fallback", 0.4, Turn()).intent == "describe_problem"
    assert route(kb, "schulden bij jonge gezinnen", "nlu_fallback", 0.4, Turn(has_description=True)).intent != (
        "describe_problem"
    )


def test_router_answers_a_question_the_model_took_for_a_restart(kb):
    text = "Hoe maak je snel een ruwe versie van een nieuwe dienst om met inwoners te testen?"
    assert route(kb, text, "start_over", 0.9, Turn()).intent == "ask_concept"
    assert route(kb, "begin maar opnieuw", "start_over", 0.9, Turn()).intent == "start_over"


def test_router_answers_a_concept_named_in_what_the_model_took_for_capabilities(kb):
    text = "Hoe werkt de participatieladder nou precies?"
    assert route(kb, text, "ask_capabilities", 0.97, Turn()) == Routed(
        "ask_concept", {"concept": "term:participatieladder"}, "direct question"
    )
    assert route(kb, "hoe werkt dit eigenlijk?", "ask_capabilities", 0.97, Turn()).intent == "ask_capabilities"


def test_router_types_the_case_beside_a_request_to_type(kb):
    text = "kun je dit typeren? het gaat om scholieren die worden geronseld als drugskoerier"
    assert route(kb, text, "start_diagnosis", 0.9, Turn()).intent == "describe_problem"


def test_router_types_a_legal_question_told_with_where_people_stand(kb):
    text = (
        "Mogen we de huur voor jongeren aftoppen? De partijen zijn het roerend eens, alleen weet niemand of het helpt."
    )
    assert route(kb, text, "ask_experiment", 0.9, Turn()).intent == "describe_problem"
    # the question alone is a question about the routes
    assert (
        route(kb, "Mogen we de huur voor jongeren aftoppen?", "ask_experiment", 0.9, Turn()).intent == "ask_experiment"
    )


def test_router_sends_an_answer_to_the_form_that_asked(kb):
    turn = Turn(active_form="diagnosis_form", requested_slot=K, has_description=True)
    assert route(kb, "nee joh, niemand weet wat nou echt werkt", "out_of_scope", 0.6, turn).intent == "inform_axis"
    # a direct question during the form is answered (the form asks again after)
    assert route(kb, "Wie betrek ik bij een taai probleem?", "inform_axis", 0.5, turn).intent == "ask_stakeholders"


def test_router_leaves_commands_and_buttons_alone(kb):
    assert route(kb, "/affirm", "affirm", 1.0, Turn()).intent == "affirm"
    assert route(kb, "begin maar opnieuw", "start_over", 0.95, Turn()).intent == "start_over"
    # a policy choice with "opnieuw" in it is no restart
    choice = "Moeten we de kwijtschelding voor kleine ondernemers in onze gemeente opnieuw invoeren?"
    assert route(kb, choice, "start_over", 0.9, Turn()).intent == "describe_problem"
    assert route(kb, "vergeet dit gesprek", "forget_conversation", 1.0, Turn()).intent == "forget_conversation"


def test_typeer_dit_finds_the_description_given_just_before(kb):
    earlier = ["Zullen we de toeristenbelasting verhogen?", "hoi"]
    assert earlier_description(kb, earlier) == earlier[0]
    assert earlier_description(kb, ["hoi", "dank je"]) is None


def test_a_failing_reading_rule_never_stops_the_conversation(kb, monkeypatch, caplog):
    """A bug in a reading rule (one raised an IndexError once) is logged; the reply is
    then 'not understood' (nothing recorded), a description fills in nothing, and the
    message keeps the model's intent."""
    from bot.rasa_ext.nlu import understanding as nlu_understanding
    from bot.understanding.axes import AnswerReading
    from bot.understanding.infer import infer_axes, interpret_answer

    def broken(*args, **kwargs):
        raise IndexError("a reading rule failed")

    reader = axis_reader(kb)
    monkeypatch.setattr(reader, "read_answer", broken)
    monkeypatch.setattr(reader, "infer_axes", broken)
    monkeypatch.setattr(nlu_understanding, "route", broken)
    assert interpret_answer(kb, V, "ja, daar zijn we het over eens") == AnswerReading("unclear")
    assert infer_axes(kb, "Iedereen wil hetzelfde en we weten wat werkt.") == {}
    parse = {"text": "hallo", "intent": {"name": "greet", "confidence": 0.9}, "entities": []}
    assert nlu_understanding.apply_router(dict(parse), None) == parse
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 3


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a cue in an embedded question before the user's don't-know is no claim
        (V, "of de partners hetzelfde willen kan ik echt niet zeggen", "dont_know"),
        # "het is niet zo dat" denies what follows, also "niet ... alles"
        (K, "het is niet zo dat we alles weten over wat helpt", "uncertain"),
        # a wish with "maar" says it is not so
        (K, "wisten we dat maar", "uncertain"),
        # dialect negators
        (K, "nee, dat weet gain mens, t helpt allemaal nait", "uncertain"),
        # a question set against a claim doubts what works
        (K, "we weten best waar het vandaan komt, maar wat helpt er dan tegen?", "uncertain"),
        # friction about means, explicitly not about the goals: the goals are shared
        (V, "er wordt flink gediscussieerd, maar dat gaat over geld, niet over wat we willen bereiken", "agree"),
        (V, "wel gedoe over de aanpak, niet over de doelen", "agree"),
        # parties that mean something else by the same word
        (V, "de wethouder bedoelt er iets heel anders mee dan de bewoners", "disagree"),
        # "geen mysterie" is known; refusing to judge is a don't-know
        (K, "dat is hier echt geen mysterie, het komt door de sluiting van het buurthuis", "certain"),
        (V, "daar wil ik nog geen uitspraak over doen, de gesprekken lopen nog", "dont_know"),
        # the user's own don't-know is no party's wish
        (V, "de wijkagent vindt het prima, ik weet niet wat het bestuur wil", "dont_know"),
        # "kun je niet zeggen" after a fronted claim denies it, as before
        (K, "dat het onbekend is kun je niet zeggen, er liggen twee evaluaties", "certain"),
        # a negator that is the subject of a verb of its own makes a new claim: no
        # ellipsis of the cue before it, no plain "nee"; what works keeps its meaning
        (V, "iedereen is het eens, maar niks gebeurt", "agree"),
        (V, "iedereen wil hetzelfde maar niemand doet wat", "agree"),
        (K, "we weten heel goed wat werkt maar niks gebeurt ermee", "certain"),
        (K, "we weten wat de oorzaak is maar niets helpt", "uncertain"),
        # "tegenstellingen" is a cue, so "geen tegenstellingen" is no bare "nee"; the size
        # of a group is a minor point beside what works
        (V, "ik zie eigenlijk geen tegenstellingen", "agree"),
        (K, "hoe groot de groep precies is weten we niet, maar wat werkt is wel duidelijk", "certain"),
        # a contrast clause with a verb of its own up front makes its own claim
        (K, "wat helpt weten we best, alleen gebeurt er weinig mee", "certain"),
        (K, "we weten wat werkt, maar het college wil er niet aan", "certain"),
        # an opening "nee" that goes with a denial; "ok" is no answer; a wish to know
        (V, "nee hoor, daar is geen discussie over", "agree"),
        (K, "ok", "unclear"),
        (K, "nee, hoe graag we het ook zouden willen weten", "uncertain"),
        (V, "eensgezind is een groot woord, de raad is verdeeld", "disagree"),
        (V, "dat het traag gaat ligt aan geld, niet aan wat we willen", "agree"),
        # "nu niet meer" denies the claim before it; not needed is not missing; "meer dan
        # een vermoeden" is more than a suspicion; missing proof is uncertain
        (K, "in het begin tastten we in het duister, inmiddels niet meer", "certain"),
        (K, "daar is geen onderzoek meer voor nodig, het werkt gewoon", "certain"),
        (K, "het is al meer dan een vermoeden, er liggen twee evaluaties", "certain"),
        (K, "meer dan een vermoeden is het eigenlijk niet", "uncertain"),
        (K, "we hebben signalen, maar hard bewijs ontbreekt nog", "uncertain"),
        # "maar half" denies; "minder eens" is not agreed; a modal "zou moeten weten" is no
        # claim; the wrong person to ask does not know
        (K, "wat werkt weten we maar half", "uncertain"),
        (V, "we zijn het minder eens dan vroeger", "disagree"),
        (K, "geen idee, dat zou de projectleider moeten weten", "dont_know"),
        (K, "dat vraag je aan de verkeerde, ik regel alleen de roosters", "dont_know"),
        # "sinds" opens a clause of its own; after "maar" the contrast stays with it
        (K, "eerst wisten we het niet, sinds de evaluatie wel", "certain"),
        (V, "eerst wel, nu totaal niet meer sinds de ruzie over de begroting", "disagree"),
        (V, "we waren het eens, maar sinds de verkiezingen wil de raad iets heel anders", "disagree"),
        # two subjects joined by "en" in a "dat"-clause stay one claim; "op ... na" is an exception
        (V, "het is niet zo dat de wijkraad en wij iets anders willen", "agree"),
        (V, "ja hoor, op wat geklaag van een paar ondernemers na", "agree"),
    ],
)
def test_answers_read_from_the_third_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


def test_router_leaves_a_personal_question_out_of_scope(kb):
    routed = route(kb, "Heb ik recht op bijzondere bijstand als mijn zoon bij mij woont?", "out_of_scope", 0.99, Turn())
    assert routed.intent == "out_of_scope"


def test_router_types_a_how_do_we_prevent_question(kb):
    routed = route(
        kb,
        "Hoe voorkomen we dat ouderen in de wijk vereenzamen na het sluiten van het buurthuis?",
        "describe_problem",
        0.9,
        Turn(),
    )
    assert routed.intent == "describe_problem"


def test_router_answers_a_personal_question_the_model_could_not_place_as_out_of_scope(kb):
    routed = route(kb, "kan ik een vergoeding krijgen voor mijn rolstoel?", "nlu_fallback", 0.4, Turn())
    assert routed.intent == "out_of_scope"


def test_router_starts_the_diagnosis_for_heat_stress_named_in_a_few_words(kb):
    routed = route(kb, "hittestress in versteende straten", "nlu_fallback", 0.4, Turn())
    assert routed.intent == "describe_problem"


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a cautious yes; what really works named as the open point stays unknown when
        # "niet" closes it, but known when someone knows it
        (V, "min of meer, al denkt de ouderenbond er anders over", "agree"),
        (K, "in grote lijnen wel", "certain"),
        (K, "de oorzaak kennen we wel, maar wat echt werkt niet", "uncertain"),
        (K, "we weten inmiddels precies wat echt werkt", "certain"),
        (K, "we weten nog niet wat echt werkt", "uncertain"),
        # small differences are agreement; sharing a goal "net als" another party
        (V, "ach, de verschillen zijn eigenlijk heel klein", "agree"),
        (V, "er zit weinig verschil tussen wat de raad en de buurt willen", "agree"),
        (V, "de huurders willen net als de corporatie een leefbare flat", "agree"),
        # how things look is no claim of how they are
        (V, "het lijkt alsof iedereen het eens is, maar achter de schermen is er veel ruzie", "disagree"),
        # a conjunct with its own negator does not reach back
        (K, "we hebben drie theorieën en geen enkele meting", "uncertain"),
        (K, "er zijn twee verklaringen en geen onderzoek dat kiest", "uncertain"),
        (K, "wat het oplevert zie je pas achteraf", "uncertain"),
        # the user lacks the information; "eens" before a verb is no agreement
        (V, "die informatie heb ik niet, ik ben net begonnen", "dont_know"),
        (V, "goede vraag, die moet ik eens stellen aan de wijkraad", "unclear"),
        # a fronted claim denied; "ik zou niet weten wie/wat" says nobody/nothing
        (V, "dat de scholen en de ouders hetzelfde willen, zou ik na die avond niet durven beweren", "disagree"),
        (V, "ik zou niet weten wie er iets anders wil dan een veilige speelplek", "agree"),
        (K, "ik zou niet weten wat we nog moeten uitzoeken, het is allemaal bekend", "certain"),
        # what was thought first is no claim; "niet iedereen vindt" makes a claim of its own
        (V, "ik dacht eerst van niet, maar uiteindelijk willen we allemaal hetzelfde", "agree"),
        (K, "we weten hoe het zit en wat helpt, alleen niet iedereen vindt het de moeite", "certain"),
        # putting it otherwise is a no; parties that do not find each other disagree
        (V, "zo zou ik het niet stellen, de raad en de ondernemers staan lijnrecht tegenover elkaar", "disagree"),
        (V, "de wethouder en de wijkraad kunnen elkaar niet vinden", "disagree"),
        (K, "de kennis ligt er gewoon, het is vaak genoeg onderzocht", "certain"),
        # our own replies read as the opposite pole before these rules
        (V, "eigenlijk niet, iedereen zit op een andere lijn", "disagree"),
        (V, "de wethouder zegt van wel, maar ik merk dat de wijk er heel anders in staat", "disagree"),
        (V, "dat iedereen het eens is, is echt niet waar", "disagree"),
        (K, "dat we weten wat werkt klopt niet, het is nooit gemeten", "uncertain"),
        # the speaker's own "zou zeggen van wel" is an answer
        (V, "ik zou zeggen van wel, iedereen wil een veilige buurt", "agree"),
        (V, "amper verschil, ze willen allemaal minder schooluitval", "agree"),
        (K, "niemand betwijfelt nog wat hier werkt", "certain"),
        (K, "er is nog geen idee waardoor het komt", "uncertain"),
    ],
)
def test_answers_read_from_the_fourth_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a bare "nee" right before a denial goes with the denial
        (V, "ik had het zelf niet verwacht, maar nee, er is geen verschil van mening over het doel", "agree"),
        (K, "nee hoor, daar twijfelt niemand aan, het is vaak genoeg onderzocht", "certain"),
        # without "maar": a clause that opens with "hier" is set against the place before it
        (V, "in Almelo zijn ze het roerend eens, hier bij ons helemaal niet", "disagree"),
        # "ook al" and "al is" concede also at the start of a sentence: the main clause decides
        (K, "ook al zijn er wat twijfels in het team, de evaluaties zijn heel eenduidig", "certain"),
        (V, "al is de sfeer prima, over wat we willen bereiken denken ze totaal verschillend", "disagree"),
        # what is still the question; research never done
        (K, "wat de oorzaak is weten we, maar of meer toezicht helpt blijft de vraag", "uncertain"),
        (K, "de een zegt dit, de ander dat, en onderzoek is er nooit echt naar gedaan", "uncertain"),
        # "en" before "wat" opens a clause of its own, with its own negation
        (K, "waarom ze uitvallen snapt niemand en wat er wel werkt hebben we ook niet uitgezocht", "uncertain"),
        # money is no knowledge: "X wel, de kennis niet"
        (K, "tijd en budget zijn er wel, de kennis niet", "uncertain"),
        # a contrast goes on after "en": its claim is the point
        (K, "de wethouder noemt het gokken, maar we draaien het al jaren en het werkt altijd", "certain"),
        (K, "de oorzaak is helder, maar hoe je het oplost, daar heeft niemand een antwoord op", "uncertain"),
        (K, "naar deze groep is nog nooit onderzoek naar gedaan", "uncertain"),
        # not being able to say is a don't-know; a split phrase needs its words close together
        (V, "ik zou niet kunnen zeggen wat de huurders willen", "dont_know"),
        (V, "wat de school een goed resultaat vindt, zou ik niet kunnen zeggen", "dont_know"),
    ],
)
def test_answers_read_from_the_fifth_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a wish for what the user just denied does not deny the denial
        (V, "het is niet zo dat alle partijen hetzelfde willen, was het maar zo", "disagree"),
        (V, "iedereen wil hetzelfde, was het maar zo", "disagree"),
        # questions that deny what they ask
        (K, "dacht je echt dat iemand weet wat hier werkt?", "uncertain"),
        # another case set apart, with its relative clause: the user's own clause decides
        (K, "in tegenstelling tot de schuldhulp, waar alles bewezen is, tasten we hier in het duister", "uncertain"),
        (V, "anders dan bij het vorige project, waar iedereen het eens was, is het nu een grote ruzie", "disagree"),
        # what a colleague thinks, set against "maar": not the user's claim
        (V, "mijn manager denkt dat we het eens zijn, maar hij is nooit bij het overleg", "unclear"),
        # disputed without "maar"
        (K, "de wethouder zegt dat niemand weet wat werkt, dat klopt niet, het is goed onderzocht", "certain"),
        # "nog maar" is no contrast
        (K, "de oorzaak is bekend, wat helpt is nog maar de vraag", "uncertain"),
        # a self-correction after a hedge
        (K, "redelijk zeker... nou nee, eigenlijk gokken we maar wat", "uncertain"),
        # "en meer niet" limits, it does not deny
        (K, "het is een vermoeden en meer niet", "uncertain"),
        # assumptions that turned out wrong; a counterfactual about knowing
        (K, "niks klopt meer van onze aannames sinds de nieuwe cijfers", "uncertain"),
        (K, "als iemand het wist hadden we dit gesprek niet", "uncertain"),
        # everyday words: "hommeles", "overtuigend", "niet bepaald overtuigend"
        (V, "er is al maanden hommeles over waar we naartoe willen", "disagree"),
        (K, "de resultaten uit Leeuwarden zijn heel overtuigend", "certain"),
        (K, "het bewijs is niet bepaald overtuigend", "uncertain"),
    ],
)
def test_answers_read_from_the_sixth_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a report goes on after "en"; set against "maar" it is no claim of the speaker
        (
            K,
            "de wethouder roept dat niemand weet wat werkt en dat het onderzoek ontbreekt, maar de aanpak is al jaren bewezen",
            "certain",
        ),
        # a longer speech tag: "dat zegt de gemeente ook steeds"
        (
            V,
            "we zouden het over het doel eens zijn, dat zegt de wethouder ook steeds, maar de partners willen iets anders",
            "disagree",
        ),
        # the numbers do not lie; no study was ever done
        (K, "er is geen discussie over, de cijfers liegen niet", "certain"),
        (K, "de oorzaak weten we, maar over de aanpak is geen enkele studie gedaan", "uncertain"),
        # the user has too little view of it: a don't-know
        (K, "daar heb ik te weinig zicht op, vraag het de GGD", "dont_know"),
        # putting it differently is no difference in what people want
        (V, "de een zegt het anders dan de ander, maar het doel is voor iedereen hetzelfde", "agree"),
        # "verschillen de meningen": the words in the other order
        (V, "over de aanpak zijn we het eens, maar over het doel verschillen de meningen sterk", "disagree"),
        # agreed on the details, not on the heart of it
        (V, "over de details zijn ze het eens, behalve over de kern", "disagree"),
    ],
)
def test_answers_read_later_in_the_sixth_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "text, intent, confidence",
    [
        ("schooluitval", "inform_context", 0.9),
        ("vroegsignalering schulden verbeteren", "nlu_fallback", 0.4),
        ("overlast van hangjongeren", "ask_experiment", 0.5),
    ],
)
def test_router_starts_the_diagnosis_for_a_topic_named_like_a_subject_line(kb, text, intent, confidence):
    assert route(kb, text, intent, confidence, Turn()).intent == "describe_problem"


@pytest.mark.parametrize("text, intent", [("qwerty", "nlu_fallback"), ("vraagje", "nlu_fallback"), ("hoi", "greet")])
def test_a_word_taai_does_not_know_names_no_topic(kb, text, intent):
    assert route(kb, text, intent, 0.45, Turn()).intent == intent


def test_a_topic_after_a_description_is_not_a_new_problem(kb):
    assert route(kb, "schooluitval", "inform_context", 0.9, Turn(has_description=True)).intent == "inform_context"


def test_router_reads_the_type_named_in_a_whom_question_the_model_recognised(kb):
    # Typed like a note, nothing in it asks ("..., of moeten bewoners meebeslissen" would:
    # the question reader then answers it as a direct question).
    text = "bij een taai vraagstuk coproduceren of toch meebeslissen"
    routed = route(kb, text, "ask_stakeholders", 0.9, Turn())
    assert routed == Routed("ask_stakeholders", {"named_type": "unstructured"}, "the type named")


def test_two_rungs_side_by_side_ask_about_the_ladder(kb):
    asked = question_reader(kb).read("wat is eigenlijk het verschil tussen raadplegen en adviseren?")
    assert asked.entities == {"concept": "term:participatieladder"}
    # with a type named, which rung fits that type is asked
    asked = question_reader(kb).read("wat is beter bij een gestructureerd probleem, informeren of raadplegen?")
    assert (asked.intent, asked.entities) == ("ask_stakeholders", {"named_type": "structured"})


@pytest.mark.parametrize(
    "text, concept",
    [
        ("welke onderbouwing telt eigenlijk voor de gemeenteraad?", "term:bewijsniveaus"),
        ("hoe breng je een buurtproject breder uit zonder dat het zijn ziel verliest?", "term:opschalen"),
        (
            "hoe maak je zichtbaar welke aannames er tussen onze activiteiten en het doel zitten?",
            "term:theory_of_change",
        ),
        ("hoe deel je beleidsproblemen in volgens Hoppe?", "term:probleemtypologie"),
        # a type described in general words, asked to explain
        (
            "leg uit: iedereen wil hetzelfde, de oplossing is redelijk bekend. wat voor probleem is dat?",
            "type:structured",
        ),
    ],
)
def test_concept_questions_from_the_fourth_session_of_2026_12_07(kb, text, concept):
    asked = question_reader(kb).read(text)
    assert (asked.intent, asked.entities) == ("ask_concept", {"concept": concept})


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        # the room the current law already gives, in plain words
        (
            "kan dat niet gewoon binnen de bestaande wet, zonder dat Den Haag iets hoeft te doen?",
            "ask_route_info",
            {"route": "existing_room"},
        ),
        ("hebben we daar een wettelijke uitzondering voor nodig?", "ask_route_info", {"route": "existing_room"}),
        # "de ruimte binnen" a law, for an experiment: the legal room
        ("we willen een proef met vrije inloop, hoeveel ruimte binnen de Jeugdwet is daarvoor?", "ask_experiment", {}),
        # an experiment to put on paper: a plan
        ("kun je een pilot met buurtbemiddeling voor me op papier zetten?", "ask_plan", {}),
        # a concept asked for by its name beats "hoe werkt het?" (what Taai can do)
        ("Hoe werkt de participatieladder?", "ask_concept", {"concept": "term:participatieladder"}),
        ("we hebben hier een taai vraagstuk, hoe beginnen we?", "start_diagnosis", {}),
        # the other laws, named as not the bijstand
        (
            "Buiten de bijstand om: hebben andere wetten ook een experimenteerartikel?",
            "ask_route_info",
            {"route": "sector_experiment_clauses"},
        ),
        (
            "hoe test je een simpele versie van een buurtapp met bewoners?",
            "ask_concept",
            {"concept": "term:prototypen"},
        ),
        # wanting to know the type of one's own problem
        ("ik wil graag weten welk type het is, mijn probleem gaat over zwerfvuil", "start_diagnosis", {}),
    ],
)
def test_questions_from_the_fifth_session_of_2026_12_07(kb, text, intent, entities):
    asked = question_reader(kb).read(text)
    assert asked is not None and (asked.intent, asked.entities) == (intent, entities)


@pytest.mark.parametrize(
    "text, concept",
    [
        (
            "hoe heet het als bewoners niet meer inspreken maar zelf aan de slag gaan in het dorp?",
            "term:doe_democratie",
        ),
        ("hoe maak je van een geslaagd buurtproject een vaste werkwijze voor de hele stad?", "term:opschalen"),
        ("hoe toets je een dienst eerst in een ruwe vorm bij een paar bewoners?", "term:prototypen"),
        (
            "wat levert het op als een collega die zelf schulden heeft gehad bij de intake zit?",
            "term:ervaringsdeskundigheid",
        ),
        ("hoe noem je het als ouders en het kinderdagverblijf samen een dienst leveren?", "term:co_productie"),
    ],
)
def test_concept_questions_from_the_fifth_session_of_2026_12_07(kb, text, concept):
    asked = question_reader(kb).read(text)
    assert asked is not None and (asked.intent, asked.entities) == ("ask_concept", {"concept": concept})


@pytest.mark.parametrize(
    "text",
    [
        # words that also name a concept, in a problem told with a closing question
        "In onze gemeente vereenzamen steeds meer ouderen. Hoe pakken we dat in alle wijken aan?",
        "Hoe krijgen we meer jongeren aan het werk in de rest van de regio?",
        "Bewoners in de Vogelwijk gaan zelf aan de slag met een voedselbank, maar de gemeente wil regie. Wat vind jij?",
        "De samenwerking tussen wijkteam en school is niet technisch maar menselijk lastig. Hoe lossen we dat op?",
        # a problem told first and a how-question about a concept after it: still the problem
        "Er zijn te weinig mantelzorgers in het dorp. Hoe kunnen we ervaringsdeskundigen inzetten?",
    ],
)
def test_a_problem_told_with_concept_words_is_no_concept_question(kb, text):
    asked = question_reader(kb).read(text)
    assert asked is None or asked.intent != "ask_concept"


def test_an_example_case_named_in_a_choice_told_with_its_axes_is_a_problem_to_type(kb):
    text = "Zullen we ook een proef met een basisinkomen doen? De fracties zijn verdeeld en niemand weet of het werkt."
    assert route(kb, text, "inform_axis", 0.9, Turn()).intent == "describe_problem"
    # asked about the case without a choice of one's own: the case is answered
    assert route(kb, "Wat weet je over de proeven met een basisinkomen?", "ask_concept", 0.9, Turn()).intent == (
        "ask_concept"
    )


def test_a_story_with_a_subject_told_before_the_question_is_not_a_concept_question(kb):
    # the subject stands in the story, not in the question sentence: a problem to type
    text = (
        "We willen inloopspreekuren in de bibliotheek invoeren, iedereen is voor en het werkt aantoonbaar"
        " in andere gemeenten. Hoe pakken we dat aan?"
    )
    asked = question_reader(kb).read(text)
    assert asked is None or asked.intent != "ask_concept"


def test_a_task_claimed_from_the_municipality_is_the_uitdaagrecht(kb):
    asked = question_reader(kb).read("mogen wij als buurtvereniging de taak van de gemeente opeisen?")
    assert (asked.intent, asked.entities) == ("ask_route_info", {"route": "uitdaagrecht"})


@pytest.mark.parametrize(
    "text, domain",
    [
        # the head of a compound comes last: "noodbijstand" is a kind of bijstand ...
        ("een proef met noodbijstand voor dakloze jongeren", "werk_inkomen"),
        # ... but a word read from its start wins: "jeugdzorgkosten" are costs of jeugdzorg
        ("de jeugdzorgkosten rijzen de pan uit", "jeugd"),
        # a place names a domain less than what happens there
        ("meer verwarde personen in de binnenstad, zegt de politie", "veiligheid"),
    ],
)
def test_domains_read_from_compounds_and_places(kb, text, domain):
    assert resolve_domain(kb, None, text) == domain


@pytest.mark.parametrize(
    "text, intent",
    [
        ("kun je mijn probleem typeren? het gaat om lange wachtlijsten in de jeugdzorg", "describe_problem"),
        ("typeer dit graag: armoede onder werkende ouders", "describe_problem"),
        # nothing told yet, or a question beside the request
        ("kun je een vraagstuk voor me typeren?", "start_diagnosis"),
        ("ik wil een probleem laten typeren, hoe werkt dat?", "start_diagnosis"),
    ],
)
def test_router_types_the_case_told_beside_a_request_to_type(kb, text, intent):
    assert route(kb, text, "start_diagnosis", 0.9, Turn()).intent == intent


@pytest.mark.parametrize(
    "text, route_id",
    [
        # a law named outweighs the minister's consent, which fits several routes
        ("mag een school met toestemming van de minister afwijken van de onderwijswet?", "sector_experiment_clauses"),
        ("welke wettelijke basis hadden die proeven met de bijstand in Utrecht?", "participatiewet_art83"),
        ("hoe zoek ik uit wat er binnen de huidige wetgeving nu al mag?", "existing_room"),
    ],
)
def test_routes_named_in_the_fourth_session_of_2026_12_07(kb, text, route_id):
    asked = question_reader(kb).read(text)
    assert (asked.intent, asked.entities) == ("ask_route_info", {"route": route_id})


def test_a_family_far_from_een_is_no_hardship_case(kb):
    asked = question_reader(kb).read("we denken aan een vaste regisseur per gezin, is dat verstandig?")
    assert asked is None or asked.entities.get("route") != "hardship_maatwerk"


def test_an_own_case_told_as_a_story_is_typed_not_explained(kb):
    text = (
        "Ik ben buurtcoach in Assen. We weten goed wat werkt bij eenzame ouderen. "
        "Maar de wethouder wil bezuinigen en de ouderenbond wil juist meer. Wat is dit voor probleem?"
    )
    assert route(kb, text, "describe_problem", 0.9, Turn()).intent == "describe_problem"


def test_a_short_question_is_no_topic(kb):
    assert route(kb, "welke fasen heeft een experiment", "ask_experiment", 0.5, Turn()).intent == "ask_experiment"


@pytest.mark.parametrize(
    "text, named_type",
    [
        (
            "wie neem je mee als de feiten duidelijk zijn maar de raad verdeeld is",
            "moderately_structured_values_contested",
        ),
        ("wat is de rol van de ambtenaar bij een ongestructureerd probleem", "unstructured"),
        ("wat vraagt een gestructureerd probleem van mij als professional", "structured"),
        ("welke participatievorm past bij kennisonzekerheid", "moderately_structured_knowledge_uncertain"),
    ],
)
def test_whom_to_involve_asked_in_other_words(kb, text, named_type):
    asked = question_reader(kb).read(text)
    assert (asked.intent, asked.entities) == ("ask_stakeholders", {"named_type": named_type})


def test_a_closing_mag_dat_asks(kb):
    asked = question_reader(kb).read("we willen in de wmo iets proberen zonder indicatie, mag dat")
    assert asked is not None and asked.asked


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        # a glossary term that names a legal route is answered with the route
        ("kun je het uitdaagrecht even uitleggen?", "ask_route_info", {"route": "uitdaagrecht"}),
        ("uitleg r2c", "ask_route_info", {"route": "uitdaagrecht"}),
        # whether some evidence is enough
        ("is een enquête onder bezoekers al bewijs dat het werkt?", "ask_concept", {"concept": "term:bewijsniveaus"}),
        (
            "welke participatietrede past bij een ongestructureerd probleem?",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        ("hoe lang mag een proef op grond van de pw duren?", "ask_route_info", {"route": "participatiewet_art83"}),
        # whom to bring in, for a type described in the question
        (
            "als iedereen het eens is en we precies weten hoe het moet, wie moet ik er dan nog bij halen?",
            "ask_stakeholders",
            {"named_type": "structured"},
        ),
        (
            "hoe kun je vraagstukken indelen naar kennis en waarden?",
            "ask_concept",
            {"concept": "term:probleemtypologie"},
        ),
        # a project that goes well, to be made bigger
        ("ons buurtteam draait goed in Oost, hoe krijgen we dit groter?", "ask_concept", {"concept": "term:opschalen"}),
    ],
)
def test_questions_from_the_sixth_session_of_2026_12_07(kb, text, intent, entities):
    asked = question_reader(kb).read(text)
    assert asked is not None and (asked.intent, asked.entities) == (intent, entities)


def test_bringing_people_in_as_part_of_the_problem_is_no_question_whom_to_involve(kb):
    text = "We moeten meer vrijwilligers binnen halen, maar de raad is verdeeld. Hoe doen we dat?"
    assert route(kb, text, "describe_problem", 0.9, Turn()).intent == "describe_problem"


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # "zo ... dat" says how much; "is anders" there denies nothing
        (K, "bij ons is de doelgroep zo anders dat we het echt niet zeker weten", "uncertain"),
        # a cue on both sides of a "dat" spans two clauses: nobody said everyone wants it
        (V, "de ouders willen dat iedereen meedoet, de school wil juist selecteren", "disagree"),
        # ... but a pointing "dat" keeps the cue: "willen met dat geld iets anders"
        (V, "de raad is het eens, maar de bewoners willen met dat plein iets heel anders", "disagree"),
        # a bare "nee" after "maar" denies what came before; the claim after it decides
        (K, "Je zou denken dat niemand het weet, maar nee: we weten precies wat werkt", "certain"),
        # "Nee, daar twijfelt niemand aan": the "nee" goes with the denial
        (V, "Nee, daar twijfelt niemand aan. Iedereen wil dat de wachtlijst korter wordt.", "agree"),
        # a year named is a time before now
        (V, "In 2019 waren we het nog eens. Nu niet meer, sinds de bezuinigingen.", "disagree"),
        # a different story; a gut feeling
        (V, "De wethouder zegt dat we hetzelfde willen, maar in de wijk hoor je een ander verhaal", "disagree"),
        (K, "We denken te weten wat werkt, maar eerlijk gezegd is het vooral onderbuikgevoel", "uncertain"),
        # a few doubts weigh less: with "grotendeels wel" before them, no pole is recorded
        (K, "Grotendeels wel. Er zijn een paar twijfels maar de basis staat", "unclear"),
    ],
)
def test_answers_read_in_the_seventh_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


def test_a_negation_far_before_en_does_not_reach_a_clause_with_its_own_verb(kb):
    text = "De wijkteams kunnen de vraag niet meer aan en de raad is verdeeld over de eigen bijdrage."
    assert {k: v.value for k, v in axis_reader(kb).infer_axes(text).items()} == {"value_consensus": "disagree"}


@pytest.mark.parametrize(
    "text",
    [
        "Steeds meer statushouders vinden geen werk onder de Participatiewet en niemand weet wat helpt. Wat moeten we doen?",
        "In de Participatiewet zitten te weinig prikkels om te gaan werken, wat moeten we daarmee?",
        "De raad wil de bijstand strenger, het wijkteam wil juist ruimte. Vraag aan Taai: hoe verder?",
        "Elk jaar schrijven we een nieuw plan tegen armoede en niemand weet wat het vorige opleverde. Wat nu?",
        "De bibliotheek in het dorp gaat dicht en de bus rijdt er niet meer. Wat doen we?",
    ],
)
def test_a_story_with_an_open_closing_question_is_a_problem_to_type(kb, text):
    assert route(kb, text, "describe_problem", 0.6, Turn()).intent == "describe_problem"


@pytest.mark.parametrize(
    "text, intent",
    [
        # the closing asks about what the story names: a question
        ("De raad twijfelt over de aanvraag onder het uitdaagrecht, hoe gaat dat verder?", "ask_route_info"),
        ("We willen een experiment opzetten. Wat moeten we doen?", "ask_plan"),
        ("We zetten ervaringsdeskundigen in als maatje, wat moet ik daarover weten?", "ask_concept"),
    ],
)
def test_a_closing_question_about_what_is_named_stays_a_question(kb, text, intent):
    assert route(kb, text, "describe_problem", 0.6, Turn()).intent == intent


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        ("onze pilot loopt goed, hoe schaal je zoiets op", "ask_concept", {"concept": "term:opschalen"}),
        (
            "we hebben alleen verhalen van deelnemers, telt dat als bewijs",
            "ask_concept",
            {"concept": "term:bewijsniveaus"},
        ),
        (
            "staan er in de onderwijswetten ook experimenteerartikelen",
            "ask_route_info",
            {"route": "sector_experiment_clauses"},
        ),
        (
            "Mag de gemeente voor een proef van de bijstandsregels afwijken, is daar een artikel voor?",
            "ask_experiment",
            {},
        ),
    ],
)
def test_questions_from_the_seventh_session_of_2026_12_07(kb, text, intent, entities):
    asked = question_reader(kb).read(text)
    assert asked is not None and (asked.intent, asked.entities) == (intent, entities)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("hoi, ik ben jongerenwerker in Oss", "greet"),
        ("Kun je vertellen wat je doet en hoe je me kunt helpen?", "ask_capabilities"),
        ("Help je ook bij beleidsvragen of ben je daar niet voor?", "ask_capabilities"),
        # an introduction with a problem in it is a description
        ("Ik ben wijkcoach en de buurt is verdeeld over de nieuwe opvang", "describe_problem"),
    ],
)
def test_who_is_typing_and_what_taai_is_for(kb, text, intent):
    assert route(kb, text, "nlu_fallback", 0.45, Turn()).intent == intent


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        (V, "Er is geen partij die dat doel niet onderschrijft.", "agree"),
        (V, "De wethouder wil er niks van weten, die wil vooral bezuinigen.", "disagree"),
        (K, "We hebben het twee keer gedaan en het werkte elke keer.", "certain"),
        (K, "In de stad werkte het, maar hier hebben we het nooit geprobeerd", "uncertain"),
    ],
)
def test_answers_read_later_in_the_seventh_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "text, intent",
    [
        ("Goedemiddag, Sanne Jansen hier, beleidsmedewerker jeugd bij de gemeente Oss.", "greet"),
        ("hoi! Ahmed hier, wijkteam Noord", "greet"),
        ("Waar is Taai eigenlijk voor?", "ask_capabilities"),
        # more than who is typing: the problem is in it
        ("Hallo, Karin hier. Bij ons in de wijk vereenzamen steeds meer ouderen.", "describe_problem"),
        ("Ik ben net begonnen als beleidsmedewerker en ik moet iets met eenzaamheid onder ouderen", "describe_problem"),
    ],
)
def test_introductions_and_taai_named_later_in_the_seventh_session(kb, text, intent):
    assert route(kb, text, "nlu_fallback", 0.45, Turn()).intent == intent


def test_a_clause_that_is_the_subject_asks_nothing(kb):
    text = "De ouders willen hetzelfde en wat werkt is bekend: een vaste begeleider. Alleen regelt niemand het."
    assert question_reader(kb).read(text) is None


def test_whom_to_involve_asked_with_wat_voor_partijen(kb):
    asked = question_reader(kb).read("wat voor partijen heb ik nodig als het doel vaststaat maar de kennis ontbreekt?")
    assert asked is not None and asked.intent == "ask_stakeholders"


@pytest.mark.parametrize(
    "text",
    [
        "ons project loopt goed, hoe maken we het groter, naar de hele regio",
        "Onze proef in Kampen werkt goed, hoe krijgen we dat in alle wijken?",
        "De pilot met het buurtteam is geslaagd. Hoe zorgen we dat het in de hele gemeente komt?",
    ],
)
def test_something_that_works_and_how_to_bring_it_further_is_about_scaling_up(kb, text):
    asked = question_reader(kb).read(text)
    assert asked is not None and asked.entities == {"concept": "term:opschalen"}


def test_a_comma_part_with_a_question_word_and_no_inverted_subject_asks_nothing(kb):
    assert question_reader(kb).read("De raad is, wat mij betreft, verdeeld over de opvang") is None


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # "en", one noun and a verb open a claim of their own: the negator at its end does
        # not reach back to the cue before the "en" (that reading was the opposite pole)
        (K, "nee, de meningen lopen heel verschillend uiteen en bewijs is er amper", "uncertain"),
        (K, "het onderzoek is heel verschillend en kennis is er nauwelijks", "uncertain"),
        # not knowing, said of the speaker alone
        (K, "Ik ken de cijfers van vorig jaar niet.", "dont_know"),
        (K, "Geen idee, dat overzie ik niet vanaf mijn plek.", "dont_know"),
        (K, "Wij kennen de oorzaak niet.", "uncertain"),
        # a doubt conceded beside an answer hedges it; alone it is a don't-know
        (V, "Volgens mij wel, al weet ik het niet helemaal zeker.", "agree"),
        (V, "Al weet ik het niet zeker, ik denk het wel.", "agree"),
        (V, "al weet ik het niet zeker", "dont_know"),
        # idioms of (dis)agreement
        (V, "Tussen de huurders en de verhuurder is het bepaald geen koek en ei.", "disagree"),
        (V, "De twee wijkraden liggen al maanden met elkaar overhoop.", "disagree"),
        (V, "Het blijft welles-nietes tussen de fracties.", "disagree"),
        (V, "Eén partij deelt het doel, maar de rest zit er totaal anders in.", "disagree"),
        (V, "Grotendeels wel, alleen de corporatie zit er iets anders in.", "agree"),
        (K, "Daar kun je donder op zeggen, dit werkt.", "certain"),
        # "was het maar zo" after a laugh still says no
        (K, "haha was het maar zo", "uncertain"),
        # nobody doubts
        (K, "Er is geen enkele deskundige die nog twijfelt of dit helpt.", "certain"),
        (K, "Ik twijfel of dit helpt.", "dont_know"),
        (K, "Dat hebben we hier nog nooit gedaan.", "uncertain"),
    ],
)
def test_answers_read_in_the_eighth_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        # a type told by its axes, then whom to involve, asked without a question mark
        (
            "de doelen zijn helder maar wat werkt weet niemand, wat voor mensen haal ik dan binnen",
            "ask_stakeholders",
            {"named_type": "moderately_structured_knowledge_uncertain"},
        ),
        (
            "we zijn het oneens en niemand weet wat werkt. met wie begin ik dan",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        # an alternative offered with "of" and a verb asks
        (
            "bij een taai vraagstuk, moeten bewoners dan mee beslissen of gaat dat te ver",
            "ask_stakeholders",
            {"named_type": "unstructured"},
        ),
        # "wanneer" with a verb and "je" asks
        ("wanneer mag je zeggen dat een aanpak bewezen effectief is", "ask_concept", {"concept": "term:bewijsniveaus"}),
        # a later sentence that opens with a verb and "dat" asks
        ("we willen in de bijstand een proef met minder regels. kan dat wettelijk", "ask_experiment", {}),
        ("kun je een draaiboek maken voor onze proef", "ask_plan", {}),
    ],
)
def test_questions_from_the_eighth_session_of_2026_12_07(kb, text, intent, entities):
    asked = question_reader(kb).read(text)
    assert asked is not None and (asked.intent, asked.entities) == (intent, entities)


@pytest.mark.parametrize(
    "text, model_intent, confidence, intent",
    [
        # a story whose closing question follows a comma and "maar" is a problem to type
        (
            "Bewoners willen groen, de ontwikkelaar wil bouwen. De Omgevingswet zegt samen doen, maar wie heeft er gelijk?",
            "ask_route_info",
            0.6,
            "describe_problem",
        ),
        (
            "Onze wachtlijst voor schuldhulp groeit en niemand weet waarom. Hebben jullie een idee?",
            "ask_concept",
            0.6,
            "describe_problem",
        ),
        # a short statement of a problem
        ("De kosten voor beschermd wonen lopen uit de hand", "inform_axis", 0.66, "describe_problem"),
        # a case to go through together, and a new colleague asking what Taai can do
        ("Hallo, ik heb een casus die ik graag met je wil doorlopen.", "greet", 0.7, "start_diagnosis"),
        (
            "Ik werk sinds kort bij de gemeente en een collega raadde deze chat aan. Waar kun je me mee helpen?",
            "ask_plan",
            0.55,
            "ask_capabilities",
        ),
        # a personal question about one's own job
        ("hoeveel verlofuren heb ik als ik 24 uur werk?", "out_of_scope", 0.99, "out_of_scope"),
        # an unsure model reading of the privacy question yields to a concept named and asked about
        ("dat model van Snowden, hoe gebruik ik dat naast jullie indeling", "ask_forget", 0.54, "ask_concept"),
        # a sure one stands
        ("wat doen jullie met wat ik hier typ?", "ask_forget", 0.95, "ask_forget"),
    ],
)
def test_first_messages_from_the_eighth_session_of_2026_12_07(kb, text, model_intent, confidence, intent):
    assert route(kb, text, model_intent, confidence, Turn()).intent == intent


def test_zonder_dat_negates_its_own_clause_not_a_cue_with_its_own_negator(kb):
    text = (
        "Jongeren in het dorp vervelen zich. Over het doel zijn we het eens, maar hoe je ze bereikt "
        "zonder dat ze zich gecontroleerd voelen weet niemand."
    )
    inferred = {k: v.value for k, v in axis_reader(kb).infer_axes(text).items()}
    assert inferred == {"value_consensus": "agree", "knowledge_certainty": "uncertain"}
    # "niet dat" still denies what follows: the problem is not that nobody knows what works
    assert read(kb, K, "Eigenlijk wel. Het punt is niet dat we niet weten wat werkt, het geld ontbreekt.") == "certain"


@pytest.mark.parametrize(
    "axis, text, expected",
    [
        # a claim conceded with "dat geef ik toe" weighs less than the "maar" after it
        (
            V,
            "Iedereen wil wel iets met het plein, dat geef ik toe, maar wat dan, daar zijn we het niet over eens.",
            "disagree",
        ),
        # only the wording differs: a minor point
        (V, "in grote lijnen hetzelfde, alleen de bewoording verschilt", "agree"),
        # "je kunt niet zeggen dat er geen ..." is a double negation
        (V, "Je kunt niet zeggen dat er geen onenigheid is, want die is er wel degelijk.", "disagree"),
        # "is maar de vraag" stays one phrase; what follows "of" is asked, not claimed
        (K, "We hebben een vermoeden, maar of het helpt is maar de vraag.", "uncertain"),
        (K, "Het is een beetje schieten met hagel.", "uncertain"),
        (K, "Twee evaluaties, twee verschillende conclusies.", "uncertain"),
        # a negator in the clause that the cue's own "waarom" opens does not turn the cue round
        (K, "We snappen niet waarom ouders niet komen opdagen.", "uncertain"),
        # "trouwens" marks a side remark
        (K, "Uit onderzoek blijkt wat werkt, dus ja. Geen idee trouwens waarom niet iedereen het doet.", "certain"),
    ],
)
def test_answers_read_later_in_the_eighth_session_of_2026_12_07(kb, axis, text, expected):
    assert read(kb, axis, text) == expected


@pytest.mark.parametrize(
    "text, intent",
    [
        # a story typed without a question mark whose last sentence opens with "welke" asks
        (
            "Hoi! Ik werk bij de gemeente. Ons probleem is volgens jou gestructureerd. Welke partijen moeten we betrekken",
            "ask_stakeholders",
        ),
        # ... one that opens with a free relative tells
        ("De raad is verdeeld over het verbod. De helft wil handhaven. Wat zo'n verbod doet weten we wel.", None),
        ("Kun je laten zien hoe jij werkt met een voorbeeld?", "start_demo"),
    ],
)
def test_questions_read_later_in_the_eighth_session_of_2026_12_07(kb, text, intent):
    asked = question_reader(kb).read(text)
    assert (asked.intent if asked else None) == intent
