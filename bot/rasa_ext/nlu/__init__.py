"""Rasa NLU pipeline components and the parse-step hook that applies Taai's text reader."""
