"""deflection_record: a known error or an outage solved it; once per form key; who and what was
typed kept; refusals with the field named."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tickets import services
from tickets.models import Deflection, DeflectionKind

from ...factories import ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_known_error_deflection_takes_the_problems_service_and_the_persons_contact(customer):
    network = ServiceFactory(name="Network")
    problem = ProblemFactory(title="VPN drops", service=network)

    deflection, recorded = services.deflection_record(
        key=uuid.uuid4(), kind=DeflectionKind.KNOWN_ERROR, text="  VPN drops  ", user=customer, problem=problem
    )

    deflection.refresh_from_db()
    assert recorded and deflection.service == network and deflection.contact == customer.contact
    assert (deflection.text, deflection.channel, deflection.outage_state) == ("VPN drops", "portal", "")


def test_somebody_not_signed_in_may_be_deflected(db):
    deflection, _ = services.deflection_record(
        key=uuid.uuid4(), kind=DeflectionKind.OUTAGE, text="mail down?", user=None, service=ServiceFactory(),
        outage_state="major_outage",
    )  # fmt: skip
    assert deflection.user is None and deflection.contact is None


def test_the_same_key_is_one_deflection(customer):
    key, service = uuid.uuid4(), ServiceFactory()
    first, _ = services.deflection_record(
        key=key, kind=DeflectionKind.OUTAGE, text="down", user=customer, service=service, outage_state="degraded"
    )
    again, recorded = services.deflection_record(
        key=key, kind=DeflectionKind.OUTAGE, text="down!", user=customer, service=service, outage_state="degraded"
    )
    assert (again, recorded, Deflection.objects.count()) == (first, False, 1)


@pytest.mark.parametrize(
    ("kind", "named", "field"),
    [
        (DeflectionKind.KNOWN_ERROR, {}, "problem"),
        (DeflectionKind.OUTAGE, {}, "service"),
        (DeflectionKind.OUTAGE, {"outage_state": "degraded"}, "service"),
        ("nonsense", {"outage_state": "degraded", "with_service": True}, "kind"),
    ],
)
def test_what_solved_it_must_be_named(customer, kind, named, field):
    if named.pop("with_service", False):
        named["service"] = ServiceFactory()
    with pytest.raises(ValidationError) as refused:
        services.deflection_record(key=uuid.uuid4(), kind=kind, text="down", user=customer, **named)
    assert field in refused.value.message_dict
    assert not Deflection.objects.exists()


def test_agents_are_not_deflected(agent):
    with pytest.raises(PermissionDenied):
        services.deflection_record(
            key=uuid.uuid4(), kind=DeflectionKind.KNOWN_ERROR, text="x", user=agent, problem=ProblemFactory()
        )
