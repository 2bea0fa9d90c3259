"""Input serializers refuse what they do not know, so a typo is an error, not a no-op."""

from collections.abc import Mapping

from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that answers 400 for fields it does not declare (REST framework
    silently drops them: `{"stauts": "resolved"}` would succeed and change nothing), for
    a number or a boolean where the schema says text (REST framework would store `0` as "0"),
    and for text longer than its limit as sent."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            not_text = sorted(
                name
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], str)
            )
            if not_text:
                raise serializers.ValidationError({name: ["Not a valid string."] for name in not_text})
            # The schema's maxLength is of the text as sent; REST framework would measure it
            # after trimming, and take 201 characters that begin with a space for 200.
            too_long = {
                name: field.max_length
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and field.max_length is not None
                and isinstance(data.get(name), str)
                and len(data[name]) > field.max_length
            }
            if too_long:
                raise serializers.ValidationError(
                    {
                        name: [f"Ensure this field has no more than {limit} characters."]
                        for name, limit in too_long.items()
                    }
                )
        return super().to_internal_value(data)
