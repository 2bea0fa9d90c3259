"""The platform contract, checked alike for every registered platform (and for Parley, the
third platform written only in these tests): what each declares in `social.platforms` is
consistent with the desk's tables and settings, its subpackage implements
`PlatformProtocol`, and the shared parts of the desk serve it without naming it."""

import ast
import inspect
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.forms import PasswordInput
from django.urls import NoReverseMatch, reverse

from social import platforms
from social.accounts import TOKEN_FIELDS
from social.acknowledgements import DEFAULT_ACKNOWLEDGEMENT, acknowledgement_text_check
from social.admin import account_form
from social.events import Kind
from social.models import InboundEvent, SocialAccount, SocialMessage
from social.templatetags.social_tags import channel_badge, original_link_label
from tickets.models import Channel, Incident

from ..factories import SocialAccountFactory
from .conftest import CHANNELS

REPO = Path(__file__).resolve().parents[3]


def test_the_conformance_suite_covers_every_registered_platform():
    assert {platform.channel for platform in platforms.registered()} <= set(CHANNELS)
    assert {"twitter", "facebook"} <= set(CHANNELS)


# --- its declaration -----------------------------------------------------------------------


def test_its_channel_is_an_id_every_table_can_hold(platform):
    assert platform.channel.isascii() and platform.channel.isidentifier() and platform.channel.islower()
    for model in (SocialMessage, SocialAccount, InboundEvent, Incident):
        assert len(platform.channel) <= model._meta.get_field("channel").max_length
    assert platform.label and platform.name and platform.badge_class


def test_it_is_a_channel_of_tickets_under_its_label(platform):
    assert (platform.channel, platform.label) in Channel.choices
    assert getattr(Channel, platform.channel.upper()) == platform.channel
    field = Incident._meta.get_field("channel")
    field.validate(platform.channel, Incident())  # a valid choice of Incident.channel
    assert Incident(channel=platform.channel).get_channel_display() == platform.label
    assert SocialMessage(channel=platform.channel).get_channel_display() == platform.label
    assert (platform.channel, platform.label) in platforms.channel_choices()


def test_its_credentials_are_encrypted_fields_with_a_setting_each(platform):
    assert platform.credentials, "a platform the desk answers on needs a credential"
    if not any(credential.sends for credential in platform.credentials):
        # It answers through the desk's own server (e-mail: Django's mail backend): any of
        # its accounts can send, with nothing to configure per account.
        assert SocialAccount(channel=platform.channel).can_send
    for credential in platform.credentials:
        assert credential.field in TOKEN_FIELDS, f"{credential.field} is not an encrypted field of SocialAccount"
        assert credential.label
        assert hasattr(settings, credential.setting), f"no setting {credential.setting}"


def test_its_default_account_is_read_from_settings_that_exist(platform):
    declared = platform.default_account
    for setting in (declared.external_id, declared.handle, declared.poll, *(s for _, s in declared.options)):
        assert hasattr(settings, setting), f"no setting {setting}"
    fields = {field.name for field in SocialAccount._meta.get_fields()}
    assert {name for name, _ in declared.options} <= fields


def test_an_account_sends_only_with_every_sending_credential(platform):
    account = SocialAccount(channel=platform.channel, **{c.field: "value" for c in platform.credentials})
    assert account.can_send
    for credential in platform.credentials:
        if credential.sends:
            setattr(account, credential.field, "")
            assert not account.can_send
            assert credential.setting in account.missing_credentials
            assert account.missing_credentials.startswith(f"No {platform.name} ")
            setattr(account, credential.field, "value")


def test_its_length_counts_plain_words_as_characters(platform):
    length = platform.length
    assert length.limit > 0
    assert length.of("") == 0
    assert length.of("word " * 20) == 100
    assert length.of("x" * length.limit) == length.limit


def test_the_default_acknowledgement_fits_in_one_message(platform):
    acknowledgement_text_check(channel=platform.channel, text=DEFAULT_ACKNOWLEDGEMENT)


def test_its_lease_outlasts_a_slow_attempt(platform):
    assert platform.send_lease.total_seconds() >= 30


# --- its implementation ---------------------------------------------------------------------


def test_its_subpackage_implements_the_protocol(platform):
    client = platform.client
    assert isinstance(client, platforms.PlatformProtocol)
    for name, declared in inspect.getmembers(platforms.PlatformProtocol, inspect.isfunction):
        if name.startswith("_"):
            continue
        expected = inspect.signature(declared)
        actual = inspect.signature(getattr(client, name))
        keywords = [p.name for p in expected.parameters.values() if p.kind == p.KEYWORD_ONLY]
        positional = [p.name for p in expected.parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD][1:]
        # Callable as the desk calls it: the same positional arguments, the same keywords.
        actual.bind(*[None] * len(positional), **dict.fromkeys(keywords))


def test_a_listening_platform_implements_listen(platform):
    """`Capabilities.listening` is a promise: the subpackage provides `listen` as the desk calls
    it; a platform that cannot search by keyword says so (Facebook: the Graph API has none)."""
    from social.listening import ListeningProtocol

    if not platform.capabilities.listening:
        assert not platform.capabilities.keyword_search
        return
    client = platform.client
    assert isinstance(client, ListeningProtocol)
    expected = inspect.signature(ListeningProtocol.listen)
    keywords = [p.name for p in expected.parameters.values() if p.kind == p.KEYWORD_ONLY]
    inspect.signature(client.listen).bind(**dict.fromkeys(keywords))
    assert platform.listens_to, "the managers' page says what it hears there"
    if platform.listen_budget is not None:
        assert platform.listen_budget.requests > 0 and platform.listen_budget.window.total_seconds() > 0


def test_a_platform_whose_messages_carry_files_reads_them(platform):
    if platform.capabilities.files:
        parameters = inspect.signature(platform.client.message_files).parameters
        assert list(parameters) == ["message"] and parameters["message"].kind == inspect.Parameter.KEYWORD_ONLY
    else:
        assert not hasattr(platform.client, "message_files")


def test_an_empty_answer_is_refused_with_a_sentence(platform):
    account = SocialAccount(channel=platform.channel, external_id="1")
    message = SocialMessage(channel=platform.channel, kind=Kind.REPLY, text="  ", in_reply_to="2")
    reason = platform.client.rule_violation(account=account, message=message, replying_to=None, last_inbound_at=None)
    assert reason and reason[0].isupper() and reason.endswith(".")


@pytest.mark.django_db
def test_its_webhook_refuses_an_unauthenticated_delivery_and_stores_nothing(platform, client):
    SocialAccountFactory(channel=platform.channel, credentials=True)
    try:
        url = reverse("social:webhook", args=[platform.channel])
    except NoReverseMatch:  # pragma: no cover - every channel is a slug
        pytest.fail(f"no webhook URL for {platform.channel}")
    response = client.post(url, b'{"a": 1}', content_type="application/json")
    if platform.capabilities.webhook:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    assert InboundEvent.objects.count() == 0


# --- the desk's shared parts serve it -------------------------------------------------------------


def test_its_badge_and_its_links_name_it(platform):
    badge = channel_badge(platform.channel)
    assert platform.badge_class in badge and f">{platform.name}<" in badge
    assert original_link_label(platform.channel) == f"View on {platform.name}"


def test_the_admin_asks_for_each_of_its_credentials(platform):
    form = account_form()(instance=SocialAccount(channel=platform.channel))
    for credential in platform.credentials:
        assert isinstance(form.fields[credential.field].widget, PasswordInput)
        assert dict(form.fields["forget"].choices)[credential.field]


def shared_modules() -> list[Path]:
    """social's modules that serve every platform (all but the registry and the platforms'
    subpackages), and the tickets modules that hold channels."""
    subpackages = {platform.implementation.rsplit(".", 1)[0] for platform in platforms.registered()}
    found = []
    for path in sorted((REPO / "social").rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        if "migrations" in path.parts or module == "social.platforms":
            continue
        if any(module == package or module.startswith(f"{package}.") for package in subpackages):
            continue
        found.append(path)
    # Listening serves every platform that can listen, through the registry alone (its demo
    # data excepted: it makes the demo accounts with the simulator).
    listening = [
        path
        for path in sorted((REPO / "listening").rglob("*.py"))
        if "migrations" not in path.parts and path.name != "demo.py"
    ]
    return [*found, *listening, REPO / "tickets" / "models.py", REPO / "tickets" / "channels.py"]


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _imported(node: ast.ImportFrom, path: Path) -> list[str]:
    """The absolute names an ImportFrom brings in (`from . import twitter` in social/x.py is
    social.twitter; `from .twitter.signature import sign` is social.twitter.signature.sign)."""
    base = node.module or ""
    if node.level:
        package = list(path.with_suffix("").parts[:-1])
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([base] if base else [])])
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


# The simulator writes each platform's payloads itself; it is to take them from the platforms'
# subpackages (issue 15), and until then it is the one shared module that names them.
NAMES_PLATFORMS_FOR_NOW = {"social/simulator.py", "social/management/commands/simulate_social.py"}


def _tickets_field_names() -> set[str]:
    return {field.name for model in apps.get_app_config("tickets").get_models() for field in model._meta.get_fields()}


def test_no_shared_module_names_it(platform):
    package = platform.implementation.rsplit(".", 1)[0]
    offenders = []
    for path in shared_modules():
        relative = str(path.relative_to(REPO))
        if relative in NAMES_PLATFORMS_FOR_NOW:
            continue
        tree = ast.parse(path.read_text())
        # tickets' models name their own fields ("email", a contact's address): not the platform.
        fields = _tickets_field_names() if relative == "tickets/models.py" else set()
        for node in ast.walk(tree):
            named = (
                (isinstance(node, ast.Constant) and node.value == platform.channel and node.value not in fields)
                or (isinstance(node, ast.Attribute) and node.attr == platform.channel.upper())
                or (isinstance(node, ast.Import) and any(_within(a.name, package) for a in node.names))
                or (
                    isinstance(node, ast.ImportFrom)
                    and any(_within(name, package) for name in _imported(node, path.relative_to(REPO)))
                )
            )
            if named:
                offenders.append(f"{relative}:{node.lineno}")
    assert not offenders, f"shared modules naming {platform.channel}: {offenders}"
