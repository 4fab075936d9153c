"""Hooks into Rasa's agent and server: redaction before storage, forgetting,
idempotent messages, loud outages, the API guard and action validation."""
