"""The intent classifier as social intake's judge (`social.judgement`), registered in
`IntelligenceConfig.ready()` unless TRIAGE_INTENT is off."""

from social.judgement import Verdict

from . import judge


def verdict(text: str) -> Verdict:
    judged = judge(text)
    return Verdict(intent=judged.intent.value, opens_incident=judged.opens_incident, reason=judged.reason)
