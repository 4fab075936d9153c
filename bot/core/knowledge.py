"""Load, validate and index the knowledge base in `knowledge/*.yml`.

Every file is checked against its JSON Schema in `knowledge/schema/`, then every
cross-reference is resolved. Any problem stops loading with a `KnowledgeError` that
names the file, the entry and the problem, so a content editor can fix it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

import jsonschema
import yaml

from bot.core.messages import Messages, template_problem

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"
SCHEMA_DIR_NAME = "schema"
SCHEMA_BASE = "https://taai.example/schema/"

# One file per subject; the order is the order of loading and of error reports.
FILES = (
    "sources",
    "meta",
    "context",
    "problem_types",
    "participation_levels",
    "stakeholders",
    "legal_routes",
    "process",
    "cases",
    "glossary",
    "cues",
    "answer_examples",
    "messages",
)
MESSAGES_FILE = "messages"


class KnowledgeError(Exception):
    """A knowledge file is missing, malformed, invalid or refers to something unknown."""

    def __init__(self, file: str, entry: str | None, problem: str) -> None:
        self.file, self.entry, self.problem = file, entry, problem
        where = f"knowledge/{file}.yml" + (f", entry '{entry}'" if entry else "")
        super().__init__(f"{where}: {problem}")


# libyaml's parser when PyYAML has it (its wheels do): the knowledge files load in about
# a tenth of the time, which every server start and `make validate` feel.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps dates as text, so the schema sees what the editor wrote."""


_TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(eq=False)
class KnowledgeBase:
    """The validated knowledge, as read-only dicts indexed by id."""

    directory: Path
    raw: dict[str, Any]
    sources: dict[str, dict] = field(default_factory=dict)
    domains: dict[str, dict] = field(default_factory=dict)
    initiators: dict[str, dict] = field(default_factory=dict)
    axes: dict[str, dict] = field(default_factory=dict)
    types: dict[str, dict] = field(default_factory=dict)
    levels: dict[str, dict] = field(default_factory=dict)
    ladders: dict[str, dict] = field(default_factory=dict)
    stakeholders: dict[str, dict] = field(default_factory=dict)
    frameworks: dict[str, dict] = field(default_factory=dict)
    routes: dict[str, dict] = field(default_factory=dict)
    phases: dict[str, dict] = field(default_factory=dict)
    design_steps: dict[str, dict] = field(default_factory=dict)
    evidence_levels: dict[str, dict] = field(default_factory=dict)
    risks: dict[str, dict] = field(default_factory=dict)
    cases: dict[str, dict] = field(default_factory=dict)
    terms: dict[str, dict] = field(default_factory=dict)
    messages: Messages = field(default_factory=Messages)

    def message(self, key: str, **values: Any) -> str:
        """What Taai says for `key` (knowledge/messages.yml), placeholders filled.

        Raises `MessageError` for an unknown key or values that do not fit the placeholders."""
        return self.messages.message(key, **values)

    @property
    def meta(self) -> dict:
        return self.raw["meta"]

    @property
    def disclaimer(self) -> str:
        return self.meta["disclaimer"]["text"]

    @property
    def process(self) -> dict:
        return self.raw["process"]

    @property
    def cues(self) -> dict:
        return self.raw["cues"]

    def type_for(self, value_consensus: str, knowledge_certainty: str) -> dict:
        for entry in self.types.values():
            if entry["axes"] == {"value_consensus": value_consensus, "knowledge_certainty": knowledge_certainty}:
                return entry
        raise KeyError((value_consensus, knowledge_certainty))

    def evidence_level(self, rank: int) -> dict:
        return next(level for level in self.evidence_levels.values() if level["rank"] == rank)

    def status_on(self, entry: dict | str, on: dt.date | None = None) -> dict:
        """The status of an entry (or of the route with this id) that holds on `on`, default today.

        Resolved each time it is asked, never at loading: a server that runs across a
        change date answers with the new status from that day on.
        """
        return status_on(self.routes[entry] if isinstance(entry, str) else entry, on, self.messages)

    def source_list(self, ids: list[str]) -> list[dict]:
        """Sources for these ids, without duplicates, in first-seen order."""
        seen: dict[str, dict] = {}
        for source_id in ids:
            seen.setdefault(source_id, self.sources[source_id])
        return list(seen.values())


# --- statuses that change with the date ----------------------------------------------

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_date(iso: str) -> str:
    """'2026-11-22' -> '22 november 2026'."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {_MONTHS[month - 1]} {year}"


def status_history(entry: Mapping) -> list[dict]:
    """An entry's statuses, oldest first; a single status is a history of one."""
    status = entry["status"]
    return list(status) if isinstance(status, list) else [status]


def status_on(entry: Mapping, on: dt.date | None = None, messages: Messages | None = None) -> dict:
    """The status that holds on `on` (default: today, taken now).

    A status holds from its `valid_from` up to its `valid_until` or the next status's
    `valid_from`; a single status without `valid_from` always holds. Before the first
    known status the first one is given. When `on` is past a known change that no later
    status covers (the last status's `valid_until`, or a `next_change`), the text says
    that it may be out of date. The result is a new dict with the status's fields plus
    `outdated_since` (an ISO date or None); `text` is what to show. The out-of-date
    note comes from `messages`, by default the project's knowledge/messages.yml.
    """
    on = on or dt.date.today()
    history = status_history(entry)
    chosen = history[0]
    for item in history:
        if "valid_from" not in item or dt.date.fromisoformat(item["valid_from"]) <= on:
            chosen = item
    passed = sorted(
        d for d in (chosen.get("valid_until"), chosen.get("next_change")) if d and dt.date.fromisoformat(d) <= on
    )
    result = dict(chosen, outdated_since=passed[0] if passed else None)
    if passed:
        note = (messages or default_messages()).message("status.may_be_outdated", date=nl_date(passed[0]))
        result["text"] = f"{chosen['text']} {note}"
    return result


def change_dates(entry: Mapping) -> list[str]:
    """Every date on which an entry's status is known to change, in order."""
    if "status" not in entry:
        return []
    dates: set[str] = set()
    for number, item in enumerate(status_history(entry)):
        if number and "valid_from" in item:
            dates.add(item["valid_from"])
        dates.update(item[key] for key in ("valid_until", "next_change") if key in item)
    return sorted(dates)


# --- loading -------------------------------------------------------------------------


def _read_yaml(directory: Path, name: str) -> Any:
    path = directory / f"{name}.yml"
    if not path.exists():
        raise KnowledgeError(name, None, "file is missing")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDatesLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise KnowledgeError(name, None, f"is not valid YAML{where}: {problem}") from None
    except UnicodeDecodeError:
        raise KnowledgeError(name, None, "is not UTF-8 text") from None
    if not isinstance(data, dict):
        raise KnowledgeError(name, None, "must contain a mapping at the top level")
    return data


@lru_cache(maxsize=4)
def _schemas(schema_dir: Path) -> dict[str, dict]:
    store = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        store[schema["$id"]] = schema
    return store


def _entry_name(data: Any, path: list) -> str | None:
    """The id of the deepest entry on the error path, or its position."""
    name, node = None, data
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            name = node["id"]
        elif isinstance(step, int) and name is None:
            name = f"#{step + 1}"
    return name


def _validate_schema(name: str, data: Any, schema_dir: Path) -> None:
    store = _schemas(schema_dir)
    schema = store.get(f"{SCHEMA_BASE}{name}.schema.json")
    if schema is None:
        raise KnowledgeError(name, None, f"no schema {name}.schema.json in {schema_dir}")
    resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
    validator = jsonschema.Draft7Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        error = jsonschema.exceptions.best_match(errors) or errors[0]
        path = list(error.absolute_path)
        field_path = ".".join(str(p) for p in path) or "(top level)"
        raise KnowledgeError(name, _entry_name(data, path), f"{field_path}: {error.message}")


def _index(file: str, entries: list[dict]) -> dict[str, dict]:
    index: dict[str, dict] = {}
    for entry in entries:
        if entry["id"] in index:
            raise KnowledgeError(file, entry["id"], "this id is used twice")
        index[entry["id"]] = entry
    return index


def iter_entries(data: Any) -> Iterator[dict]:
    """Every dict in `data` that is an entry: it carries a `checked` block."""
    if isinstance(data, dict):
        if "checked" in data:
            yield data
        for value in data.values():
            yield from iter_entries(value)
    elif isinstance(data, list):
        for value in data:
            yield from iter_entries(value)


def _check_refs(file: str, entry: str | None, ids: Any, known: Mapping, what: str) -> None:
    for ref in [ids] if isinstance(ids, str) else list(ids or []):
        if ref not in known:
            raise KnowledgeError(file, entry, f"refers to unknown {what} '{ref}'")


def _check_date(file: str, entry: str | None, value: str, what: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise KnowledgeError(file, entry, f"{what}: '{value}' is not a real date (YYYY-MM-DD)") from None


def _check_status(file: str, entry: str | None, status: dict | list) -> None:
    """Real dates, and a status history in order: each status starts where the one before ends."""
    items = status if isinstance(status, list) else [status]
    for number, item in enumerate(items):
        where = f"status.{number}" if isinstance(status, list) else "status"
        for key in ("valid_from", "valid_until", "as_of", "next_change"):
            if key in item:
                _check_date(file, entry, item[key], f"{where}.{key}")
        start, end, change = item.get("valid_from"), item.get("valid_until"), item.get("next_change")
        if start and end and end <= start:
            raise KnowledgeError(file, entry, f"{where}: valid_until {end} is not after valid_from {start}")
        if start and change and change <= start:
            raise KnowledgeError(file, entry, f"{where}: next_change {change} is not after valid_from {start}")
        if end and change and change >= end:
            raise KnowledgeError(file, entry, f"{where}: next_change {change} is not before valid_until {end}")
        if number:
            before = items[number - 1]
            if start <= before["valid_from"]:
                raise KnowledgeError(
                    file,
                    entry,
                    f"{where}: valid_from {start} is not after the valid_from "
                    f"of the status before it ({before['valid_from']})",
                )
            if before.get("valid_until", start) != start:
                raise KnowledgeError(
                    file,
                    entry,
                    f"{where}: valid_from {start} does not start where the status "
                    f"before it ends ({before['valid_until']}); leave no gap or overlap",
                )


def _check_integrity(kb: KnowledgeBase) -> None:
    raw = kb.raw
    # Sources: every `sources` list and every example's `source`.
    for name in FILES:
        if name == "sources":
            continue
        for entry in iter_entries(raw[name]):
            _check_refs(name, entry.get("id"), entry["sources"], kb.sources, "source")
            _check_date(name, entry.get("id"), entry["checked"]["date"], "checked.date")
            if "status" in entry:
                _check_status(name, entry.get("id"), entry["status"])
            for example in entry.get("examples", []):
                if isinstance(example, dict):
                    _check_refs(name, entry.get("id"), example["source"], kb.sources, "source")

    # Problem types: one per combination of the two axes.
    seen_axes = set()
    for entry in kb.types.values():
        combo = (entry["axes"]["value_consensus"], entry["axes"]["knowledge_certainty"])
        if combo in seen_axes:
            raise KnowledgeError("problem_types", entry["id"], f"a second type for the same axis values {combo}")
        seen_axes.add(combo)
        participation = entry["participation"]
        _check_refs("problem_types", entry["id"], participation["level"], kb.levels, "participation level")
        for initiator, level in participation.get("by_initiator", {}).items():
            _check_refs("problem_types", entry["id"], initiator, kb.initiators, "initiator")
            _check_refs("problem_types", entry["id"], level, kb.levels, "participation level")
        _check_refs(
            "problem_types",
            entry["id"],
            [s["id"] for s in entry["stakeholders"]],
            kb.stakeholders,
            "stakeholder category",
        )
    if set(kb.axes) != {"value_consensus", "knowledge_certainty"}:
        raise KnowledgeError("problem_types", None, "axes must be value_consensus and knowledge_certainty")

    ranks = sorted(level["rank"] for level in kb.levels.values())
    if ranks != list(range(1, len(ranks) + 1)):
        raise KnowledgeError("participation_levels", None, f"ranks must be 1..{len(ranks)}, found {ranks}")
    for level in kb.levels.values():
        _check_refs("participation_levels", level["id"], list(level["maps_to"]), kb.ladders, "ladder")

    for category in kb.stakeholders.values():
        _check_refs("stakeholders", category["id"], category["domains"], kb.domains, "domain")
        _check_refs("stakeholders", category["id"], category["initiators"], kb.initiators, "initiator")

    for route in kb.routes.values():
        _check_refs("legal_routes", route["id"], route["applies"]["domains"], kb.domains, "domain")
        _check_refs("legal_routes", route["id"], route["applies"]["initiators"], kb.initiators, "initiator")
        _check_refs("legal_routes", route["id"], route.get("alternatives", []), kb.routes, "legal route")

    process = raw["process"]
    for key in ("phases", "design_steps", "evidence_levels"):
        ranks = sorted(item["rank"] for item in process[key])
        if ranks != list(range(1, len(ranks) + 1)):
            raise KnowledgeError("process", None, f"{key}: ranks must be 1..{len(ranks)}, found {ranks}")
    targets = process.get("evidence_targets")
    if targets:
        for type_id, (low, high) in targets["targets"].items():
            _check_refs("process", "evidence_targets", type_id, kb.types, "problem type")
            if low > high:
                raise KnowledgeError("process", "evidence_targets", f"{type_id}: from {low} is above to {high}")

    for case in kb.cases.values():
        _check_refs("cases", case["id"], case.get("problem_type"), kb.types, "problem type")
        _check_refs("cases", case["id"], case.get("participation_level"), kb.levels, "participation level")
        _check_refs("cases", case["id"], case.get("legal_route"), kb.routes, "legal route")
        _check_refs("cases", case["id"], case.get("domain"), kb.domains, "domain")
    for term in kb.terms.values():
        _check_refs("glossary", term["id"], term.get("see_also", []), kb.terms, "glossary term")
        _check_refs("glossary", term["id"], term.get("legal_route"), kb.routes, "legal route")

    questions = raw["cues"]["questions"]
    for type_id in questions["type_names"]:
        _check_refs("cues", "question_signals", type_id, kb.types, "problem type")
    for term_id in questions["concept_phrasings"]:
        _check_refs("cues", "question_signals", term_id, kb.terms, "glossary term")
    for route_id in [*questions["route_phrasings"], *questions["generic_route_phrasings"]]:
        _check_refs("cues", "question_signals", route_id, kb.routes, "legal route")
    for term_id in questions["typology_terms"]:
        _check_refs("cues", "question_signals", term_id, kb.terms, "glossary term")
    _check_refs("cues", "question_signals", questions["ladder_term"], kb.terms, "glossary term")
    _check_refs("cues", "question_signals", questions["scaling"]["term"], kb.terms, "glossary term")
    for term_id, type_id in questions["term_types"].items():
        _check_refs("cues", "question_signals", term_id, kb.terms, "glossary term")
        _check_refs("cues", "question_signals", type_id, kb.types, "problem type")
    for cue in raw["cues"]["axis_cues"]:
        poles = {pole["value"] for pole in kb.axes[cue["axis"]]["poles"]}
        if cue["pole"] not in poles:
            raise KnowledgeError("cues", cue["id"], f"pole '{cue['pole']}' does not belong to axis '{cue['axis']}'")


def _schema_dir(directory: Path) -> Path:
    schema_dir = directory / SCHEMA_DIR_NAME
    return schema_dir if schema_dir.is_dir() else KNOWLEDGE_DIR / SCHEMA_DIR_NAME


def _read_valid(directory: Path, name: str) -> Any:
    data = _read_yaml(directory, name)
    _validate_schema(name, data, _schema_dir(directory))
    return data


def _messages(data: Mapping[str, Mapping[str, str]]) -> Messages:
    """The catalogue, with every template checked: a broken placeholder is found at loading."""
    messages = Messages.from_groups(data)
    for key, template in messages.texts.items():
        problem = template_problem(template)
        if problem:
            raise KnowledgeError(MESSAGES_FILE, key, problem)
    return messages


def load_messages(directory: Path | str | None = None) -> Messages:
    """Only the message catalogue (knowledge/messages.yml), validated. Raises KnowledgeError.

    For what Taai says outside a conversation (a storage outage, the privacy notice),
    where the rest of the knowledge base is not needed."""
    return _messages(_read_valid(Path(directory or KNOWLEDGE_DIR).resolve(), MESSAGES_FILE))


@lru_cache(maxsize=1)
def default_messages() -> Messages:
    """The project's message catalogue, loaded once per process."""
    return load_messages()


def load_knowledge(directory: Path | str | None = None) -> KnowledgeBase:
    """Read, validate and index every knowledge file. Raises KnowledgeError."""
    directory = Path(directory or KNOWLEDGE_DIR).resolve()
    raw = {name: _read_valid(directory, name) for name in FILES}

    kb = KnowledgeBase(directory=directory, raw=raw)
    kb.sources = _index("sources", raw["sources"]["sources"])
    kb.domains = _index("context", raw["context"]["domains"])
    kb.initiators = _index("context", raw["context"]["initiators"])
    kb.axes = _index("problem_types", raw["problem_types"]["axes"])
    kb.types = _index("problem_types", raw["problem_types"]["types"])
    kb.levels = _index("participation_levels", raw["participation_levels"]["levels"])
    kb.ladders = _index("participation_levels", raw["participation_levels"]["ladders"])
    kb.stakeholders = _index("stakeholders", raw["stakeholders"]["categories"])
    kb.frameworks = _index("stakeholders", raw["stakeholders"]["frameworks"])
    kb.routes = _index("legal_routes", raw["legal_routes"]["routes"])
    kb.phases = _index("process", raw["process"]["phases"])
    kb.design_steps = _index("process", raw["process"]["design_steps"])
    kb.evidence_levels = _index("process", raw["process"]["evidence_levels"])
    kb.risks = _index("process", raw["process"]["risks"])
    kb.cases = _index("cases", raw["cases"]["cases"])
    kb.terms = _index("glossary", raw["glossary"]["terms"])
    kb.messages = _messages(raw[MESSAGES_FILE])
    _check_integrity(kb)
    return kb


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """The project's knowledge base, loaded once per process."""
    return load_knowledge()


# --- maintenance ---------------------------------------------------------------------


@dataclass(frozen=True)
class StaleEntry:
    file: str
    entry: str
    checked: str


def stale_entries(kb: KnowledgeBase, today: dt.date | None = None) -> list[StaleEntry]:
    """Entries whose status was checked longer ago than the review interval."""
    today = today or dt.date.today()
    months = kb.meta["review_interval_months"]
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    limit = dt.date(year, month + 1, min(today.day, 28))
    stale = []
    for name in FILES:
        for entry in iter_entries(kb.raw[name]):
            checked = dt.date.fromisoformat(entry["checked"]["date"])
            if checked < limit:
                stale.append(StaleEntry(name, entry.get("id", "?"), entry["checked"]["date"]))
    return stale


@dataclass(frozen=True)
class PassedChange:
    file: str
    entry: str
    change: str  # the change date that has passed
    checked: str  # the entry's checked.date, before that change


def passed_changes(kb: KnowledgeBase, today: dt.date | None = None) -> list[PassedChange]:
    """Entries whose next known status change after their last check has passed by `today`.

    Such an entry was checked before the change: an editor should confirm that the status
    the knowledge base now gives (or the old one, when the change was only announced) is right.
    Checking it again (a checked.date on or after the change) ends the warning.
    """
    today = today or dt.date.today()
    found = []
    for name in FILES:
        for entry in iter_entries(kb.raw[name]):
            checked = entry["checked"]["date"]
            upcoming = [d for d in change_dates(entry) if d > checked]
            if upcoming and dt.date.fromisoformat(upcoming[0]) <= today:
                found.append(PassedChange(name, entry.get("id", "?"), upcoming[0], checked))
    return found
