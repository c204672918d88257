"""Every model has a factory that builds a valid, stored row."""

import importlib

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db


def all_factories():
    found = {}
    # Every app of the project keeps its factories in tests/factories.py.
    for config in apps.get_app_configs():
        if not config.name.startswith("fanrepublic."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            meta = getattr(value, "_meta", None)
            model = getattr(meta, "model", None)
            if model is not None and hasattr(value, "create"):
                found[model] = value
    return found


def test_every_model_has_a_factory():
    factories = all_factories()
    models = [m for m in apps.get_models() if m.__module__.startswith("fanrepublic.")]
    assert [m._meta.label for m in models if m not in factories] == []


@pytest.mark.parametrize("model_factory", list(all_factories().values()), ids=lambda f: f.__name__)
def test_factory_creates_a_valid_row(model_factory):
    obj = model_factory()
    assert obj.pk is not None
    type(obj).objects.get(pk=obj.pk)
