"""Rasa NLU pipeline components, and the text reader applied to the parse result
(understanding.py; wired into Rasa by hooks/parse.py)."""
