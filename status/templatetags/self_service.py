"""`{% self_service_key as key %}`: a fresh key for one raise form's self-service panel, so a
double click on "This solved it" (or a retry) records one deflection."""

import uuid

from django import template

register = template.Library()


@register.simple_tag
def self_service_key() -> str:
    return str(uuid.uuid4())
