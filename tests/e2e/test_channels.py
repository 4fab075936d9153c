"""The messaging channels against the real servers, with local fakes of the services.

One server is started for this module with every channel switched on by its
environment variables (as an admin would), and with the channels' outgoing calls
pointed at fakes of the services on 127.0.0.1 (tests/channels/fakes.py). Each test
sends what the real service sends: a Telegram Update, a signed Slack event, a
Mattermost outgoing-webhook call, a Bot Framework activity with a signed JWT, a signed
Twilio form. It then checks what the fake service received: what the user would have
seen, in that channel's form (inline keyboard, Block Kit, hero card, numbered list).
Requests that would not come from the service (no secret, a bad signature, a forged
token) are refused and reach nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Callable

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests import server_process as e2e
from tests.channels.fakes import (
    FakeBotFramework,
    FakeMattermost,
    FakeService,
    FakeSlack,
    FakeTelegram,
    FakeTwilio,
    Recorded,
)

PUBLIC_URL = "https://taai.example.nl"  # the server as the services know it, behind a proxy

TELEGRAM_TOKEN = "123456789:TEST-telegram-token_for-taai"
TELEGRAM_BOT = "taai_test_bot"
SLACK_TOKEN = "xoxb-test-token"
SLACK_SIGNING_SECRET = "slack-test-signing-secret"
MATTERMOST_TOKEN = "mattermost-bot-access-token"
MATTERMOST_WEBHOOK_TOKEN = "mattermost-outgoing-webhook-token"
BOTFRAMEWORK_APP_ID = "0f6a3c52-7d1e-4c1b-9a53-5b1e0c7d2a11"
BOTFRAMEWORK_PASSWORD = "test-app-password~with.symbols"
TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "twilio-test-auth-token"
TWILIO_NUMBER = "+14155238886"

GREETING_PAYLOADS = ["/start_diagnosis", "/ask_experiment", '/ask_concept{"concept":"probleemtypologie"}']
PLAN_HEADINGS = (
    "Het vraagstuk",
    "Type en waarom",
    "Betrokkenen",
    "Participatieniveau",
    "Juridische route",
    "Fasen",
    "Bewijs",
    "Risico",
    "Bronnen",
)
DESCRIPTION = "Wat doen we met de bijstand: mensen vertrouwen geven of juist strenger controleren?"
ANSWERS = {
    "value_consensus": "niet echt",
    "knowledge_certainty": "nee, dat weten we niet",
    "policy_domain": "werk en inkomen",
    "initiator": "de gemeente",
    "deviation": "de regels over de sollicitatieplicht",
}


# --- fakes and server -------------------------------------------------------------------------


@dataclass
class Fakes:
    telegram: FakeTelegram
    slack: FakeSlack
    mattermost: FakeMattermost
    botframework: FakeBotFramework
    twilio: FakeTwilio

    def all(self) -> list[FakeService]:
        return [self.telegram, self.slack, self.mattermost, self.botframework, self.twilio]


@pytest.fixture(scope="module")
def fakes() -> Fakes:
    started = Fakes(
        FakeTelegram(TELEGRAM_TOKEN, TELEGRAM_BOT).start(),
        FakeSlack(SLACK_TOKEN).start(),
        FakeMattermost(MATTERMOST_TOKEN).start(),
        FakeBotFramework(BOTFRAMEWORK_APP_ID, BOTFRAMEWORK_PASSWORD).start(),
        FakeTwilio(TWILIO_SID, TWILIO_TOKEN).start(),
    )
    yield started
    for fake in started.all():
        fake.stop()


def channel_environment(fakes: Fakes) -> dict[str, str]:
    """What an admin sets (docs/channels.md), plus the TAAI_*_API_BASE-style variables
    that send the outgoing calls to the fakes instead of the real services."""
    return {
        "TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_VERIFY": TELEGRAM_BOT,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_URL}/webhooks/telegram/webhook",
        "TAAI_TELEGRAM_API_BASE": fakes.telegram.base_url,
        "SLACK_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "TAAI_SLACK_API_BASE": f"{fakes.slack.base_url}/api",
        "MATTERMOST_URL": fakes.mattermost.base_url,
        "MATTERMOST_TOKEN": MATTERMOST_TOKEN,
        "MATTERMOST_WEBHOOK_URL": f"{PUBLIC_URL}/webhooks/mattermost/webhook",
        "MATTERMOST_WEBHOOK_TOKEN": MATTERMOST_WEBHOOK_TOKEN,
        "BOTFRAMEWORK_APP_ID": BOTFRAMEWORK_APP_ID,
        "BOTFRAMEWORK_APP_PASSWORD": BOTFRAMEWORK_PASSWORD,
        "TAAI_BOTFRAMEWORK_OPENID_URL": fakes.botframework.openid_url,
        "TAAI_BOTFRAMEWORK_TOKEN_URL": fakes.botframework.token_url,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": f"{PUBLIC_URL}/webhooks/twilio/webhook",
        "TAAI_TWILIO_API_BASE": fakes.twilio.base_url,
    }


@pytest.fixture(scope="module")
def channel_server(fakes, tmp_path_factory) -> e2e.Server:
    """Taai started as `make run` starts it, with every channel's variables set."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in channel_environment(fakes).items():
            patch.setenv(name, value)
        running = e2e.start_server(tmp_path_factory.mktemp("channels-var"), secrets.token_urlsafe(24))
    yield running
    e2e.stop_server(running.process)


def webhook(server: e2e.Server, channel: str) -> str:
    return f"{server.base_url}/webhooks/{channel}/webhook"


def tracker_of(server: e2e.Server, sender: str) -> dict:
    # Rasa's route does not unquote the id: keep ':' and '+' (Teams, WhatsApp ids) as they are.
    response = requests.get(
        f"{server.base_url}/conversations/{urllib.parse.quote(sender, safe=':+')}/tracker",
        params={"token": server.token},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def walk_to_plan(say: Callable[[str], list[str]], tracker: Callable[[], dict]) -> list[str]:
    """Describe a problem, answer both questions, ask for the plan, answer what the bot
    still asks; return the texts of the turn that holds the plan."""
    for message in (DESCRIPTION, ANSWERS["value_consensus"], ANSWERS["knowledge_certainty"]):
        say(message)
    replies = say("maak het plan")
    for _ in range(4):
        if any("Experimentplan" in text for text in replies):
            return replies
        asked = tracker()["slots"].get("requested_slot")
        assert asked in ANSWERS, (asked, replies)
        replies = say(ANSWERS[asked])
    assert any("Experimentplan" in text for text in replies), replies
    return replies


def assert_is_the_plan(texts: list[str]) -> None:
    whole = "\n".join(texts)
    for heading in PLAN_HEADINGS:
        assert heading in whole, heading
    assert "taai_plan" not in whole and '{"' not in whole  # never raw JSON


_ids = itertools.count(int(time.time()))


# --- Telegram ---------------------------------------------------------------------------------


def telegram_user(chat_id: int) -> dict:
    return {"id": chat_id, "is_bot": False, "first_name": "Sanne", "language_code": "nl"}


def telegram_message(chat_id: int, text: str) -> dict:
    entities = [{"offset": 0, "length": len(text), "type": "bot_command"}] if text.startswith("/") else []
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "from": telegram_user(chat_id),
            "chat": {"id": chat_id, "first_name": "Sanne", "type": "private"},
            "date": int(time.time()),
            "text": text,
            **({"entities": entities} if entities else {}),
        },
    }


def telegram_button_press(chat_id: int, data: str, query_id: str) -> dict:
    bot = {"id": int(TELEGRAM_TOKEN.split(":")[0]), "is_bot": True, "first_name": "Taai", "username": TELEGRAM_BOT}
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": query_id,
            "from": telegram_user(chat_id),
            "chat_instance": "-4711",
            "data": data,
            "message": {
                "message_id": next(_ids),
                "from": bot,
                "date": int(time.time()),
                "text": "Kies:",
                "chat": {"id": chat_id, "first_name": "Sanne", "type": "private"},
            },
        },
    }


def telegram_secret(fakes: Fakes) -> str:
    registered = fakes.telegram.recorded(fakes.telegram.calls("setWebhook"))
    assert registered, "the server did not register its webhook"
    return registered[-1].data["secret_token"]


def post_telegram(server, fakes, update: dict, secret: str | None = "from fake") -> requests.Response:
    headers = {}
    if secret == "from fake":
        secret = telegram_secret(fakes)
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return requests.post(webhook(server, "telegram"), json=update, headers=headers, timeout=120)


def telegram_sent(fakes: Fakes, mark: int, chat_id: int) -> list[dict]:
    return [
        r.data
        for r in fakes.telegram.since(mark, fakes.telegram.calls("sendMessage"))
        if r.data["chat_id"] == str(chat_id)
    ]


def keyboard(message: dict) -> list[list[dict]]:
    return json.loads(message["reply_markup"])["inline_keyboard"]


def test_telegram_registers_its_webhook_with_a_secret_token(channel_server, fakes):
    call = fakes.telegram.recorded(fakes.telegram.calls("setWebhook"))[-1]
    assert call.data["url"] == f"{PUBLIC_URL}/webhooks/telegram/webhook"
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", call.data["secret_token"])


def test_telegram_start_is_greeted_with_an_inline_keyboard(channel_server, fakes):
    chat = 700000 + next(_ids) % 100000
    mark = fakes.telegram.mark()
    response = post_telegram(channel_server, fakes, telegram_message(chat, "/start"))
    assert response.status_code == 200, response.text

    sent = telegram_sent(fakes, mark, chat)
    assert len(sent) == 1, sent
    assert "Taai" in sent[0]["text"] and sent[0]["parse_mode"] == "HTML"
    rows = keyboard(sent[0])
    assert all(len(row) == 1 for row in rows)  # one button per row: titles stay readable
    assert [row[0]["callback_data"] for row in rows] == GREETING_PAYLOADS
    assert rows[0][0]["text"] == "Vraagstuk typeren"


def test_telegram_button_press_is_acknowledged_and_a_conversation_reaches_the_plan(channel_server, fakes):
    chat = 800000 + next(_ids) % 100000
    mark = fakes.telegram.mark()
    response = post_telegram(channel_server, fakes, telegram_button_press(chat, "/start_diagnosis", "cbq-1"))
    assert response.status_code == 200
    fakes.telegram.wait_for(
        lambda r: r.meta.get("method") == "answerCallbackQuery" and r.data.get("callback_query_id") == "cbq-1",
        timeout=30,
        settle=0,
    )
    assert telegram_sent(fakes, mark, chat), "no answer to the button"
    assert tracker_of(channel_server, str(chat))["latest_message"]["intent"]["name"] == "start_diagnosis"

    def say(text: str) -> list[str]:
        before = fakes.telegram.mark()
        assert post_telegram(channel_server, fakes, telegram_message(chat, text)).status_code == 200
        return [m["text"] for m in telegram_sent(fakes, before, chat)]

    plan = walk_to_plan(say, lambda: tracker_of(channel_server, str(chat)))
    assert_is_the_plan(plan)
    assert len(plan) > 1 and all(len(text) <= 4096 for text in plan)  # split, within Telegram's limit
    assert "<b>Experimentplan</b>" in plan[1] or "<b>Experimentplan</b>" in plan[0]
    assert not any("**" in text or "\n## " in text for text in plan)  # Markdown converted


def test_telegram_refuses_updates_without_the_secret_token(channel_server, fakes):
    chat = 900000 + next(_ids) % 100000
    mark = fakes.telegram.mark()
    for secret in (None, "wrong-secret"):
        response = post_telegram(channel_server, fakes, telegram_message(chat, "hoi"), secret=secret)
        assert response.status_code == 403
    time.sleep(1)
    assert telegram_sent(fakes, mark, chat) == []


# --- Slack --------------------------------------------------------------------------------------


def slack_headers(
    body: bytes, content_type: str, secret: str = SLACK_SIGNING_SECRET, timestamp: int | None = None
) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": f"v0={digest}",
    }


def post_slack_json(server, payload: dict, **signing) -> requests.Response:
    body = json.dumps(payload).encode()
    return requests.post(
        webhook(server, "slack"), data=body, headers=slack_headers(body, "application/json", **signing), timeout=60
    )


def slack_dm_event(user: str, channel: str, text: str) -> dict:
    ts = f"{time.time():.6f}"
    return {
        "token": "verification-token-not-used",
        "team_id": "T0TAAI",
        "api_app_id": "A0TAAI",
        "type": "event_callback",
        "event_id": f"Ev{next(_ids)}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0TAAI", "user_id": "U0TAAIBOT", "is_bot": True}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "team": "T0TAAI",
        },
    }


def slack_posts_to(fakes: Fakes, mark: int, channel: str) -> list[dict]:
    return [r.data for r in fakes.slack.since(mark) if (r.data or {}).get("channel") == channel]


def test_slack_url_verification_is_answered_only_when_signed(channel_server):
    challenge = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    response = post_slack_json(channel_server, challenge)
    assert response.status_code == 200 and response.json() == {"challenge": challenge["challenge"]}
    assert post_slack_json(channel_server, challenge, secret="not-the-secret").status_code == 400


def test_slack_message_gets_block_kit_buttons_and_a_click_is_understood(channel_server, fakes):
    user, channel = f"U{next(_ids)}", f"D{next(_ids)}"
    mark = fakes.slack.mark()
    assert post_slack_json(channel_server, slack_dm_event(user, channel, "hoi")).status_code == 200
    fakes.slack.wait_since(mark, lambda r: (r.data or {}).get("channel") == channel)
    posts = slack_posts_to(fakes, mark, channel)
    assert len(posts) == 1 and all(r.status == 200 for r in fakes.slack.since(mark))
    greeting = posts[0]
    assert "as_user" not in greeting  # refused for current Slack apps' bot tokens
    section, actions = greeting["blocks"]
    assert section["text"]["type"] == "mrkdwn" and "Taai" in section["text"]["text"]
    assert [b["value"] for b in actions["elements"]] == GREETING_PAYLOADS
    assert actions["elements"][0]["text"]["text"] == "Vraagstuk typeren"

    # The user clicks "Vraagstuk typeren": Slack posts the interaction as a form.
    click = {
        "type": "block_actions",
        "user": {"id": user, "username": "sanne", "team_id": "T0TAAI"},
        "api_app_id": "A0TAAI",
        "team": {"id": "T0TAAI"},
        "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": channel},
        "message": {"type": "message", "ts": "1.1", "text": greeting["text"]},
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/actions/x",
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": "a1",
                "value": "/start_diagnosis",
                "text": {"type": "plain_text", "text": "Vraagstuk typeren"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    body = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    mark = fakes.slack.mark()
    response = requests.post(
        webhook(channel_server, "slack"),
        data=body,
        timeout=60,
        headers=slack_headers(body, "application/x-www-form-urlencoded"),
    )
    assert response.status_code == 200, response.text
    fakes.slack.wait_since(mark, lambda r: (r.data or {}).get("channel") == channel)
    assert tracker_of(channel_server, user)["latest_message"]["intent"]["name"] == "start_diagnosis"


def test_slack_refuses_unsigned_and_stale_requests(channel_server, fakes):
    user, channel = f"U{next(_ids)}", f"D{next(_ids)}"
    mark = fakes.slack.mark()
    event = slack_dm_event(user, channel, "hoi")
    assert post_slack_json(channel_server, event, secret="forged").status_code == 400
    assert post_slack_json(channel_server, event, timestamp=int(time.time()) - 600).status_code == 400
    time.sleep(2)
    assert slack_posts_to(fakes, mark, channel) == []


# --- Mattermost -------------------------------------------------------------------------------


def mattermost_outgoing(user_id: str, channel_id: str, text: str, token: str = MATTERMOST_WEBHOOK_TOKEN) -> dict:
    return {
        "token": token,
        "team_id": "team0taai",
        "team_domain": "sociaal-domein",
        "channel_id": channel_id,
        "channel_name": "taai",
        "timestamp": int(time.time() * 1000),
        "user_id": user_id,
        "user_name": "sanne",
        "post_id": f"post{next(_ids)}",
        "text": text,
        "trigger_word": "taai",
        "file_ids": "",
    }


def mattermost_posts_to(fakes: Fakes, mark: int, channel_id: str) -> list[dict]:
    return [
        r.data
        for r in fakes.mattermost.since(mark, lambda r: r.path == "/api/v4/posts")
        if r.data.get("channel_id") == channel_id
    ]


def test_mattermost_message_gets_buttons_and_a_click_is_understood(channel_server, fakes):
    user, channel = f"user{next(_ids)}", f"chan{next(_ids)}"
    mark = fakes.mattermost.mark()
    response = requests.post(
        webhook(channel_server, "mattermost"), json=mattermost_outgoing(user, channel, "taai hoi"), timeout=60
    )
    assert response.status_code == 200 and response.json() == {}
    posts = mattermost_posts_to(fakes, mark, channel)
    assert len(posts) == 1
    assert "Taai" in posts[0]["message"]
    actions = posts[0]["props"]["attachments"][0]["actions"]
    assert [a["name"] for a in actions][0] == "Vraagstuk typeren"
    assert [a["integration"]["context"]["action"] for a in actions] == GREETING_PAYLOADS
    assert all(a["integration"]["url"] == f"{PUBLIC_URL}/webhooks/mattermost/webhook" for a in actions)
    assert tracker_of(channel_server, user)["latest_message"]["text"] == "hoi"  # trigger word removed

    # The user clicks the first button: Mattermost posts the button's context back.
    click = {
        "user_id": user,
        "user_name": "sanne",
        "channel_id": channel,
        "channel_name": "taai",
        "team_id": "team0taai",
        "team_domain": "sociaal-domein",
        "post_id": "post1",
        "trigger_id": "t1",
        "type": "",
        "data_source": "",
        "context": actions[0]["integration"]["context"],
    }
    mark = fakes.mattermost.mark()
    response = requests.post(webhook(channel_server, "mattermost"), json=click, timeout=60)
    assert response.status_code == 200 and response.json() == {}  # JSON, or Mattermost shows an error
    assert mattermost_posts_to(fakes, mark, channel)
    assert tracker_of(channel_server, user)["latest_message"]["intent"]["name"] == "start_diagnosis"


def test_mattermost_form_encoded_webhook_without_trigger_word_keeps_the_whole_message(channel_server, fakes):
    user, channel = f"user{next(_ids)}", f"chan{next(_ids)}"
    call = {**mattermost_outgoing(user, channel, "hoi Taai"), "trigger_word": ""}
    mark = fakes.mattermost.mark()
    response = requests.post(webhook(channel_server, "mattermost"), data=call, timeout=60)
    assert response.status_code == 200
    assert mattermost_posts_to(fakes, mark, channel)
    assert tracker_of(channel_server, user)["latest_message"]["text"] == "hoi Taai"


def test_mattermost_refuses_wrong_tokens_forged_clicks_and_ignores_its_own_posts(channel_server, fakes):
    user, channel = f"user{next(_ids)}", f"chan{next(_ids)}"
    mark = fakes.mattermost.mark()
    url = webhook(channel_server, "mattermost")
    assert (
        requests.post(url, json=mattermost_outgoing(user, channel, "taai hoi", token="guess"), timeout=60).status_code
        == 403
    )
    forged = {"user_id": user, "channel_id": channel, "context": {"action": "/start_over"}}
    assert requests.post(url, json=forged, timeout=60).status_code == 403
    signed_elsewhere = {
        "user_id": user,
        "channel_id": channel,
        "context": {"action": "/start_over", "taai_signature": "0" * 64},
    }
    assert requests.post(url, json=signed_elsewhere, timeout=60).status_code == 403
    own = mattermost_outgoing(FakeMattermost.bot_user_id, channel, "taai Hoi! Ik ben Taai.")
    assert requests.post(url, json=own, timeout=60).status_code == 200
    time.sleep(1)
    assert mattermost_posts_to(fakes, mark, channel) == []


# --- Microsoft Teams (Bot Framework) -----------------------------------------------------------


def teams_activity(fakes: Fakes, user: str, conversation: str, text: str, **extra) -> dict:
    return {
        "type": "message",
        "id": f"act{next(_ids)}",
        "timestamp": "2026-01-15T10:00:00.000Z",
        "serviceUrl": f"{fakes.botframework.base_url}/emea/",
        "channelId": "msteams",
        "from": {"id": user, "name": "Sanne", "aadObjectId": str(uuid.uuid4())},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": "tenant"},
        "recipient": {"id": f"28:{BOTFRAMEWORK_APP_ID}", "name": "Taai"},
        "text": text,
        "textFormat": "plain",
        "locale": "nl-NL",
        **extra,
    }


def post_teams(server, activity: dict, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(webhook(server, "botframework"), json=activity, headers=headers, timeout=60)


def teams_replies(fakes: Fakes, mark: int, conversation: str) -> list[Recorded]:
    return [r for r in fakes.botframework.since(mark) if r.path.endswith(f"/conversations/{conversation}/activities")]


def test_teams_message_gets_a_hero_card_with_message_back_buttons(channel_server, fakes):
    user, conversation = f"29:user{next(_ids)}", f"a:conv{next(_ids)}"
    activity = teams_activity(fakes, user, conversation, "hoi")
    mark = fakes.botframework.mark()
    response = post_teams(channel_server, activity, fakes.botframework.channel_token(activity["serviceUrl"]))
    assert response.status_code == 200, response.text
    replies = teams_replies(fakes, mark, conversation)
    assert len(replies) == 1 and replies[0].path.startswith("/emea/v3/")
    assert replies[0].headers["authorization"] == f"Bearer {FakeBotFramework.access_token}"
    card = replies[0].data["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert "Taai" in card["content"]["text"]
    buttons = card["content"]["buttons"]
    assert {b["type"] for b in buttons} == {"messageBack"}
    assert [b["text"] for b in buttons] == GREETING_PAYLOADS
    assert buttons[0]["displayText"] == buttons[0]["title"] == "Vraagstuk typeren"

    # A click on a messageBack button arrives as a message with the payload as text.
    click = teams_activity(fakes, user, conversation, "/start_diagnosis")
    mark = fakes.botframework.mark()
    assert post_teams(channel_server, click, fakes.botframework.channel_token(click["serviceUrl"])).status_code == 200
    assert teams_replies(fakes, mark, conversation)
    assert tracker_of(channel_server, user)["latest_message"]["intent"]["name"] == "start_diagnosis"


def test_teams_mention_in_a_channel_is_removed(channel_server, fakes):
    user, conversation = f"29:user{next(_ids)}", f"19:channel{next(_ids)}@thread.tacv2"
    activity = teams_activity(fakes, user, conversation, "<at>Taai</at> hoi")
    response = post_teams(channel_server, activity, fakes.botframework.channel_token(activity["serviceUrl"]))
    assert response.status_code == 200
    assert tracker_of(channel_server, user)["latest_message"]["text"] == "hoi"


def test_teams_refuses_activities_without_a_valid_token(channel_server, fakes):
    from cryptography.hazmat.primitives.asymmetric import rsa

    user, conversation = f"29:user{next(_ids)}", f"a:conv{next(_ids)}"
    activity = teams_activity(fakes, user, conversation, "hoi")
    service_url = activity["serviceUrl"]
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = {
        "no token": None,
        "signed with another key": fakes.botframework.sign(
            {
                "iss": "https://api.botframework.com",
                "aud": BOTFRAMEWORK_APP_ID,
                "serviceUrl": service_url,
                "exp": now + 600,
            },
            private_key=other_key,
        ),
        "for another bot": fakes.botframework.channel_token(service_url, aud="another-app-id"),
        "from another issuer": fakes.botframework.channel_token(service_url, iss="https://evil.example"),
        "expired": fakes.botframework.channel_token(service_url, exp=now - 3600, nbf=now - 7200),
        # A real token for a different serviceUrl: Taai would send its access token there.
        "for another serviceUrl": fakes.botframework.channel_token("https://attacker.example/"),
    }
    mark = fakes.botframework.mark()
    for name, token in forged.items():
        assert post_teams(channel_server, activity, token).status_code == 401, name
    assert teams_replies(fakes, mark, conversation) == []
    assert not [r for r in fakes.botframework.since(mark) if r.path.endswith("/token")]


# --- WhatsApp through Twilio --------------------------------------------------------------------

TWILIO_WEBHOOK_PUBLIC = f"{PUBLIC_URL}/webhooks/twilio/webhook"


def whatsapp_form(phone: str, body: str, **extra) -> dict:
    return {
        "SmsMessageSid": f"SM{next(_ids)}",
        "NumMedia": "0",
        "ProfileName": "Sanne",
        "MessageType": "text",
        "SmsSid": f"SM{next(_ids)}",
        "WaId": phone.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": f"whatsapp:{TWILIO_NUMBER}",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": f"SM{next(_ids)}",
        "AccountSid": TWILIO_SID,
        "From": f"whatsapp:{phone}",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def post_whatsapp(server, form: dict, token: str = TWILIO_TOKEN) -> requests.Response:
    # Twilio signs the URL it was configured with, not the one the server sees.
    signature = RequestValidator(token).compute_signature(TWILIO_WEBHOOK_PUBLIC, form)
    return requests.post(webhook(server, "twilio"), data=form, headers={"X-Twilio-Signature": signature}, timeout=120)


def whatsapp_sent(fakes: Fakes, mark: int, phone: str) -> list[dict]:
    return [r.data for r in fakes.twilio.since(mark) if (r.data or {}).get("To") == f"whatsapp:{phone}"]


def new_phone() -> str:
    return f"+316{next(_ids) % 100_000_000:08d}"


def test_whatsapp_options_are_numbered_and_a_number_picks_one(channel_server, fakes):
    phone = new_phone()
    mark = fakes.twilio.mark()
    response = post_whatsapp(channel_server, whatsapp_form(phone, "hoi"))
    assert response.status_code == 200 and "<Response>" in response.text
    sent = whatsapp_sent(fakes, mark, phone)
    assert len(sent) == 1 and sent[0]["From"] == f"whatsapp:{TWILIO_NUMBER}"
    body = sent[0]["Body"]
    assert "Taai" in body
    assert "1. Vraagstuk typeren\n2. Ruimte om te experimenteren\n3. Uitleg over de typologie" in body
    assert "Stuur het nummer" in body and "/start_diagnosis" not in body

    mark = fakes.twilio.mark()
    assert post_whatsapp(channel_server, whatsapp_form(phone, "1")).status_code == 200
    assert whatsapp_sent(fakes, mark, phone)
    assert tracker_of(channel_server, f"whatsapp:{phone}")["latest_message"]["intent"]["name"] == "start_diagnosis"


def test_whatsapp_conversation_reaches_the_plan_in_messages_within_twilios_limit(channel_server, fakes):
    phone = new_phone()

    def say(text: str) -> list[str]:
        before = fakes.twilio.mark()
        assert post_whatsapp(channel_server, whatsapp_form(phone, text)).status_code == 200
        return [m["Body"] for m in whatsapp_sent(fakes, before, phone)]

    plan = walk_to_plan(say, lambda: tracker_of(channel_server, f"whatsapp:{phone}"))
    assert_is_the_plan(plan)
    assert len(plan) > 2 and all(len(body) <= 1600 for body in plan)
    assert all(r.status == 201 for r in fakes.twilio.recorded())
    assert "*Experimentplan*" in "\n".join(plan) and "**" not in "\n".join(plan)


def test_whatsapp_media_without_text_gets_an_explanation(channel_server, fakes):
    phone = new_phone()
    mark = fakes.twilio.mark()
    form = whatsapp_form(
        phone,
        "",
        NumMedia="1",
        MessageType="image",
        MediaContentType0="image/jpeg",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/x/Messages/y/Media/z",
    )
    assert post_whatsapp(channel_server, form).status_code == 200
    sent = whatsapp_sent(fakes, mark, phone)
    assert len(sent) == 1 and "alleen tekst" in sent[0]["Body"]


def test_whatsapp_refuses_requests_without_a_valid_twilio_signature(channel_server, fakes):
    phone = new_phone()
    mark = fakes.twilio.mark()
    form = whatsapp_form(phone, "hoi")
    assert requests.post(webhook(channel_server, "twilio"), data=form, timeout=60).status_code == 403
    assert post_whatsapp(channel_server, form, token="not-the-auth-token").status_code == 403
    tampered = dict(form)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_WEBHOOK_PUBLIC, form)
    tampered["From"] = "whatsapp:+31600000000"
    response = requests.post(
        webhook(channel_server, "twilio"), data=tampered, headers={"X-Twilio-Signature": signature}, timeout=60
    )
    assert response.status_code == 403
    time.sleep(1)
    assert fakes.twilio.since(mark) == []


# --- the always-on channels ----------------------------------------------------------------------


def test_rest_still_works_next_to_the_messaging_channels(channel_server):
    replies = channel_server.say(f"rest-{uuid.uuid4().hex[:8]}", "hoi")
    assert replies and "Taai" in replies[0]["text"]
