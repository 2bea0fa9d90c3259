"""What a message is: a complaint, a question, praise, thanks or chatter — and so whether it
opens an incident. One plain function, `classify(text) -> Intent`, used by social intake (through
`social.judgement`, in the worker that processes stored events), by listening and by
`POST /api/v1/triage/suggest/`.

Clear rules, read in order, each one a reason the result names:

1. a question (a "?", or a sentence that starts as one) → question;
2. a sign that something is wrong or wanted (a problem word, "not"/"can't" with a verb, a
   request: "please", "help", "need"), or VADER reading it as clearly negative
   → complaint;
3. thanks (thank, thx, cheers, appreciate…) → thanks;
4. praise words, or a problem named as fixed or as what the desk is praised for ("fixing the
   email outage", "great job on the email outage") → praise;
5. a greeting or laughter with hardly another word, or no words at all → chatter;
6. VADER reading it as clearly positive → praise;
7. anything else → complaint: a plain statement to a service desk ("the printer on floor 3")
   is a report, and a missed complaint costs more than an extra incident.

Only praise, thanks and chatter open no incident. Measured on real tweets labelled by hand
(`bench/bench_intent.py`, `bench/data/intent_labels.tsv`; figures in docs/performance.md).
"""

import html
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


class Intent(StrEnum):
    COMPLAINT = "complaint"
    QUESTION = "question"
    PRAISE = "praise"
    THANKS = "thanks"
    CHATTER = "chatter"

    @property
    def opens_incident(self) -> bool:
        return self in OPENING

    @property
    def label(self) -> str:
        return self.value.capitalize()


OPENING = frozenset({Intent.COMPLAINT, Intent.QUESTION})
FEEDBACK = frozenset({Intent.PRAISE, Intent.THANKS, Intent.CHATTER})
CHOICES = [(intent.value, intent.label) for intent in Intent]


@dataclass(frozen=True)
class Judgement:
    """An intent with the rule that decided it (shown to agents: why no incident was opened)."""

    intent: Intent
    reason: str

    @property
    def opens_incident(self) -> bool:
        return self.intent.opens_incident


# VADER's compound score beyond which a message with no other sign reads as praise, or as a
# complaint. Tuned on the dev half of the labelled set. VADER, not the desk's sentiment model
# (feedback.sentiment): this runs in intake once per message, and VADER reads one in about a
# tenth of a millisecond where the model, one message at a time, takes 15 ms; the polite
# complaints VADER misreads as happy are caught by the problem words before it is asked.
PRAISE_SCORE = 0.6
# A greeting or laughter with at most this many other words is small talk ("good morning
# everyone"); with more, it is the start of something ("Hello, my printer is on fire").
SMALL_TALK_WORDS = 2
COMPLAINT_SCORE = -0.4


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[\w.@:-]*\w")
_HASHTAG = re.compile(r"#(\w+)")
_WORD = re.compile(r"[a-z0-9']+")

_QUESTION_START = re.compile(
    r"^(?:how|what|why|when|where|who|which|whats|what's|hows|how's|can|could|would|will|is|are|am|was|were|"
    r"does|do|did|should|shall|may|might|any\s?(?:one|body)|has|have|isn't|aren't|doesn't|don't|can't|won't)\b"
)
_PROBLEM = re.compile(
    r"\b(?:down|outage|offline|broken|broke|break(?:s|ing)?|error|errors|fail(?:s|ed|ing|ure)?|crash(?:es|ed|ing)?|"
    r"slow|lag(?:gy|ging)?|stuck|freez(?:e|es|ing)|froze|frozen|hang(?:s|ing)?|bug(?:s|gy)?|glitch(?:es|y)?|"
    r"issue|issues|problem|problems|trouble|wrong|missing|lost|loses?|locked|reset|expired?|"
    r"disconnect(?:s|ed|ing)?|drop(?:s|ped|ping)?|timeout|timed out|unable|cannot|can't|cant|couldn't|"
    r"won't|wont|doesn't|doesnt|didn't|isn't|aren't|wasn't|not working|no longer|never|still|again|"
    r"why|worst|terrible|awful|horrible|useless|annoy(?:ed|ing)?|ridiculous|unacceptable|hate|sucks?|"
    r"disappoint(?:ed|ing)?|frustrat(?:ed|ing)|angry|complain(?:t)?|refund|waiting|wait(?:ed)?|"
    r"help|please|pls|plz|need|needs|urgent|asap|fix|fixed\?|support|access|password|login|log in)\b"
)
# A problem named as the thing that was fixed ("thanks for fixing the email outage"), or as
# the thing the desk is praised for ("great job on the email outage yesterday"), is not a
# problem any more: the phrase is read as praise, not as a complaint. What else the message
# says is still read ("great job on the outage, still down here" is a complaint).
_HANDLED_PROBLEM = (
    r"(?:\s+\w+){0,4}?\s+(?:outage|issue|issues|problem|problems|error|errors|bug|bugs|crash|glitch|trouble)\b"
)
_FIXED = re.compile(
    r"\b(?:fix(?:ed|ing)?|sort(?:ed|ing)(?: out)?|resolv(?:ed|ing)|restor(?:ed|ing)|solv(?:ed|ing)|"
    r"(?:dealt|dealing) with|handl(?:ed|ing))\b" + _HANDLED_PROBLEM + "|"
    r"\b(?:(?:great|good|nice|brilliant|excellent|amazing|awesome|fantastic|superb|quick|fast|speedy)\s+"
    r"(?:job|work|effort|response)|well done|hats off)\s+(?:on|with|during|for|over|to)\b" + _HANDLED_PROBLEM + "|"
    r"\b(?:work(?:s|ing)?|back)(?: up)? (?:again|online)\b|\bback up\b"
)
_NOT_PRAISE = re.compile(r"\bthanks? (?:a lot )?for nothing\b|\byeah,? right\b|\bnot\b")
_THANKS = re.compile(r"\b(?:thank(?:s| you|ful)?|thx|ty|tysm|cheers|grateful|appreciate(?:d)?|kudos)\b")
_PRAISE = re.compile(
    r"\b(?:great|awesome|amazing|brilliant|excellent|fantastic|superb|perfect|wonderful|love(?:ly)?|"
    r"well done|good job|nice work|great job|legends?|heroes|hero|best|impressive|outstanding|quick fix|"
    r"works? (?:great|perfectly|again)|spot on|nailed it)\b"
)
_CHATTER = re.compile(
    r"\b(?:hi|hello|hey|morning|good (?:morning|afternoon|evening|night)|happy (?:monday|tuesday|wednesday|"
    r"thursday|friday|weekend|holidays|new year|birthday)|lol|lmao|haha\w*|hehe\w*|congrat\w*|"
    r"see (?:you|ya)|have a (?:good|great|nice)|cool|nice|yay|omg|wow)\b"
)


def _plain(text: str) -> str:
    """Lower case, without links and @handles; hashtags read as their words."""
    text = html.unescape(text or "")
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASHTAG.sub(r"\1", text)
    return " ".join(text.lower().split())


def judge(text: str) -> Judgement:
    """The intent of one message, with the rule that decided it."""
    plain = _plain(text)
    words = _WORD.findall(plain)
    if "?" in plain or any(_QUESTION_START.match(s.strip()) for s in re.split(r"[.!\n;]+", plain) if s.strip()):
        return Judgement(Intent.QUESTION, "It asks something.")
    problem = _PROBLEM.search(_FIXED.sub(" ", plain)) or _NOT_PRAISE.search(plain)
    if problem:
        return Judgement(Intent.COMPLAINT, f"It says “{problem.group()}”.")
    score = _vader().polarity_scores(plain)["compound"] if words else 0.0
    if score <= COMPLAINT_SCORE:
        return Judgement(Intent.COMPLAINT, f"It reads as negative ({score:+.2f}).")
    if _THANKS.search(plain):
        return Judgement(Intent.THANKS, "It thanks, and reports nothing wrong.")
    if _PRAISE.search(plain) or _FIXED.search(plain):
        return Judgement(Intent.PRAISE, "It praises, and reports nothing wrong.")
    if not words or (_CHATTER.search(plain) and len(_WORD.findall(_CHATTER.sub(" ", plain))) <= SMALL_TALK_WORDS):
        return Judgement(Intent.CHATTER, "Small talk: it reports nothing wrong and asks nothing.")
    if score >= PRAISE_SCORE:
        return Judgement(Intent.PRAISE, f"It reads as positive ({score:+.2f}) and reports nothing wrong.")
    return Judgement(Intent.COMPLAINT, "A statement to the desk: treated as a report.")


def classify(text: str) -> Intent:
    """The intent of one message: `classify(t).opens_incident` says whether it opens an incident."""
    return judge(text).intent


__all__ = ["CHOICES", "FEEDBACK", "OPENING", "Intent", "Judgement", "classify", "judge"]
