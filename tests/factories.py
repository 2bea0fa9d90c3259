"""factory_boy factories. Incidents and problems are made through the services, so test
data carries numbers, SLA due times and audit events exactly as real data does."""

import factory
from django.contrib.auth.models import Group, User

from tickets import services
from tickets.models import Category, Channel, Contact, Incident, Problem, Service, SupportGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class AgentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"agent{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="agent"))


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="manager"))


class CustomerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"customer{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="customer"))
            services.contact_for_user(user=self)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name")
    email = factory.Faker("email")


class SupportGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A service of the catalogue."


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class IncidentFactory(factory.Factory):
    class Meta:
        model = Incident

    reporter = factory.SubFactory(ContactFactory)
    title = factory.Sequence(lambda n: f"Something is broken #{n}")
    description = "It stopped working this morning."
    channel = Channel.WEB
    impact = 3
    urgency = 3
    service = None
    assignee = None
    assignment_group = None
    major = False
    opened_at = None

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.incident_create(actor=actor, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Incidents are only made through services.incident_create")


class ProblemFactory(factory.Factory):
    class Meta:
        model = Problem

    title = factory.Sequence(lambda n: f"Recurring failure #{n}")
    description = "Several incidents share a cause."
    service = None

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.problem_create(actor=actor, **kwargs)
