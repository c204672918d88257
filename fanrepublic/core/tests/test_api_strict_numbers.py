"""Integers in request bodies are strict: pydantic's lax mode would take `true` as 1,
`1.0` or `"1"` as 1. Every integer field of every body schema the API accepts must
refuse them — checked over the whole API, so a new schema cannot forget."""

import json
from typing import Annotated, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from config.api import api


def body_schemas() -> set[type[BaseModel]]:
    found = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    if getattr(model, "__ninja_param_source__", None) == "body":
                        found.update(f.annotation for f in model.model_fields.values())
    return {m for m in found if isinstance(m, type) and issubclass(m, BaseModel)}


def nested_models(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from nested_models(arg)


def integer_fields():
    # In a stable order: pytest-xdist's workers must collect the same list.
    fields, todo, seen = [], sorted(body_schemas(), key=lambda m: (m.__module__, m.__qualname__)), set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            todo.extend(sorted(nested_models(field.annotation), key=lambda m: (m.__module__, m.__qualname__)))
            typ = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            adapter = TypeAdapter(typ)
            schema = adapter.json_schema()
            if '"integer"' in json.dumps(schema):
                variants = [schema, *schema.get("anyOf", [])]
                is_list = any(v.get("type") == "array" for v in variants)
                fields.append(pytest.param(adapter, is_list, id=f"{model.__name__}.{name}"))
    return sorted(fields, key=lambda p: p.id)


INTEGER_FIELDS = integer_fields()


def test_the_api_has_integer_body_fields_to_check():
    ids = {p.id for p in INTEGER_FIELDS}
    assert {"RedeemIn.quantity", "AdjustmentIn.points", "BallotIn.options", "AvatarIO.hue"} <= ids


@pytest.mark.parametrize("adapter, is_list", INTEGER_FIELDS)
@pytest.mark.parametrize("value", [True, False, 1.0, "1"])
def test_every_integer_body_field_refuses_what_is_not_an_integer(adapter, is_list, value):
    with pytest.raises(ValidationError):
        adapter.validate_python([value] if is_list else value)


@pytest.mark.parametrize("adapter, is_list", INTEGER_FIELDS)
def test_and_still_takes_an_integer(adapter, is_list):
    adapter.validate_python([1] if is_list else 1)
