"""Keep very long messages away from NLU.

A pasted report of 100 KB is not a problem description, and featurizing it whole
costs seconds per turn. `LongMessageGuard` (first in the pipeline) cuts such a
message down to a fixed marker before tokenization; `LongMessageIntent` (last in the
pipeline) then labels it `too_long`, whatever the classifiers made of the marker, so
a rule can ask for a shorter description. The limit is set in config.yml (max_chars)
and documented in the README.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TOO_LONG_INTENT = "too_long"
MARKER = "taai bericht te lang"  # also the one NLU example of the too_long intent
FLAG = "taai_too_long"
DEFAULT_MAX_CHARS = 2000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class LongMessageGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": DEFAULT_MAX_CHARS}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.max_chars = int(config["max_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LongMessageGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_chars:
                message.set(FLAG, True)
                message.set(TEXT, MARKER, add_to_output=False)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LongMessageIntent(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LongMessageIntent":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if message.get(FLAG):
                intent = {INTENT_NAME_KEY: TOO_LONG_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set("intent_ranking", [intent], add_to_output=True)
                message.set("entities", [], add_to_output=True)
        return messages
