"""Saved replies (macros): a reply agents write again and again, kept once."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .models import SupportGroup


class MacroStatus(models.TextChoices):
    """What a saved reply may do to the incident's status when it is sent."""

    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold (the reply's name is the reason)"
    RESOLVED = "resolved", "Resolved (the reply is the resolution)"


class Macro(models.Model):
    """A saved reply: text with placeholders (`tickets.services.macros.PLACEHOLDERS`), personal
    (its owner's) or shared (`owner` None, kept by managers), that may also move the incident
    or assign it when the reply is sent."""

    name = models.CharField(max_length=100)
    body = models.TextField(max_length=10000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="macros"
    )
    set_status = models.CharField(max_length=16, choices=MacroStatus.choices, blank=True)
    assign_to_sender = models.BooleanField(default=False)
    assignment_group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_shared_macros", "Can add, change and delete the shared saved replies")]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="macro_personal_name_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(owner__isnull=True), name="macro_shared_name_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def shared(self) -> bool:
        return self.owner_id is None

    @property
    def has_actions(self) -> bool:
        return bool(self.set_status or self.assign_to_sender or self.assignment_group_id)
