"""Input serializers refuse what they do not know, so a typo is an error, not a no-op."""

from collections.abc import Mapping

from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that answers 400 for fields it does not declare (REST framework
    silently drops them: `{"stauts": "resolved"}` would succeed and change nothing)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)
