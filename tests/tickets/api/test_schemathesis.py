"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation of /api/schema/ is called with generated requests, valid and invalid, as
an agent, a customer and a manager, through the real WSGI application and the test
database, with every check schemathesis has: no answer may be a 5xx, every answer must match
the schema (status code, content type, headers, body), a request the schema allows must be
accepted and one it forbids refused, methods and authentication must be honoured.
"""

import json
import os
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import RejectedPositiveData, positive_data_acceptance

from feedback.models import SentimentScore
from tickets import services

from ...factories import IncidentFactory, ProblemFactory, ServiceFactory
from ...social.factories import InboundMessageFactory, SocialMessageFactory

pytestmark = [pytest.mark.django_db]

# Six refusals of schema-valid requests are right and OpenAPI 3.0 cannot say so: a cursor
# is opaque (only the desk's own `next`/`previous` links decode); an id or number that names
# no row is a well-formed request for something that does not exist; a date outside the
# range the desk counts (the schema has no bounds for dates); an empty file (a binary part
# has no size bound in OpenAPI 3.0, and Django's parser takes an empty part for none); a
# `format: uri` that is a URI but no web address (`mailto:x`: Django's URLValidator wants a
# scheme, a host and its domain, which no portable pattern says exactly); an `If-Match`
# naming a version that is not the current one (412). An action the object's state refuses (reopening a
# closed problem) is a 409, which schemathesis itself accepts for valid data.
# Only these pass (a 400 must have every error one of them); any other refusal of valid data
# fails as schemathesis reports it.
UNSAYABLE_IN_A_SCHEMA = re.compile(
    r"^(Invalid cursor: .*"
    r"|Invalid pk .* object does not exist\."
    r"|Object with .* does not exist\."
    r"|No incident .*\."
    r"|Must be between .* and .*\."
    r"|No file was submitted\."
    r"|Enter a valid URL\."
    r"|The submitted file is empty\.)$",
    re.DOTALL,  # a message quotes what was sent, newlines and all
)


def _refuses_only_what_no_schema_can_say(response) -> bool:
    if response.status_code == 412:
        return "If-Match" in response.request.headers
    if response.status_code != 400:
        return False
    try:
        errors = json.loads(response.content)["errors"]
    except (ValueError, KeyError, TypeError):
        return False
    messages = [message for field in errors.values() for message in (field if isinstance(field, list) else [field])]
    return bool(messages) and all(isinstance(m, str) and UNSAYABLE_IN_A_SCHEMA.match(m) for m in messages)


def accepts_valid_data(ctx, response, case):
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _refuses_only_what_no_schema_can_say(response):
            return None
        raise


accepts_valid_data.__name__ = positive_data_acceptance.__name__
CHECKS = [accepts_valid_data if check is positive_data_acceptance else check for check in REGISTERED_CHECKS.get_all()]
assert len(CHECKS) >= 14, [check.__name__ for check in CHECKS]  # all of them, not a chosen few
# Locally, API_FUZZ_ONLY=<regex> limits the run to the operations whose label matches.
ONLY = re.compile(os.environ.get("API_FUZZ_ONLY", ""))


@pytest.fixture
def wsgi_app(settings):
    # Django's test client does this too: a request ending must not close the connection
    # that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.API_THROTTLE_RATES = {"user": None, "anon": None}
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def desk(agent, customer, contact):
    """A little of everything, so generated requests meet real objects."""
    service = ServiceFactory(name="VPN")
    reporter = services.contact_for_user(user=customer)
    mine = IncidentFactory(reporter=reporter, service=service)  # INC0000001
    theirs = IncidentFactory(reporter=contact)
    services.comment_create(incident=mine, body="We are on it.", visibility="public", author=agent)
    services.comment_create(incident=mine, body="Secret note", visibility="internal", author=agent)
    ProblemFactory(incidents=[theirs])  # PRB0000001
    # Social messages in and out, one scored: the social endpoints answer with real rows.
    scored = InboundMessageFactory(incident=theirs, text="<b>help</b> @desk")
    SentimentScore.objects.create(
        message=scored,
        score=-0.5,
        label="negative",
        model_version="test",
        compound=-0.5,
        positive=0.0,
        neutral=0.5,
        negative=0.5,
        scored_at=scored.created_at,
        channel=scored.channel,
        created_at=scored.created_at,
    )
    SocialMessageFactory(direction="outbound", state="failed", state_reason="Rate limited", incident=theirs)
    return mine


def exercise(
    schema, *, tokens: dict[str, str], mode: GenerationMode
) -> tuple[dict[str, dict[str, set[int]]], list[str]]:
    """Run every operation of `schema` with generated cases, each case sent once as each role of
    `tokens` (role: API token). Returns the status codes each role got from each operation, and
    what failed.

    Generating a case costs far more than sending it (the negative mode discards most of what it
    draws), so the roles share the cases instead of each drawing its own: with `derandomize` they
    drew these very cases anyway."""
    answered: dict[str, dict[str, set[int]]] = {role: {} for role in tokens}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        codes = {role: answered[role].setdefault(operation.label, set()) for role in tokens}
        if not ONLY.search(operation.label):
            continue

        strategy = operation.as_strategy(generation_mode=mode)
        if mode == GenerationMode.POSITIVE:
            # The schema's examples name the desk's real objects (INC0000001...).
            strategy = st.one_of(strategy, *schema.get_strategies_from_examples(operation))

        try:
            run(strategy, tokens=tokens, codes=codes)
        except Unsatisfiable:
            continue  # nothing of this operation can be made invalid (e.g. a string path only)
        except Exception as error:  # collected: every failing operation is reported at once
            notes = "\n".join(getattr(error, "__notes__", ()))
            failures.append(f"{operation.label} ({mode}): {error}\n{notes}")
    return answered, failures


def run(strategy, *, tokens: dict[str, str], codes: dict[str, set[int]]) -> None:
    @given(case=strategy)
    @EXAMPLES
    def call(case):
        for role, token in tokens.items():
            try:
                response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
            except Exception as error:
                error.add_note(f"Sent as the {role}.")
                raise
            codes[role].add(response.status_code)

    call()


# A modest number of examples per operation and mode keeps the whole run in about a minute;
# API_FUZZ_EXAMPLES=100 digs deeper, locally.
EXAMPLES = settings(
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "8")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def operation_count(schema) -> int:
    return sum(1 for _ in schema.get_all_operations())


@pytest.fixture
def api_schema(wsgi_app, desk):
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)


@pytest.fixture
def tokens(customer, agent, manager) -> dict[str, str]:
    """The three roles' API tokens, the least privileged first: a case reaches the customer
    before the agent's and the manager's calls have changed the desk."""
    return {
        role: Token.objects.get_or_create(user=user)[0].key
        for role, user in (("customer", customer), ("agent", agent), ("manager", manager))
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_schema_for_every_role(api_schema, tokens, mode):
    answered, failures = exercise(api_schema, tokens=tokens, mode=mode)
    assert not failures, "\n\n".join(failures)
    for role in tokens:  # every operation of the schema, for each role
        assert len(answered[role]) == operation_count(api_schema) >= 43, role
    if mode != GenerationMode.POSITIVE:
        return

    agent = answered["agent"]
    assert 200 in agent["GET /api/v1/social/messages/"]
    # Generated requests reached real objects, not only 404s and 400s.
    for label in ("GET /api/v1/incidents/", "GET /api/v1/incidents/{number}/", "GET /api/v1/problems/{number}/"):
        assert 200 in agent[label], (label, agent[label])
    assert 201 in agent["POST /api/v1/incidents/"]

    customer = answered["customer"]
    assert 200 in customer["GET /api/v1/incidents/{number}/"]  # INC0000001 is theirs
    assert customer["GET /api/v1/problems/"] == {403}
    assert customer["GET /api/v1/social/messages/"] == {403}

    # Managers reach what agents do and more (webhooks, broadcasts' approvals): the third role.
    assert 200 in answered["manager"]["GET /api/v1/webhooks/"]
