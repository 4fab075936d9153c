"""Thin rasa_sdk adapters: read slots, call `bot/`, send what it renders."""

from bot import understanding

# The action server imports this package once at start: the text reader is ready
# before the first answer it reads (bot/understanding/).
understanding.warm_up()
