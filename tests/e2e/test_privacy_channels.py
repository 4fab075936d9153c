"""Personal data sent through a messaging channel is not stored (issue 6).

One test per channel — Telegram, Slack, Mattermost, Teams (Bot Framework), WhatsApp
(Twilio) — with the server and the fakes of tests/e2e/test_channels.py (every channel
switched on, outgoing calls to local fakes). Each posts the webhook call the service
would send, carrying a problem description full of a client's personal data, and
checks that

- the stored conversation of that channel's sender holds placeholders only,
- the user got the privacy notice once, as the first message, in the channel's form,
- the bot still understood the message (it echoes the description and asks the first
  diagnosis question), and nothing it sent back contains the personal data.

Afterwards the channel server's SQLite file and logs are searched as well.
"""

from __future__ import annotations

import json

import requests

from bot.conversation.service_messages import PRIVACY_NOTICE_NL
from tests.channels.fakes import Recorded
from tests.e2e.test_channels import (  # noqa: F401 - fakes and channel_server are fixtures
    _ids,
    channel_server,
    fakes,
    mattermost_outgoing,
    mattermost_posts_to,
    new_phone,
    post_slack_json,
    post_teams,
    post_telegram,
    post_whatsapp,
    slack_dm_event,
    teams_activity,
    teams_replies,
    telegram_message,
    tracker_of,
    webhook,
    whatsapp_form,
    whatsapp_sent,
)
from tests.e2e.test_privacy import (
    DESCRIPTION,
    PLACEHOLDERS,
    POLICY_CONTEXT,
    assert_no_leaks,
    assert_no_leaks_in_files,
    unescaped,
)

# Slack writes e-mail addresses and phone numbers in a message as links.
SLACK_DESCRIPTION = DESCRIPTION.replace(
    "fatima.elamrani@voorbeeld.nl", "<mailto:fatima.elamrani@voorbeeld.nl|fatima.elamrani@voorbeeld.nl>"
).replace("06-12345678", "<tel:0612345678|06-12345678>")


def assert_private(server, sender: str, outgoing: list[str]) -> None:
    """The stored conversation of `sender` and what the bot sent it (`outgoing`, one
    string per message the fake service received)."""
    tracker = tracker_of(server, sender)
    assert_no_leaks(tracker, f"the stored conversation of {sender}")
    users = [e for e in tracker["events"] if e["event"] == "user"]
    assert len(users) == 1, [e.get("text") for e in users]
    stored = users[0]["text"]
    for placeholder in PLACEHOLDERS:
        assert placeholder in stored, (placeholder, stored)
    for context in POLICY_CONTEXT:
        assert context in stored, (context, stored)
    # Understood: the diagnosis started with this description, which the form asks about now.
    assert tracker["slots"]["problem_description"] == stored
    assert tracker["slots"]["requested_slot"] == "value_consensus"
    notices = [
        e
        for e in tracker["events"]
        if e["event"] == "bot" and (e.get("metadata") or {}).get("taai") == "privacy_notice"
    ]
    assert len(notices) == 1

    assert outgoing, "the bot sent nothing"
    assert_no_leaks(outgoing, f"what the bot sent to {sender}")
    with_notice = [i for i, text in enumerate(outgoing) if PRIVACY_NOTICE_NL in text]
    assert with_notice == [0], outgoing
    echo = unescaped("\n".join(outgoing))
    assert "Ik lees:" in echo and "[NAAM]" in echo, outgoing


def _dumped(records: list[Recorded]) -> list[str]:
    return [json.dumps(r.data, ensure_ascii=False) for r in records]


def test_telegram_message_with_personal_data_is_stored_redacted(channel_server, fakes):
    chat = 600000 + next(_ids) % 100000
    mark = fakes.telegram.mark()
    response = post_telegram(channel_server, fakes, telegram_message(chat, DESCRIPTION))
    assert response.status_code == 200, response.text
    sent = [
        r.data
        for r in fakes.telegram.wait_since(
            mark, lambda r: r.meta.get("method") == "sendMessage" and r.data.get("chat_id") == str(chat)
        )
    ]
    assert_private(channel_server, str(chat), [m["text"] for m in sent])


def test_slack_message_with_personal_data_is_stored_redacted(channel_server, fakes):
    user, channel = f"U{next(_ids)}", f"D{next(_ids)}"
    mark = fakes.slack.mark()
    assert post_slack_json(channel_server, slack_dm_event(user, channel, SLACK_DESCRIPTION)).status_code == 200
    posts = fakes.slack.wait_since(mark, lambda r: (r.data or {}).get("channel") == channel)
    assert_private(channel_server, user, _dumped(posts))


def test_mattermost_message_with_personal_data_is_stored_redacted(channel_server, fakes):
    user, channel = f"user{next(_ids)}", f"chan{next(_ids)}"
    mark = fakes.mattermost.mark()
    response = requests.post(
        webhook(channel_server, "mattermost"),
        json=mattermost_outgoing(user, channel, f"taai {DESCRIPTION}"),
        timeout=120,
    )
    assert response.status_code == 200, response.text
    fakes.mattermost.wait_since(mark, lambda r: r.path == "/api/v4/posts" and r.data.get("channel_id") == channel)
    posts = mattermost_posts_to(fakes, mark, channel)
    assert_private(channel_server, user, [json.dumps(p, ensure_ascii=False) for p in posts])


def test_teams_message_with_personal_data_is_stored_redacted(channel_server, fakes):
    user, conversation = f"29:user{next(_ids)}", f"a:conv{next(_ids)}"
    activity = teams_activity(fakes, user, conversation, DESCRIPTION)
    mark = fakes.botframework.mark()
    response = post_teams(channel_server, activity, fakes.botframework.channel_token(activity["serviceUrl"]))
    assert response.status_code == 200, response.text
    fakes.botframework.wait_since(mark, lambda r: r.path.endswith(f"/conversations/{conversation}/activities"))
    replies = teams_replies(fakes, mark, conversation)
    assert_private(channel_server, user, _dumped(replies))


def test_whatsapp_message_with_personal_data_is_stored_redacted(channel_server, fakes):
    phone = new_phone()
    mark = fakes.twilio.mark()
    response = post_whatsapp(channel_server, whatsapp_form(phone, DESCRIPTION))
    assert response.status_code == 200, response.text
    fakes.twilio.wait_since(mark, lambda r: (r.data or {}).get("To") == f"whatsapp:{phone}")
    sent = whatsapp_sent(fakes, mark, phone)
    assert_private(channel_server, f"whatsapp:{phone}", [m["Body"] for m in sent])


def test_nothing_personal_in_the_channel_servers_database_or_logs(channel_server):
    # After the channel tests above (file order); the whole state directory, logs included.
    files = sorted(p for p in channel_server.var_dir.rglob("*") if p.is_file())
    assert channel_server.var_dir / "tracker.db" in files
    assert any(p.parent.name == "logs" for p in files), files
    assert assert_no_leaks_in_files(files, "the channel server's state directory") == len(files)
