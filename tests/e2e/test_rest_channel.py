"""The REST channel (bot/rasa_ext/channels/rest.py): every rule for a request, with its
status and Dutch explanation; valid messages answered as before; message_id passed
on; no user text in the logs.

Most tests talk to the running server (`server` fixture). The 503 and 500 answers need
a failing Rasa, so those call the channel's handler in-process with a stand-in for
Rasa's message handler.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from types import SimpleNamespace

import pytest
import requests

from bot.rasa_ext.channels import rest as rest_channel
from bot.rasa_ext.channels.rest import TaaiRestInput
from bot.rasa_ext.errors import StorageUnavailable

JSON_HEADERS = {"Content-Type": "application/json"}


def url(server) -> str:
    return f"{server.base_url}/webhooks/rest/webhook"


def post_json(server, body, params=None) -> requests.Response:
    return requests.post(url(server), json=body, params=params, timeout=120)


def post_raw(server, data: bytes, headers=None) -> requests.Response:
    return requests.post(url(server), data=data, headers=headers or JSON_HEADERS, timeout=120)


def assert_refused(response: requests.Response, status: int, expected_error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"error": expected_error}


def user_events(server, sender: str) -> list[dict]:
    return [e for e in server.tracker(sender)["events"] if e["event"] == "user"]


# --- valid input: the same answers as Rasa's RestInput --------------------------------


def test_a_valid_message_is_answered_with_the_list_of_bot_messages(server, sender):
    response = post_json(server, {"sender": sender, "message": "hoi"})
    assert response.status_code == 200, response.text
    replies = response.json()
    assert isinstance(replies, list) and replies
    assert all(r["recipient_id"] == sender for r in replies)
    assert "Taai" in replies[0]["text"]


def test_the_health_route_stays(server):
    response = requests.get(f"{server.base_url}/webhooks/rest/", timeout=30)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_content_type_is_not_checked(server, sender):
    # curl -d sends application/x-www-form-urlencoded; the body is JSON all the same.
    body = json.dumps({"sender": sender, "message": "hoi"}).encode()
    response = post_raw(server, body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200 and response.json()


@pytest.mark.parametrize("body", [{}, {"message": None}], ids=["missing", "null"])
def test_a_missing_or_null_message_is_the_empty_message(server, sender, body):
    response = post_json(server, {"sender": sender, **body})
    assert response.status_code == 200, response.text
    assert any((r.get("text") or "").strip() for r in response.json())
    assert user_events(server, sender)[-1]["text"] == ""


def test_the_sender_is_stripped(server, sender):
    assert post_json(server, {"sender": f"  {sender}\n", "message": "hoi"}).status_code == 200
    assert len(user_events(server, sender)) == 1


def test_a_sender_of_128_characters_and_any_script_is_accepted(server):
    sender = ("gesprek-ملف-会话-😀-" + uuid.uuid4().hex).ljust(128, "x")
    assert post_json(server, {"sender": sender, "message": "hoi"}).status_code == 200


def test_metadata_and_message_id_reach_the_tracker(server, sender):
    message_id = f"client-{uuid.uuid4().hex}"
    response = post_json(
        server,
        {
            "sender": sender,
            "message": "hoi",
            "message_id": message_id,
            "metadata": {"bron": "intranet", "versie": [1, 2]},
        },
    )
    assert response.status_code == 200, response.text
    event = user_events(server, sender)[-1]
    assert event["message_id"] == message_id
    assert event["metadata"]["bron"] == "intranet"
    assert event["input_channel"] == "rest"


def test_the_client_cannot_choose_the_input_channel(server, sender):
    assert post_json(server, {"sender": sender, "message": "hoi", "input_channel": "socketio"}).status_code == 200
    assert user_events(server, sender)[-1]["input_channel"] == "rest"


def test_without_message_id_rasa_makes_one(server, sender):
    assert post_json(server, {"sender": sender, "message": "hoi"}).status_code == 200
    assert user_events(server, sender)[-1]["message_id"]


def test_stream_false_is_the_normal_answer(server, sender):
    response = post_json(server, {"sender": sender, "message": "hoi"}, params={"stream": "false"})
    assert response.status_code == 200 and isinstance(response.json(), list)


# --- the body ------------------------------------------------------------------------


def test_a_body_over_1_mb_is_413(server, sender):
    body = json.dumps({"sender": sender, "message": "a" * (1024 * 1024)}).encode()
    assert_refused(post_raw(server, body), 413, rest_channel.ERROR_TOO_LARGE)


@pytest.mark.parametrize(
    "data",
    [b"", b"hallo", b'{"sender": "a",', b"{'sender': 'a'}", b'{"sender": "a", "message": NaN}', b"[" * 100_000],
    ids=["empty", "text", "cut off", "single quotes", "NaN", "very deep"],
)
def test_a_body_that_is_not_json_is_400(server, data):
    assert_refused(post_raw(server, data), 400, rest_channel.ERROR_NOT_JSON)


@pytest.mark.parametrize(
    "body",
    [[{"sender": "a", "message": "hoi"}], "hoi", 42, None, True],
    ids=["list", "string", "number", "null", "boolean"],
)
def test_a_body_that_is_not_an_object_is_400(server, body):
    assert_refused(post_raw(server, json.dumps(body).encode()), 400, rest_channel.ERROR_NOT_OBJECT)


def test_invalid_utf8_is_400(server, sender):
    data = b'{"sender": "' + sender.encode() + b'", "message": "caf\xe9 \xff\xfe"}'
    assert_refused(post_raw(server, data), 400, rest_channel.ERROR_BAD_CHARACTERS)


@pytest.mark.parametrize("field", ["message", "metadata"])
def test_a_lone_surrogate_is_400(server, sender, field):
    # Valid JSON, but not valid Unicode: Rasa could store it and then not send it back.
    value = '"hoi \\ud800"' if field == "message" else '{"\\udfff": 1}'
    data = f'{{"sender": "{sender}", "{field}": {value}}}'.encode()
    assert_refused(post_raw(server, data), 400, rest_channel.ERROR_BAD_CHARACTERS)


def test_metadata_nested_too_deep_is_400(server, sender):
    metadata: dict = {}
    for _ in range(rest_channel.MAX_DEPTH):
        metadata = {"a": metadata}
    assert_refused(post_json(server, {"sender": sender, "metadata": metadata}), 400, rest_channel.ERROR_TOO_DEEP)


# --- sender --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hoi"},
        {"sender": None},
        {"sender": 12345},
        {"sender": ["a"]},
        {"sender": {"id": "a"}},
        {"sender": True},
    ],
    ids=["missing", "null", "number", "list", "object", "boolean"],
)
def test_a_sender_that_is_missing_or_not_a_string_is_400(server, body):
    assert_refused(post_json(server, body), 400, rest_channel.ERROR_SENDER_MISSING)


@pytest.mark.parametrize("sender", ["", "   \t\n ", "x" * 129], ids=["empty", "whitespace", "129 characters"])
def test_a_sender_of_the_wrong_length_is_400(server, sender):
    assert_refused(post_json(server, {"sender": sender, "message": "hoi"}), 400, rest_channel.ERROR_SENDER_LENGTH)


@pytest.mark.parametrize(
    "sender",
    ["a\nb", "a\x00b", "a\x1b[31mb", "a\u200bb", "a\u202eb", "a\u00a0b"],
    ids=["newline", "NUL", "escape", "zero width space", "RTL override", "no-break space"],
)
def test_a_sender_with_control_or_invisible_characters_is_400(server, sender):
    assert_refused(post_json(server, {"sender": sender, "message": "hoi"}), 400, rest_channel.ERROR_SENDER_CHARACTERS)


# --- message, metadata, message_id, stream ---------------------------------------------


@pytest.mark.parametrize(
    "message", [42, 1.5, True, ["hoi"], {"text": "hoi"}], ids=["integer", "float", "boolean", "list", "object"]
)
def test_a_message_that_is_not_a_string_is_400(server, sender, message):
    assert_refused(post_json(server, {"sender": sender, "message": message}), 400, rest_channel.ERROR_MESSAGE_TYPE)


@pytest.mark.parametrize("metadata", ["bron=intranet", 1, ["a"], True], ids=["string", "number", "list", "boolean"])
def test_metadata_that_is_not_an_object_is_400(server, sender, metadata):
    assert_refused(
        post_json(server, {"sender": sender, "message": "hoi", "metadata": metadata}),
        400,
        rest_channel.ERROR_METADATA_TYPE,
    )


@pytest.mark.parametrize(
    "message_id",
    ["", "x" * 65, "abc def", "abc/../x", "bericht.1", "ïd", 42, ["a"]],
    ids=["empty", "65 characters", "space", "slash", "dot", "accent", "number", "list"],
)
def test_a_bad_message_id_is_400(server, sender, message_id):
    assert_refused(
        post_json(server, {"sender": sender, "message": "hoi", "message_id": message_id}),
        400,
        rest_channel.ERROR_MESSAGE_ID,
    )


def test_a_message_id_of_64_characters_is_accepted(server, sender):
    message_id = "A-z_9" + "x" * 59
    assert post_json(server, {"sender": sender, "message": "hoi", "message_id": message_id}).status_code == 200
    assert user_events(server, sender)[-1]["message_id"] == message_id


@pytest.mark.parametrize("value", ["true", "True"])
def test_streaming_is_refused(server, sender, value):
    response = post_json(server, {"sender": sender, "message": "hoi"}, params={"stream": value})
    assert_refused(response, 400, rest_channel.ERROR_STREAM)
    assert not user_events_or_none(server, sender)


def user_events_or_none(server, sender: str) -> list[dict]:
    response = requests.get(
        f"{server.base_url}/conversations/{sender}/tracker", params={"token": server.token}, timeout=30
    )
    return [e for e in response.json().get("events") or [] if e["event"] == "user"] if response.ok else []


def test_a_refused_request_stores_nothing(server, sender):
    assert post_json(server, {"sender": sender, "message": 42}).status_code == 400
    assert not user_events_or_none(server, sender)


def test_errors_are_dutch_and_never_repeat_the_input(server, sender):
    marker = f"geheim-{uuid.uuid4().hex}"
    bodies = [
        {"sender": sender, "message": {marker: marker}},
        {"sender": marker + "\n" + marker},
        {"sender": sender, "message_id": marker + "!"},
        {"sender": sender, "metadata": [marker]},
        [marker],
        {"sender": marker * 10},
    ]
    for body in bodies:
        response = post_json(server, body)
        assert response.status_code == 400
        assert marker not in response.text
        error = response.json()["error"]
        assert error.endswith(".") and any(word in error for word in ("Het veld", "Stuur", "verzoek"))


# --- logs ----------------------------------------------------------------------------


def test_no_user_text_in_the_logs(server, sender):
    marker = f"vertrouwelijk{uuid.uuid4().hex}"
    post_json(server, {"sender": sender, "message": f"Bewoners in de wijk {marker} zijn het oneens"})
    post_json(server, {"sender": sender, "message": {"tekst": marker}})
    post_json(server, {"sender": sender, "message": marker, "metadata": marker})
    post_raw(server, f'{{"sender": "{sender}", "message": "{marker} \\ud800"}}'.encode())
    post_raw(server, f"{marker} geen json".encode())
    # Rasa reads "/intent{entities}" itself and warns, with the whole line, when it cannot.
    post_json(server, {"sender": sender, "message": f"/{marker}"})
    post_json(server, {"sender": sender, "message": f'/greet{{"{marker}": "{marker}"}}'})
    post_json(server, {"sender": sender, "message": f"/greet{{{marker}"})
    post_json(server, {"sender": sender, "message": f"/{{{marker}"})
    post_json(server, {"sender": sender, "message": f"/@{marker}"})
    server.say(sender, "hoi")  # the log lines of the requests above are written by now
    logs = list((server.var_dir / "logs").glob("*"))
    assert logs
    for log in logs:
        assert marker not in log.read_text(errors="replace"), f"user text in {log.name}"


# --- 503 and 500: handler in-process with a failing Rasa -------------------------------


def call_handler(on_new_message, body: dict, args=None):
    """Run the channel's POST /webhook handling on a request stand-in; the response."""
    request = SimpleNamespace(body=json.dumps(body).encode(), args=args or {})
    return asyncio.run(TaaiRestInput().handle(request, on_new_message))


def test_storage_unavailable_is_503_with_retry_after():
    async def failing(_message):
        raise StorageUnavailable("database unreachable")

    result = call_handler(failing, {"sender": "a", "message": "hoi"})
    assert result.status == 503
    assert result.headers["Retry-After"] == "5"
    assert json.loads(result.body) == {"error": StorageUnavailable.user_message}


def test_storage_unavailable_wrapped_in_another_error_is_503_too():
    async def failing(_message):
        try:
            raise StorageUnavailable("lock store unreachable")
        except StorageUnavailable as error:
            raise RuntimeError("while handling") from error

    assert call_handler(failing, {"sender": "a", "message": "hoi"}).status == 503


def test_any_other_error_is_500_in_dutch_and_logged_without_the_text(caplog):
    secret = "Mevrouw Jansen uit de Dorpsstraat 12"

    async def failing(message):
        try:
            raise ValueError(f"could not handle {message.text!r}")
        except ValueError as error:  # as Rasa wraps errors of its graph components
            raise RuntimeError(f"component failed: {error}") from error

    with caplog.at_level(logging.DEBUG, logger="bot.rasa_ext.channels.rest"):
        result = call_handler(failing, {"sender": "mevrouw.jansen@example.nl", "message": secret})
    assert result.status == 500
    assert json.loads(result.body) == {"error": rest_channel.ERROR_INTERNAL}
    logged = caplog.text
    assert "ValueError" in logged and "RuntimeError" in logged and "failing" in logged  # types and stack
    assert secret not in logged and "Jansen" not in logged and "jansen@" not in logged


def test_the_message_reaches_rasa_with_sender_metadata_and_message_id():
    received = []

    async def handle(message):
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "antwoord")

    result = call_handler(
        handle,
        {"sender": " a ", "message": "hoi", "metadata": {"x": 1}, "message_id": "m-1", "input_channel": "telegram"},
    )
    assert result.status == 200
    assert json.loads(result.body) == [{"recipient_id": "a", "text": "antwoord"}]
    (message,) = received
    assert (message.sender_id, message.text, message.metadata, message.message_id, message.input_channel) == (
        "a",
        "hoi",
        {"x": 1},
        "m-1",
        "rest",
    )


def test_a_cancelled_request_is_logged_without_text_and_stays_cancelled(caplog):
    async def cancelled(_message):
        raise asyncio.CancelledError()

    with caplog.at_level(logging.DEBUG, logger="bot.rasa_ext.channels.rest"), pytest.raises(asyncio.CancelledError):
        call_handler(cancelled, {"sender": "a", "message": "geheime tekst"})
    assert "cancelled" in caplog.text and "geheime" not in caplog.text
