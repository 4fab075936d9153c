"""Taai's reasoning core: plain Python, no Rasa import (except in bot/rasa_ext/)."""
