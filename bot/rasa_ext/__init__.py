"""Rasa-side extensions: the only part of `bot/` that may import Rasa."""
