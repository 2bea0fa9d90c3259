"""Whether a message that starts a conversation opens an incident.

Social intake asks here, in the worker that processes stored events (never in the webhook
request), once per message that would open an incident. Which intents open one is judged by
an app above (intelligence registers its classifier in `IntelligenceConfig.ready()`); with none
registered every such message opens an incident, as it always did. A reply in a conversation
that has an incident joins it whatever it says: intake does not ask for those.
"""

from collections.abc import Callable
from dataclasses import dataclass

# What a judge may answer, with the label the pages show (the Social page filters by it).
INTENT_CHOICES = [
    ("complaint", "Complaint"),
    ("question", "Question"),
    ("praise", "Praise"),
    ("thanks", "Thanks"),
    ("chatter", "Chatter"),
]


@dataclass(frozen=True)
class Verdict:
    intent: str  # "complaint", "question", "praise", "thanks", "chatter"; "" when nobody judged
    opens_incident: bool
    reason: str = ""


OPENS = Verdict(intent="", opens_incident=True)

Judge = Callable[[str], Verdict]
_judge: Judge | None = None


def register_judge(judge: Judge | None) -> None:
    """Set (or, with None, remove) the function that judges a message's intent."""
    global _judge
    _judge = judge


def judge(text: str) -> Verdict:
    if _judge is None or not text.strip():
        return OPENS
    return _judge(text)
