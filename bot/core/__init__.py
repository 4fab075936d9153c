"""The reasoning core: knowledge loading and typed models, text matching, classification,
inference, recommendation, legal routes, the plan and its rendering. Plain Python:
no Rasa, no Sanic, no conversation state."""
