"""The conversation: what Taai says at each step and which slots change. Built on
bot.core and bot.understanding; no Rasa (actions/ adapts it to rasa_sdk).

- state.py             the slots the conversation reads, as one typed ConversationState
- reply.py             Reply: messages, buttons and slot updates of one turn
- diagnosis.py         from a description to the type: ask, read answers, conclude, correct, why
- advice.py            whom to involve, at which level, and which legal routes fit
- context.py           the situation: policy domain, initiator, the rule in the way
- plan.py              what a plan still needs, and handing it over
- concepts.py          "wat is ...?": short answers from the knowledge base
- classroom.py         demo and quiz for trainers
- forget.py            the explicit command to forget a conversation
- service_messages.py  notices outside the conversation (personal data removed, outages)

Taai's own sentences are in knowledge/messages.yml, never in this code.
"""
