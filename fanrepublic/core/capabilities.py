"""The capability contract: what each app adds to the whole, declared in one place.

Every feature app has a module `capability.py` with one `CAPABILITY = Capability(...)`.
The platform reads those declarations instead of listing apps by hand: the event-verb
catalogue that `activity.record_event` and event ingestion check is the union of the
apps' `verbs`. Core knows no feature app; it only discovers the modules of the apps
Django has installed (like the admin's `admin.py`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module, util

from django.apps import apps
from django.utils.module_loading import import_string
from pydantic import BaseModel, ConfigDict, ValidationError


class ExternalProperties(BaseModel):
    """Base for the properties schema of a verb integrations may send: unknown keys are
    refused, so a typo in an integration is an error, not silently stored data."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=2000)


@dataclass(frozen=True)
class Verb:
    """One kind of event in the append-only log.

    `external` verbs are the only ones integrations (stores, apps, chat tools) may send
    through `POST /api/v1/events`; everything else is recorded by the platform itself
    when the thing happens, and an integration claiming it is refused.
    """

    name: str
    description: str
    external: bool = False
    properties: type[BaseModel] | None = None
    # An external verb that arrives through its app's own endpoint, which checks what
    # the generic event ingestion cannot (a purchase's lines and refunds, a chat
    # callback's signature), e.g. "/api/v1/stores/orders". An integration lists the verb
    # to be allowed that endpoint; POST /api/v1/events refuses it.
    endpoint: str = ""

    def property_errors(self, properties: dict) -> list[str]:
        """Messages for properties that do not fit the verb's schema (external verbs)."""
        if self.properties is None:
            return []
        try:
            self.properties.model_validate(properties)
        except ValidationError as exc:
            return [
                f"{'.'.join(str(p) for p in err['loc']) or '(properties)'}: {err['msg']}"
                for err in exc.errors()
            ]
        return []


@dataclass(frozen=True)
class NoticeKind:
    """A kind of notification an app sends: the code stored on each notification, the
    label members see in their settings, whether email is on by default, and the text
    of one notification in the reader's language (`text(params) -> str`, called with the
    reader's language active). Declaring one needs no migration and no edit elsewhere.
    `offered_to(user) -> bool` limits who sees it in their settings (staff alerts);
    by default every member does. A `mandatory` kind is a security alert (a payout
    account changed): always shown and always emailed, whatever the member's settings,
    since whoever took over an account would turn it off first."""

    code: str
    label: str
    text: Callable[[dict], str]
    email_default: bool = True
    offered_to: Callable | None = None
    mandatory: bool = False


@dataclass(frozen=True)
class Pages:
    """The app's pages: `urls` is a module with `app_name` and `urlpatterns`, mounted at
    `prefix` ("" for the site root). `hot_urls`, if given, is a module whose patterns
    resolve before every other page (Django tries patterns in order; a path requested
    thousands of times a second should not walk the whole list)."""

    prefix: str
    urls: str
    hot_urls: str | None = None


@dataclass(frozen=True)
class Api:
    """The app's REST router ("module:attribute"), mounted under /api/v1 at `prefix`."""

    prefix: str
    router: str


NAV_MENUS = ("take_part", "main", "staff", "account")


@dataclass(frozen=True)
class NavEntry:
    """A link in the header. `menu` is where it goes ("take_part", "main", "staff",
    "account"); `url` is a URL name, or `url(user) -> str` for links that name the member;
    `rule(user) -> bool` is who sees it — the same rule the page itself applies, so a
    staff member sees exactly the staff links they may use. No rule: everyone."""

    menu: str
    label: str
    url: str | Callable[[object], str]
    rule: Callable[[object], bool] | None = None
    order: int = 100

    def __post_init__(self):
        if self.menu not in NAV_MENUS:
            raise ValueError(f"unknown menu {self.menu!r}")

    def href(self, user) -> str:
        from django.urls import reverse

        return self.url(user) if callable(self.url) else reverse(self.url)


@dataclass(frozen=True)
class PeriodicTask:
    """Work the app needs done on a schedule (`celery beat` in production, the embedded
    beat thread under `runserver`): a name, the task's dotted path, every N seconds."""

    name: str
    task: str
    every_seconds: int


@dataclass(frozen=True)
class DemoStep:
    """One step of the demo community: `seeder` ("module:function") is called with a
    `fanrepublic.core.demo.DemoRun` and writes through the app's services. `name` is
    unique across apps ("<label>" or "<label>.<part>"); `after` names the steps whose
    rows this one needs. Seeders are idempotent: a second run adds only what is missing."""

    name: str
    seeder: str
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capability:
    """What one app adds to the platform. Later issues extend this declaration (pages,
    API routers, navigation, notification kinds, release-item sources, the demo, periodic
    tasks, member-data export); each field has a default so an app declares only what
    it has."""

    label: str
    pages: Pages | tuple[Pages, ...] | None = None
    api: Api | None = None
    verbs: tuple[Verb, ...] = field(default=())
    notice_kinds: tuple[NoticeKind, ...] = field(default=())
    periodic_tasks: tuple[PeriodicTask, ...] = field(default=())
    nav: tuple[NavEntry, ...] = field(default=())
    demo: tuple[DemoStep, ...] = field(default=())
    # Dotted path to `(member) -> bool`: whether this capability lets the member reach
    # other people's personal data without a staff role (a store's staff read its
    # customers), so they too act only after a second factor (members.permissions).
    second_factor_for: str = ""
    # Dotted path to `(member, integration) -> bool`: whether the member looks after this
    # integration here (a store manager and their own till), so may make its tokens
    # without being an operator (members.services.api_token_create).
    integration_keepers: str = ""


def _declaring_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("fanrepublic."):
            continue
        module_name = f"{config.name}.capability"
        if util.find_spec(module_name) is None:
            continue
        yield config, import_module(module_name)


@functools.cache
def capabilities() -> tuple[Capability, ...]:
    found = []
    for config, module in _declaring_modules():
        declared = getattr(module, "CAPABILITY", None)
        if not isinstance(declared, Capability):
            raise TypeError(f"{module.__name__} must define CAPABILITY = Capability(...)")
        if declared.label != config.label:
            raise ValueError(f"{module.__name__} declares label {declared.label!r}, not {config.label!r}")
        found.append(declared)
    return tuple(found)


# Verbs that tests declare for themselves (see `declared_verbs`); empty in production.
_extra_verbs: dict[str, Verb] = {}


@functools.cache
def _declared_verbs() -> dict[str, Verb]:
    verbs: dict[str, Verb] = {}
    for capability in capabilities():
        for verb in capability.verbs:
            if verb.name in verbs:
                raise ValueError(f"the verb {verb.name!r} is declared twice")
            verbs[verb.name] = verb
    return verbs


def verbs() -> dict[str, Verb]:
    """The catalogue: every verb the platform records or accepts, by name."""
    if _extra_verbs:
        return {**_declared_verbs(), **_extra_verbs}
    return _declared_verbs()


def verb(name: str) -> Verb | None:
    return _extra_verbs.get(name) or _declared_verbs().get(name)


@functools.cache
def notice_kinds() -> dict[str, NoticeKind]:
    """Every declared notification kind by code, in the apps' order."""
    kinds: dict[str, NoticeKind] = {}
    for capability in capabilities():
        for kind in capability.notice_kinds:
            if kind.code in kinds:
                raise ValueError(f"the notification kind {kind.code!r} is declared twice")
            kinds[kind.code] = kind
    return kinds


@functools.cache
def verb_owners() -> dict[str, str]:
    """{verb name: label of the app that declares it}."""
    return {verb.name: c.label for c in capabilities() for verb in c.verbs}


@contextlib.contextmanager
def declared_verbs(*extra: Verb | str):
    """For tests: declare throw-away verbs (a name alone is an internal verb)."""
    added = [v if isinstance(v, Verb) else Verb(v, "test verb") for v in extra]
    for v in added:
        _extra_verbs[v.name] = v
    try:
        yield
    finally:
        for v in added:
            _extra_verbs.pop(v.name, None)


def page_urlpatterns() -> tuple[list, list]:
    """(hot patterns, page includes) of every app, in INSTALLED_APPS order."""
    from django.urls import include, path

    hot, pages = [], []
    for capability in capabilities():
        mounts = capability.pages if isinstance(capability.pages, tuple) else (capability.pages,)
        for mount in filter(None, mounts):
            if mount.hot_urls:
                hot.append(path("", include(mount.hot_urls)))
            pages.append(path(mount.prefix, include(mount.urls)))
    return hot, pages


def api_routers() -> list[tuple[str, object]]:
    """(prefix, router) of every app that has an API, in INSTALLED_APPS order."""
    from django.utils.module_loading import import_string

    return [
        (c.api.prefix, import_string(c.api.router.replace(":", ".")))
        for c in capabilities()
        if c.api is not None
    ]


@functools.cache
def _hooks(name: str) -> tuple[Callable, ...]:
    return tuple(import_string(getattr(c, name)) for c in capabilities() if getattr(c, name))


def needs_second_factor_for_access(member) -> bool:
    """Whether some capability gives this member access to other people's personal data
    (see `Capability.second_factor_for`)."""
    return any(check(member) for check in _hooks("second_factor_for"))


def keeps_integration(member, integration) -> bool:
    """Whether some capability says this member looks after `integration`."""
    return any(check(member, integration) for check in _hooks("integration_keepers"))


def beat_schedule() -> dict[str, dict]:
    """Celery's beat schedule, from every app's periodic tasks."""
    schedule = {}
    for capability in capabilities():
        for job in capability.periodic_tasks:
            if job.name in schedule:
                raise ValueError(f"the periodic task {job.name!r} is declared twice")
            schedule[job.name] = {"task": job.task, "schedule": job.every_seconds}
    return schedule


def demo_steps() -> list[DemoStep]:
    """Every app's demo steps, each after the steps it names (ties keep the order of
    INSTALLED_APPS, so the demo is the same on every run)."""
    steps = {step.name: step for c in capabilities() for step in c.demo}
    if len(steps) != sum(len(c.demo) for c in capabilities()):
        raise ValueError("two demo steps share a name")
    for step in steps.values():
        missing = [name for name in step.after if name not in steps]
        if missing:
            raise ValueError(f"the demo step {step.name!r} runs after unknown steps {missing}")
    ordered: list[DemoStep] = []
    placed: set[str] = set()
    while len(ordered) < len(steps):
        ready = [s for s in steps.values() if s.name not in placed and set(s.after) <= placed]
        if not ready:
            raise ValueError("the demo steps depend on each other in a cycle")
        ordered.append(ready[0])
        placed.add(ready[0].name)
    return ordered


def nav_entries(menu: str) -> list[NavEntry]:
    """Every app's entries for one menu, in order."""
    entries = [entry for c in capabilities() for entry in c.nav if entry.menu == menu]
    return sorted(entries, key=lambda e: e.order)


def nav_for(menu: str, user) -> list[tuple[str, str]]:
    """(label, href) of the entries of a menu that this user may see."""
    if menu in ("staff", "account") and not getattr(user, "is_authenticated", False):
        return []
    return [(str(e.label), e.href(user)) for e in nav_entries(menu) if e.rule is None or e.rule(user)]
