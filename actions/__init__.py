"""Thin rasa_sdk adapters: read slots, call `bot/`, send what it renders."""
