"""Database helpers the apps share."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

# Field classes whose Python values psycopg2 takes as they are (not their subclasses: an
# encrypted text field is a TextField that must go through its own preparation).
_PLAIN = {
    models.CharField,
    models.TextField,
    models.EmailField,
    models.URLField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.DateTimeField,
    models.FloatField,
    models.ForeignKey,
    models.OneToOneField,
}


def bulk_insert(objects: list[models.Model]) -> list[models.Model]:
    """`bulk_create` for the intake's hot paths: many rows of one model in one INSERT, their
    primary keys set.

    Django prepares every value of every row through its field (a few microseconds each,
    most of a bulk insert's time for thousands of rows); plain columns — text, numbers,
    booleans, datetimes, foreign keys — go to psycopg2 as they are here, and only the others
    (JSON, encrypted text...) through their field. On other databases, `bulk_create`.
    """
    if not objects:
        return objects
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects)
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False) and f.model is model
    ]
    plain = [type(f) in _PLAIN for f in fields]
    stamped = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields]
    params = []
    for obj in objects:
        for field, is_plain, is_stamped in zip(fields, plain, stamped, strict=True):
            value = field.pre_save(obj, True) if is_stamped else getattr(obj, field.attname)
            if is_plain:
                params.append(value)
            elif isinstance(field, models.JSONField):
                params.append(json.dumps(value, cls=DjangoJSONEncoder))
            else:
                params.append(field.get_db_prep_save(value, connection))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(objects))} RETURNING {pk}",  # noqa: S608
            params,
        )
        ids = cursor.fetchall()
    for obj, (pk_value,) in zip(objects, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
