"""Property-based fuzzing of the REST channel against the running server (issue 6).

For any request a client can send to /webhooks/rest/webhook:

- the answer is never a 5xx;
- the answer is always JSON: a list of bot messages (200) or {"error": "..."};
- the status is the one the rules in bot/rasa_ext/channels/rest.py give (413 above
  1 MiB, 400 for a broken rule, otherwise 200), worked out here from the rules, not
  by calling the channel's own checks;
- the server (and, after an accepted message, that same conversation) still answers
  a normal message: checked after every accepted odd message and every CHECK_EVERY
  requests.

Runs are reproducible: derandomized, and no example database is written.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import uuid
from typing import Any, Optional

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32
CHECK_EVERY = 10
MISSING = object()  # a field left out of the body

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)

# --- strategies ------------------------------------------------------------------------

# Any code point but surrogates: unassigned, private use, controls, combining marks...
ANY_CHAR = st.characters(exclude_categories=("Cs",))
# What tends to break text handling: right-to-left text and overrides, zero-width and
# joiners, byte order mark, emoji with modifiers and ZWJ sequences, combining marks.
SPECIAL_CHARS = st.sampled_from(
    [
        "\u202e",
        "\u202d",
        "\u200f",
        "\u200e",
        "\u2066",
        "\u2069",
        "ש",
        "ل",
        "ﷺ",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u00ad",
        "😀",
        "👩🏽‍💻",
        "🏳️‍🌈",
        "🇳🇱",
        "\U0001f3fb",
        "\ufe0f",
        "\u0301",
        "\u0489",
        "Z\u0351\u036b\u0343",
        "\x00",
        "\x1b",
        "\x7f",
        "\u2028",
        "\u2029",
        "\r\n",
        "\t",
        " ",
        "{",
        "}",
        "{{",
        "%s",
        "\\",
        '"',
        "<",
        "&",
        "/restart",
        "/",
        "*",
        "_",
        "`",
    ]
)
UNICODE_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=300),
    st.lists(st.one_of(SPECIAL_CHARS, st.text(ANY_CHAR, max_size=5)), max_size=40).map("".join),
)


def _repeat(seed: str, length: int) -> str:
    return (seed * (length // len(seed) + 1))[:length]


# Up to ~200 KB: a short random seed repeated (generating 200 KB with Hypothesis itself
# would be slow and exceed its data budget).
LONG_TEXT = st.builds(
    _repeat,
    st.lists(st.one_of(ANY_CHAR, SPECIAL_CHARS), min_size=1, max_size=10).map("".join),
    st.integers(min_value=1_000, max_value=200_000),
)

# Rasa reads a message "/intent{...}" as that intent with those entities (buttons send
# these); anyone can type one. Names from domain.yml, plus made-up ones.
INTENTS = [
    "greet",
    "describe_problem",
    "affirm",
    "deny",
    "dont_know",
    "inform_axis",
    "inform_axis",
    "ask_plan",
    "ask_concept",
    "start_over",
    "start_demo",
    "start_quiz",
    "next_step",
    "quiz_answer",
    "stop_trainer",
    "too_long",
    "restart",
    "session_start",
    "nlu_fallback",
    "back",
]
ENTITY_NAMES = [
    "policy_domain",
    "initiator",
    "concept",
    "quiz_choice",
    "value_consensus",
    "knowledge_certainty",
    "problem_type",
    "stakeholders",
    "legal_routes",
    "quiz_stage",
    "quiz_cases",
    "requested_slot",
    "feedback",
]

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(ANY_CHAR, max_size=30),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(ANY_CHAR, max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)

INTENT_PAYLOAD = st.builds(
    lambda intent, entities, tail: f"/{intent}{entities}{tail}",
    st.one_of(st.sampled_from(INTENTS), st.text(ANY_CHAR, max_size=12)),
    st.one_of(
        st.just(""),
        st.dictionaries(
            st.one_of(st.sampled_from(ENTITY_NAMES), st.text(ANY_CHAR, max_size=8)), JSON_VALUES, max_size=3
        ).map(json.dumps),
        st.text(ANY_CHAR, max_size=20).map(lambda t: "{" + t),
    ),
    st.one_of(
        st.just(""), st.sampled_from(["@0.5", "@", "@-1", "@1e999", "@nan", "}", "{}"]), st.text(ANY_CHAR, max_size=10)
    ),
)
DESCRIPTION = "In onze wijk zijn bewoners het oneens over de komst van een opvang"

VALID_SENDER = st.text(st.characters(categories=("L", "M", "N", "P", "S")), min_size=1, max_size=128)
SENDER = st.one_of(
    VALID_SENDER,
    st.builds(lambda s: f"  {s}\t", VALID_SENDER),  # stripped, then valid
    st.text(ANY_CHAR, max_size=140),  # anything, control characters too
    st.builds(_repeat, st.text(ANY_CHAR, min_size=1, max_size=5), st.integers(129, 100_000)),  # huge
    JSON_VALUES,
    st.just(MISSING),
)
MESSAGE = st.one_of(st.just(MISSING), st.none(), UNICODE_TEXT, LONG_TEXT, JSON_VALUES)
METADATA = st.one_of(
    st.just(MISSING), st.none(), st.dictionaries(st.text(ANY_CHAR, max_size=10), JSON_VALUES, max_size=5), JSON_VALUES
)
MESSAGE_ID = st.one_of(
    st.just(MISSING),
    st.none(),
    st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    st.text(ANY_CHAR, max_size=80),
    JSON_VALUES,
)
KNOWN = {"sender", "message", "metadata", "message_id"}
EXTRA = st.dictionaries(st.text(ANY_CHAR, max_size=15).filter(lambda k: k not in KNOWN), JSON_VALUES, max_size=3)
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/xml",
            "application/octet-stream",
            "application/json; charset=latin-1",
            "",
            "*/*",
            "text/html; charset=utf-16",
        ]
    ),
    # requests refuses leading spaces in a header value
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(str.lstrip),
)
INVALID_UTF8 = st.sampled_from(
    [
        b"\xff",
        b"\xfe\xff",
        b"\x80",
        b"\xc0\xaf",
        b"\xc3",
        b"\xe2\x82",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xf8\x88\x80\x80\x80",
    ]
)


# --- the rules, worked out from the specification ---------------------------------------


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from strings(child)


def is_unicode(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def expected_status(body: Any, size: int) -> int:
    if size > MAX_BODY_BYTES:
        return 413
    if not isinstance(body, dict) or depth(body) > MAX_DEPTH or not all(map(is_unicode, strings(body))):
        return 400
    sender = body.get("sender")
    if not isinstance(sender, str) or not 1 <= len(sender.strip()) <= 128 or not sender.strip().isprintable():
        return 400
    if body.get("message") is not None and not isinstance(body["message"], str):
        return 400
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return 400
    message_id = body.get("message_id")
    if message_id is not None and not (
        isinstance(message_id, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", message_id)
    ):
        return 400
    return 200


def parsed_or_none(data: bytes) -> Any:
    """What the server should make of `data`, or MISSING when it is no JSON at all."""
    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=lambda _: 1 / 0)
    except (ValueError, RecursionError, ZeroDivisionError):
        return MISSING


# --- talking to the server ---------------------------------------------------------------


class Client:
    """Posts fuzzed requests and checks the properties every answer must have."""

    def __init__(self, server) -> None:
        self.server = server
        self.url = f"{server.base_url}/webhooks/rest/webhook"
        self.requests = itertools.count(1)
        self.checks = 0

    def post(
        self, data: bytes, content_type: Optional[str] = "application/json", params: Optional[dict] = None
    ) -> requests.Response:
        headers = {} if content_type is None else {"Content-Type": content_type}
        response = requests.post(self.url, data=data, headers=headers, params=params, timeout=120)
        assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
        assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
        answer = response.json()
        if response.status_code == 200:
            assert isinstance(answer, list)
            assert all(isinstance(m, dict) and isinstance(m.get("recipient_id"), str) for m in answer)
        else:
            assert isinstance(answer, dict) and set(answer) == {"error"}
            assert isinstance(answer["error"], str) and answer["error"].endswith(".")
        if next(self.requests) % CHECK_EVERY == 0:
            self.still_answers()
        return response

    def post_body(
        self, body: Any, ensure_ascii: bool = True, follow_up: bool = True, **kwargs: Any
    ) -> requests.Response:
        data = json.dumps(body, ensure_ascii=ensure_ascii).encode("utf-8")
        response = self.post(data, **kwargs)
        assert response.status_code == expected_status(body, len(data)), response.text[:500]
        if follow_up and response.status_code == 200 and isinstance(body.get("sender"), str):
            # The conversation that got the odd message goes on as normal.
            self.still_answers(body["sender"].strip())
        return response

    def still_answers(self, sender: Optional[str] = None) -> None:
        self.checks += 1
        replies = self.server.say(sender or f"fuzz-check-{uuid.uuid4().hex[:8]}", "hoi")
        assert replies and any((r.get("text") or "").strip() for r in replies), replies


@pytest.fixture(scope="module")
def client(server):
    fuzz_client = Client(server)
    yield fuzz_client
    fuzz_client.still_answers()  # and once more at the very end


def fuzz_sender() -> str:
    return f"fuzz-{uuid.uuid4().hex[:12]}"


def build(fields: dict) -> dict:
    return {key: value for key, value in fields.items() if value is not MISSING}


# --- the properties ----------------------------------------------------------------------


@settings(FUZZ, max_examples=60)
@given(text=UNICODE_TEXT, ensure_ascii=st.booleans())
def test_any_unicode_text_is_answered(client, text, ensure_ascii):
    response = client.post_body({"sender": fuzz_sender(), "message": text}, ensure_ascii=ensure_ascii)
    assert response.status_code == 200


@settings(FUZZ, max_examples=30)
@given(payloads=st.lists(INTENT_PAYLOAD, min_size=1, max_size=2), diagnosing=st.booleans())
def test_intent_payloads_typed_by_hand_do_not_break_the_conversation(client, payloads, diagnosing):
    sender = fuzz_sender()
    if diagnosing:  # with the diagnosis form active and slots set
        client.post_body({"sender": sender, "message": DESCRIPTION}, follow_up=False)
    for payload in payloads:
        assert client.post_body({"sender": sender, "message": payload}, follow_up=False).status_code == 200
    client.still_answers(sender)


@settings(FUZZ, max_examples=12)
@given(text=LONG_TEXT, ensure_ascii=st.booleans())
def test_very_long_texts_are_answered_or_refused_as_too_large(client, text, ensure_ascii):
    client.post_body({"sender": fuzz_sender(), "message": text}, ensure_ascii=ensure_ascii)


@settings(FUZZ, max_examples=200)
@given(
    sender=SENDER, message=MESSAGE, metadata=METADATA, message_id=MESSAGE_ID, extra=EXTRA, ensure_ascii=st.booleans()
)
def test_odd_json_shapes_get_the_status_the_rules_give(
    client, sender, message, metadata, message_id, extra, ensure_ascii
):
    body = {**extra, **build({"sender": sender, "message": message, "metadata": metadata, "message_id": message_id})}
    client.post_body(body, ensure_ascii=ensure_ascii)


@settings(FUZZ, max_examples=40)
@given(body=JSON_VALUES)
def test_any_json_value_as_the_whole_body(client, body):
    client.post_body(body)


@settings(FUZZ, max_examples=40)
@given(message=UNICODE_TEXT, bad=INVALID_UTF8, where=st.floats(min_value=0, max_value=1))
def test_invalid_utf8_anywhere_in_the_body_is_400(client, message, bad, where):
    data = json.dumps({"sender": fuzz_sender(), "message": message}, ensure_ascii=False).encode("utf-8")
    cut = math.floor(where * len(data))
    assert client.post(data[:cut] + bad + data[cut:]).status_code == 400


@settings(FUZZ, max_examples=40)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(ANY_CHAR, max_size=100).map(str.encode),
        st.builds(
            bytes.__add__, st.sampled_from([b"{", b"[", b'{"sender":', b"\xef\xbb\xbf{"]), st.binary(max_size=100)
        ),
    )
)
def test_arbitrary_bytes_as_the_body(client, data):
    parsed = parsed_or_none(data)
    expected = 400 if parsed is MISSING else expected_status(parsed, len(data))
    assert client.post(data).status_code == expected


@settings(FUZZ, max_examples=25)
@given(surrogate=st.integers(0xD800, 0xDFFF), field=st.sampled_from(["message", "sender", "metadata", "extra"]))
def test_lone_surrogate_escapes_are_400(client, surrogate, field):
    escaped = f'"x\\u{surrogate:04x}y"'
    fields = {"sender": f'"{fuzz_sender()}"', "message": '"hoi"'}
    if field == "metadata":
        fields["metadata"] = f"{{{escaped}: 1}}"
    elif field == "extra":
        fields["opmerking"] = escaped
    else:
        fields[field] = escaped
    data = ("{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}").encode()
    assert client.post(data).status_code == 400


@settings(FUZZ, max_examples=30)
@given(content_type=st.one_of(st.none(), CONTENT_TYPES), stream=st.one_of(st.none(), st.text(max_size=8)))
def test_any_content_type_and_stream_argument(client, content_type, stream):
    data = json.dumps({"sender": fuzz_sender(), "message": "Hallo Taai"}).encode()
    params = None if stream is None else {"stream": stream}
    response = client.post(data, content_type=content_type, params=params)
    expected = 400 if stream is not None and stream.lower() == "true" else 200
    assert response.status_code == expected


# Texts Rasa itself takes apart (and used to log whole when it could not): "/", "/{",
# "/@", an unfinished "/intent{...".
LOG_PREFIX = st.one_of(
    st.sampled_from(["", "/", "/{", "/@", "/greet{", '/greet{"concept": "', "/greet@", "//"]), UNICODE_TEXT
)


@settings(FUZZ, max_examples=30)
@given(prefix=LOG_PREFIX, suffix=UNICODE_TEXT, in_metadata=st.booleans())
def test_no_user_text_reaches_the_logs(client, prefix, suffix, in_metadata):
    marker = f"lek{uuid.uuid4().hex}"  # survives lower-casing and JSON escaping
    text = f"{prefix}{marker}{suffix}"
    body = {"sender": fuzz_sender(), "message": text}
    if in_metadata:
        body = {"sender": body["sender"], "message": "hoi", "metadata": {"notitie": text}}
    assert client.post_body(body).status_code == 200
    for log in (client.server.var_dir / "logs").glob("*"):
        assert marker not in log.read_text(errors="replace"), f"user text in {log.name}"


def test_the_fuzzing_checked_the_server_in_between(client):
    # Runs after the properties above (file order): the server was asked a normal
    # question regularly, not only at the end.
    assert client.checks >= 10
