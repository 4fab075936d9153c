"""Taai's messaging channels, as named in the generated credentials file.

bot/runtime/channel_config.py writes `bot.rasa_ext.channels.messaging.<Class>` keys into
<TAAI_VAR_DIR>/credentials.yml for every channel whose environment variables are set;
Rasa imports the class from there. Each class is a thin subclass of Rasa's own
channel, in a module of its own that says what it changes and why. The webhook
paths stay Rasa's: /webhooks/<telegram|slack|mattermost|botframework|twilio>/webhook.
See docs/channels.md for setting each one up.
"""

from bot.rasa_ext.channels.botframework import TaaiBotFramework, TaaiBotFrameworkInput
from bot.rasa_ext.channels.mattermost import TaaiMattermostBot, TaaiMattermostInput
from bot.rasa_ext.channels.slack import TaaiSlackBot, TaaiSlackInput
from bot.rasa_ext.channels.telegram import TaaiTelegramInput, TaaiTelegramOutput
from bot.rasa_ext.channels.twilio import TaaiTwilioInput, TaaiTwilioOutput

__all__ = [
    "TaaiBotFramework",
    "TaaiBotFrameworkInput",
    "TaaiMattermostBot",
    "TaaiMattermostInput",
    "TaaiSlackBot",
    "TaaiSlackInput",
    "TaaiTelegramInput",
    "TaaiTelegramOutput",
    "TaaiTwilioInput",
    "TaaiTwilioOutput",
]
