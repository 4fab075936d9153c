"""Taai in plain Python, by layer (docs/architecture.md):

- core/           knowledge, text matching, classification, inference, advice, routes, plan
- understanding/  the Dutch text reader (axis answers, first messages, questions)
- conversation/   what Taai says at each step; classroom (demo, quiz); forgetting
- export/         plan files and transcripts
- privacy/        redaction of personal data
- runtime/        settings, generated Rasa config, launcher, local processes
- rasa_ext/       the only part that imports Rasa: channels, stores, hooks, nlu, patches
"""
