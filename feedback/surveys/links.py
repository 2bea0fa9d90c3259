"""The one-click rating links of a survey by e-mail: five signed links, one per rating.

A link carries the survey and the rating, signed (django.core.signing, with its own salt) so
nobody rates another person's survey by changing a number, and it expires with the survey's
answer window: the signature's age is checked against that window, and the answer service
refuses anything after `expires_at` besides.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Survey

SALT = "feedback.surveys.rating"
_signer = signing.TimestampSigner(salt=SALT)


@dataclass(frozen=True)
class RatingLink:
    rating: int
    url: str


def rating_token(*, survey: Survey, rating: int) -> str:
    return _signer.sign_object({"survey": survey.pk, "rating": rating}, compress=False)


def rating_links(*, survey: Survey) -> list[RatingLink]:
    """The five absolute links the e-mail carries, 1 (bad) to 5 (great)."""
    base = settings.DESK_URL.rstrip("/")
    return [
        RatingLink(rating, base + reverse("surveys:rate", args=[rating_token(survey=survey, rating=rating)]))
        for rating in range(1, 6)
    ]


def rating_from_token(token: str, *, now: datetime | None = None) -> tuple[Survey, int]:
    """The survey and the rating a link names. Raises signing.BadSignature for a link that was
    altered, and signing.SignatureExpired (a BadSignature) once the answer window is over."""
    payload = _signer.unsign_object(token)
    try:
        survey = Survey.objects.select_related("incident").get(pk=int(payload["survey"]))
        rating = int(payload["rating"])
    except (KeyError, TypeError, ValueError, Survey.DoesNotExist) as error:
        raise signing.BadSignature("No such survey.") from error
    if survey.sent_at is None or survey.expires_at is None:
        raise signing.BadSignature("This survey was not sent.")
    # The window as the signature's age, and the survey's own end (settings may have shortened it).
    _signer.unsign_object(token, max_age=survey.expires_at - survey.sent_at)
    if (now or timezone.now()) > survey.expires_at:
        raise signing.SignatureExpired("Answers to this survey are closed.")
    return survey, rating
