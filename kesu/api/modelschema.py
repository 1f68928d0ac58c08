"""Input schemas built from model fields, each with the bounds of its database column.

ninja's ``create_schema`` types an integer column as any integer and a decimal column as any number, so a
huge value reached the database driver and came back as a 500 (issue 15 §8). Here every field gets its
column's bounds: ``max_length`` for text, the integer range of the column, ``max_digits`` and
``decimal_places`` for decimals, ids within 1…2^63-1. Relations travel as ``<name>_id``; an unknown key is
an error naming it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from pydantic import Field, create_model

from .types import BIGINT_MAX, INT_MAX, SMALLINT_MAX, Id, Instant

# Most specific first: PositiveSmallIntegerField is also a SmallIntegerField and an IntegerField.
_INTEGER_RANGES: list[tuple[type[models.Field], int, int]] = [
    (models.PositiveSmallIntegerField, 0, SMALLINT_MAX),
    (models.PositiveBigIntegerField, 0, BIGINT_MAX),
    (models.PositiveIntegerField, 0, INT_MAX),
    (models.SmallIntegerField, -SMALLINT_MAX - 1, SMALLINT_MAX),
    (models.BigIntegerField, -BIGINT_MAX - 1, BIGINT_MAX),
    (models.IntegerField, -INT_MAX - 1, INT_MAX),
]


def field_type(field: models.Field) -> Any:
    """The bounded pydantic type of a model field's value (a relation's value is the related id)."""
    if field.many_to_many:
        return list[Id]
    if field.is_relation:
        return Id
    if isinstance(field, models.BooleanField):
        return bool
    for kind, low, high in _INTEGER_RANGES:
        if isinstance(field, kind):
            return Annotated[int, Field(ge=low, le=high)]
    if isinstance(field, models.DecimalField):
        return Annotated[Decimal, Field(max_digits=field.max_digits, decimal_places=field.decimal_places,
                                        allow_inf_nan=False)]
    if isinstance(field, models.FloatField):
        return Annotated[float, Field(allow_inf_nan=False)]
    if isinstance(field, models.DateTimeField):
        return Instant
    if isinstance(field, models.DateField):
        return datetime.date
    if isinstance(field, models.TimeField):
        return datetime.time
    if isinstance(field, models.JSONField):
        return dict[str, Any] | list[Any]
    if field.max_length:
        return Annotated[str, Field(max_length=field.max_length)]
    return str


def json_name(field: models.Field) -> str:
    """The JSON key of a field: ``<name>_id`` for a foreign key, its name otherwise."""
    return field.attname if field.is_relation and not field.many_to_many else field.name


def input_schema(model: type[models.Model], name: str, field_names: Iterable[str], *,
                 overrides: dict[str, Any] | None = None, base: type | None = None) -> type:
    """A schema of optional, nullable, bounded fields for a model's form fields; unknown keys are refused.

    ``overrides`` maps a field name to the type to use instead (e.g. a code or an id for a customer).
    """
    from ninja import Schema

    overrides = overrides or {}
    fields: dict[str, Any] = {}
    for field_name in field_names:
        field = model._meta.get_field(field_name)
        value_type = overrides.get(field_name, field_type(field))
        fields[json_name(field)] = (value_type | None, Field(None, title=str(field.verbose_name)))
    schema = create_model(name, __base__=base or Schema, **fields)
    schema.model_config["extra"] = "forbid"
    schema.model_rebuild(force=True)
    return schema
