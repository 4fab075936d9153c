"""What Taai changes inside Rasa at runtime, one concern per module; every patch is
listed and installed by bot/rasa_ext/patches.py.

turn.py        the order of the steps in a user message (Agent.handle_message,
               MessageProcessor.save_tracker)
parse.py       the parse result: forget gate, then the text reader (MessageProcessor.parse_message)
redaction.py   personal data out before storage; the one-time notice
forgetting.py  "vergeet dit gesprek": command, gate, delete after the save
idempotency.py a message sent again with the same client message id is answered from storage
outages.py     storage errors made loud; action server down -> one message (RemoteAction.run)
app_setup.py   API guard and retention cleanup on Rasa's app (rasa.core.run.configure_app)
api_guard.py   redaction for the HTTP API's message endpoints (a Sanic middleware)
action_validation.py, event_types.py   two of Rasa's hot paths without waste (docs/bench.md)
"""
