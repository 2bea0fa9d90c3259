"""Reads of service suggestion: the Triage page's figures."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q

from tickets.models import IncidentStatus, Service

from .models import ServiceKeywords, ServiceModel, ServiceSuggestion


@dataclass(frozen=True)
class Outcomes:
    """Suggestions on incidents since resolved or closed: kept (the incident ended with the
    service suggested) or corrected (an agent chose another)."""

    judged: int
    kept: int
    prefilled: int
    prefilled_kept: int

    @property
    def corrected(self) -> int:
        return self.judged - self.kept

    @property
    def kept_rate(self) -> float | None:
        return self.kept / self.judged if self.judged else None

    @property
    def prefilled_kept_rate(self) -> float | None:
        return self.prefilled_kept / self.prefilled if self.prefilled else None


def suggestion_outcomes(*, since: datetime | None = None) -> Outcomes:
    """One query."""
    rows = ServiceSuggestion.objects.filter(
        incident__status__in=[IncidentStatus.RESOLVED, IncidentStatus.CLOSED], incident__service__isnull=False
    )
    if since is not None:
        rows = rows.filter(suggested_at__gte=since)
    kept = Q(incident__service_id=F("service_id"))
    figures = rows.aggregate(
        n_judged=Count("id"),
        n_kept=Count("id", filter=kept),
        n_prefilled=Count("id", filter=Q(prefilled=True)),
        n_prefilled_kept=Count("id", filter=kept & Q(prefilled=True)),
    )
    return Outcomes(**{name.removeprefix("n_"): value for name, value in figures.items()})


@dataclass(frozen=True)
class ServiceRow:
    service: Service
    keywords: str


def services_with_keywords() -> list[ServiceRow]:
    """Every active service with its keywords (one query)."""
    return [
        ServiceRow(service=s, keywords=getattr(getattr(s, "triage_keywords", None), "keywords", ""))
        for s in Service.objects.filter(active=True).select_related("triage_keywords").order_by("name")
    ]


def model_versions(*, limit: int = 5) -> list[ServiceModel]:
    return list(ServiceModel.objects.defer("blob").order_by("-version")[:limit])


__all__ = ["ServiceKeywords", "model_versions", "services_with_keywords", "suggestion_outcomes"]
