"""The conversation: what Taai says at each step (diagnosis, advice, concepts, plan),
the classroom modes (demo and quiz) and forgetting. Built on bot.core and
bot.understanding; no Rasa."""
