"""Taai's output channels against the local fakes, without a Rasa server: what each
channel sends for long text, buttons and custom payloads, and that the credentials
bot/runtime/channel_config.py writes are what the channel classes read."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.exceptions import RasaException

from bot.rasa_ext.channels import messaging as channels
from bot.rasa_ext.channels.mattermost import SIGNATURE_KEY, TaaiMattermostInput, _button_secret, button_signature
from bot.runtime.channel_config import CHANNELS, build_credentials
from tests.channels.fakes import FakeBotFramework, FakeMattermost, FakeSlack, FakeTelegram, FakeTwilio

LONG = "\n\n".join(f"## Deel {n}\n" + "Een **zin** met wat woorden erin. " * 40 for n in range(12))
BUTTONS = [{"title": f"Keuze {n}", "payload": f"/choice_{n}"} for n in range(1, 4)]
WIDGET_PAYLOAD = {"taai_plan": {"session": "abc", "html": "/webhooks/taai/plan/abc"}}


@pytest.fixture
def telegram():
    fake = FakeTelegram("123:TOKEN", "taai_bot").start()
    yield fake
    fake.stop()


def send_all(output, recipient: str, *messages: dict) -> None:
    async def run() -> None:
        for message in messages:
            await output.send_response(recipient, dict(message))
        session = getattr(output, "_session", None)
        if session is not None:
            await session.close()

    asyncio.run(run())


def test_telegram_long_text_buttons_and_widget_payloads(telegram):
    output = channels.TaaiTelegramOutput("123:TOKEN", telegram.base_url)
    send_all(output, "42", {"text": LONG}, {"text": "Kies:", "buttons": BUTTONS}, {"custom": WIDGET_PAYLOAD})
    sent = [r.data for r in telegram.recorded(telegram.calls("sendMessage"))]
    assert 1 < len(sent) < 12  # packed, not one message per paragraph
    assert all(len(m["text"]) <= 4096 and m["parse_mode"] == "HTML" for m in sent)
    assert "<b>Deel 0</b>" in sent[0]["text"] and "**" not in sent[0]["text"]
    keyboard = json.loads(sent[-1]["reply_markup"])["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [["/choice_1"], ["/choice_2"], ["/choice_3"]]
    assert not any("taai_plan" in m["text"] for m in sent)


def test_telegram_payloads_over_64_bytes_fall_back_to_the_title(telegram):
    output = channels.TaaiTelegramOutput("123:TOKEN", telegram.base_url)
    long_payload = '/ask_concept{"concept":"' + "x" * 80 + '"}'
    send_all(output, "42", {"text": "Kies:", "buttons": [{"title": "Uitleg", "payload": long_payload}]})
    keyboard = json.loads(telegram.recorded(telegram.calls("sendMessage"))[-1].data["reply_markup"])
    assert keyboard["inline_keyboard"] == [[{"text": "Uitleg", "callback_data": "Uitleg"}]]


def test_telegram_sends_plain_text_when_telegram_refuses_the_html(telegram):
    original = telegram._method

    def refuse_html(recorded, match):
        if match["method"] == "sendMessage" and recorded.data.get("parse_mode") == "HTML":
            recorded.meta["method"] = "refused"
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: can't parse entities: unsupported start tag",
            }
        return original(recorded, match)

    telegram.routes = [(m, p, refuse_html) for m, p, _ in telegram.routes]
    send_all(channels.TaaiTelegramOutput("123:TOKEN", telegram.base_url), "42", {"text": "**Vet** & meer"})
    sent = telegram.recorded(telegram.calls("sendMessage"))
    assert [m.data["text"] for m in sent] == ["Vet & meer"] and "parse_mode" not in sent[0].data


def test_slack_blocks_limits_and_no_as_user():
    fake = FakeSlack("xoxb-1").start()
    try:
        many = [{"title": f"Optie {n}", "payload": f"/p{n}"} for n in range(30)]
        output = channels.TaaiSlackBot("xoxb-1", None, None, None, f"{fake.base_url}/api")
        send_all(output, "D1", {"text": LONG}, {"text": "Kies:", "buttons": many}, {"custom": WIDGET_PAYLOAD})
        posts = [r.data for r in fake.recorded()]
        assert all(r.status == 200 for r in fake.recorded()) and not any("as_user" in p for p in posts)
        assert all(len(p["text"]) <= 3000 for p in posts)
        assert posts[0]["text"].startswith("*Deel 0*")
        blocks = posts[-1]["blocks"]
        assert [len(b["elements"]) for b in blocks[1:]] == [25, 5]  # all 30 buttons, in blocks of 25
        assert len(posts) == len(fake.recorded())  # the widget payload sent nothing
    finally:
        fake.stop()


def test_mattermost_posts_buttons_with_a_signed_context_and_accepts_201():
    fake = FakeMattermost("mm-token").start()
    try:
        output = channels.TaaiMattermostBot(
            f"{fake.base_url}/api/v4", "mm-token", "chan1", "https://taai.example.nl/webhooks/mattermost/webhook"
        )
        send_all(output, "user1", {"text": LONG}, {"text": "Kies:", "buttons": BUTTONS}, {"custom": WIDGET_PAYLOAD})
        posts = [r.data for r in fake.recorded()]
        assert all(r.status == 201 for r in fake.recorded())
        assert all(len(p["message"]) <= 4000 for p in posts) and "## Deel 0" in posts[0]["message"]
        actions = posts[-1]["props"]["attachments"][0]["actions"]
        context = actions[0]["integration"]["context"]
        assert context["action"] == "/choice_1"
        assert context[SIGNATURE_KEY] == button_signature(_button_secret("mm-token"), "chan1", "/choice_1")
        assert not any("taai_plan" in json.dumps(p) for p in posts)
    finally:
        fake.stop()


def test_mattermost_checks_the_signature_against_the_channel():
    channel = TaaiMattermostInput("http://127.0.0.1:1/api/v4", "mm-token", "https://x", "hook-token")
    signature = button_signature(_button_secret("mm-token"), "chan1", "/choice_1")
    click = {"channel_id": "chan1", "context": {"action": "/choice_1", SIGNATURE_KEY: signature}}
    assert channel._is_own_button(click)
    assert not channel._is_own_button({**click, "channel_id": "chan2"})
    assert not channel._is_own_button({**click, "context": {"action": "/start_over", SIGNATURE_KEY: signature}})


def test_teams_hero_card_and_long_text():
    fake = FakeBotFramework("app-id", "secret").start()
    try:
        output = channels.TaaiBotFramework(
            "app-id",
            "secret",
            {"id": "a:conv1"},
            {"id": "28:app", "name": "Taai"},
            f"{fake.base_url}/emea/",
            fake.token_url,
        )
        send_all(output, "29:user", {"text": LONG}, {"text": "Kies:", "buttons": BUTTONS}, {"custom": WIDGET_PAYLOAD})
        activities = [r.data for r in fake.recorded() if r.path.endswith("/activities")]
        assert all(len(a["text"]) <= 4000 for a in activities)
        assert activities[0]["text"].startswith("**Deel 0**")
        card = activities[-1]["attachments"][0]["content"]
        assert card["text"] == "Kies:"
        assert card["buttons"][0] == {
            "type": "messageBack",
            "title": "Keuze 1",
            "text": "/choice_1",
            "displayText": "Keuze 1",
        }
        assert len([r for r in fake.recorded() if r.path.endswith("/token")]) == 1  # token reused
    finally:
        fake.stop()


def test_whatsapp_numbered_options_and_twilios_limit():
    fake = FakeTwilio("AC1", "token").start()
    try:
        output = channels.TaaiTwilioOutput("AC1", "token", "+14155238886", fake.base_url)
        send_all(
            output,
            "whatsapp:+31612345678",
            {"text": LONG},
            {"text": "Kies:", "buttons": BUTTONS},
            {"custom": WIDGET_PAYLOAD},
        )
        bodies = [r.data["Body"] for r in fake.recorded()]
        assert all(r.status == 201 for r in fake.recorded())
        assert all(len(body) <= 1600 for body in bodies) and bodies[0].startswith("*Deel 0*")
        assert bodies[-1].startswith("Kies:\n\n1. Keuze 1\n2. Keuze 2\n3. Keuze 3\n")
        assert {r.data["From"] for r in fake.recorded()} == {"whatsapp:+14155238886"}
        assert not any("taai_plan" in body for body in bodies)
    finally:
        fake.stop()


def test_the_credentials_written_are_what_the_channel_classes_read():
    """Every configured channel can be built from its generated entry (secrets filled in)."""
    fake = FakeBotFramework("app-id", "secret").start()
    try:
        environ = {
            "TELEGRAM_ACCESS_TOKEN": "123:TOKEN",
            "TELEGRAM_VERIFY": "taai_bot",
            "TELEGRAM_WEBHOOK_URL": "https://taai.example.nl/webhooks/telegram/webhook",
            "SLACK_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "MATTERMOST_URL": "https://chat.example.nl",
            "MATTERMOST_TOKEN": "t",
            "MATTERMOST_WEBHOOK_URL": "https://taai.example.nl/webhooks/mattermost/webhook",
            "MATTERMOST_WEBHOOK_TOKEN": "w",
            "BOTFRAMEWORK_APP_ID": "app-id",
            "BOTFRAMEWORK_APP_PASSWORD": "secret",
            "TAAI_BOTFRAMEWORK_OPENID_URL": fake.openid_url,
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_WHATSAPP_NUMBER": "+14155238886",
            "TWILIO_WEBHOOK_URL": "https://taai.example.nl/webhooks/twilio/webhook",
        }
        credentials = build_credentials({}, environ)
        for channel in CHANNELS:
            entry = {
                key: environ[value[2:-1]] if str(value).startswith("${") else value
                for key, value in credentials[channel.class_path].items()
            }
            cls = getattr(channels, channel.class_name)
            built = cls.from_credentials(entry)
            assert built.name() == channel.name  # so the webhook path stays Rasa's
            assert isinstance(built, cls)
    finally:
        fake.stop()


def test_telegram_unreachable_at_start_does_not_stop_the_server_but_a_wrong_token_does(telegram):
    unreachable = channels.TaaiTelegramInput(
        "123:TOKEN", "taai_bot", "https://taai.example.nl/x", api_base="http://127.0.0.1:9"
    )
    assert isinstance(unreachable.get_output_channel(), channels.TaaiTelegramOutput)
    wrong_token = channels.TaaiTelegramInput(
        "999:WRONG", "taai_bot", "https://taai.example.nl/x", api_base=telegram.base_url
    )
    with pytest.raises(RasaException, match="Unauthorized"):
        wrong_token.get_output_channel()


def test_teams_without_keys_at_start_refuses_messages_and_fetches_them_later():
    fake = FakeBotFramework("app-id", "secret").start()
    try:
        channel = channels.TaaiBotFrameworkInput("app-id", "secret", openid_url="http://127.0.0.1:9/openid")
        token = fake.channel_token("https://smba.example/")
        assert channel.jwt_keys == {}
        assert channel._validate_auth(f"Bearer {token}").status == 401
        channel.openid_url, channel._last_key_refresh = fake.openid_url, 0.0  # five minutes later, reachable
        assert channel._validate_auth(f"Bearer {token}") is None
    finally:
        fake.stop()
