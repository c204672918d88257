"""The capability contract holds: every app declares what it adds in its capability.py,
and the platform is assembled from those declarations, not from lists kept by hand."""

from importlib import import_module, util
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import get_resolver

from fanrepublic.core import capabilities

# The kernel declares nothing: it is what the declarations are read by; the demo app
# only runs the declared demo steps.
KERNEL = {"core", "demo"}
ROOT = Path(__file__).resolve().parents[3]


def feature_apps():
    return [c for c in apps.get_app_configs() if c.name.startswith("fanrepublic.") and c.label not in KERNEL]


@pytest.mark.parametrize("config", feature_apps(), ids=lambda c: c.label)
def test_every_app_declares_its_capability(config):
    assert util.find_spec(f"{config.name}.capability"), f"{config.name} has no capability.py"
    declared = {c.label: c for c in capabilities.capabilities()}[config.label]
    folder = Path(config.path)
    mounts = declared.pages if isinstance(declared.pages, tuple) else (declared.pages,)
    if (folder / "urls.py").exists():
        assert f"{config.name}.urls" in {m.urls for m in mounts if m}, "its pages are not declared"
    if (folder / "api.py").exists() and hasattr(import_module(f"{config.name}.api"), "router"):
        assert declared.api is not None and declared.api.router == f"{config.name}.api:router"
    for job in declared.periodic_tasks:
        assert job.task.startswith(f"{config.name}.tasks."), "an app schedules only its own tasks"


def test_every_apps_pages_and_api_are_mounted_from_the_declarations():
    resolver = get_resolver()
    namespaces = set(resolver.namespace_dict)
    for declared in capabilities.capabilities():
        mounts = declared.pages if isinstance(declared.pages, tuple) else (declared.pages,)
        for mount in filter(None, mounts):
            app_name = getattr(import_module(mount.urls), "app_name", None)
            if app_name:
                assert app_name in namespaces, f"{mount.urls} is not mounted"
    from config.api import api

    mounted = {id(router) for _prefix, router in api._routers}
    for _prefix, router in capabilities.api_routers():
        assert id(router) in mounted


def test_config_and_core_list_no_app_by_hand():
    """Adding a capability needs no edit outside its folder but settings."""
    features = [c.label for c in feature_apps()] + ["governance"]
    for path in [ROOT / "config" / "urls.py", ROOT / "config" / "api.py"]:
        text = path.read_text()
        for app in features:
            assert f"fanrepublic.{app}" not in text, f"{path.name} names {app}"


def test_declarations_are_unique_and_well_formed():
    assert len(capabilities.verbs()) > 70
    assert set(capabilities.notice_kinds())
    labels = [c.label for c in capabilities.capabilities()]
    assert len(labels) == len(set(labels))
    schedule = capabilities.beat_schedule()
    assert all(entry["schedule"] > 0 for entry in schedule.values())
