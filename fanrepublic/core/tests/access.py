"""Authorization tables: every page and API operation of an app against every role.

Each app's `tests/test_access.py` holds a table — data, not code — in the spirit of
NetBox's declarative view tests:

    ACCESS = (
        page("betas:staff", allow=MANAGERS, visitor=302),
        api("POST /api/v1/betas/{slug}/open", args=lambda w: {"slug": programme(w).slug},
            allow={r: 200 for r in MANAGERS}),
    )
    test_access = access_test(ACCESS)

A row names its target (a URL name, or an API operation as "METHOD /api/v1/path" exactly
as the OpenAPI document spells it), how to build the path's arguments from the `World`
(one member of each role, made fresh for the row), the roles that may use it with the
status each gets, and what everyone else gets: 404 by default, since a forbidden object
and a missing one answer alike (visitors are redirected to sign in on pages behind
`login_required`, 302, and get 401 from API operations that need a member).

Every role's request runs in a savepoint that is rolled back, so one role's write never
changes what the next role sees. `core/tests/test_access_complete.py` fails when a page
or an API operation is in no table, so a new staff URL without a rule fails the suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import reverse

VISITOR = "visitor"
MEMBER = "member"
STAFF_ROLES = ("engineer", "operator", "store_manager", "legal", "founder", "security")
ROLES = (VISITOR, MEMBER, *STAFF_ROLES)
SIGNED_IN = ROLES[1:]
EVERYONE = ROLES


class World:
    """One account per role, made once per table; each row builds its objects from it
    (`w.once("topic", ...)` shares one object between a row's argument builders)."""

    def __init__(self):
        self.users: dict = {}
        self.cache: dict = {}

    @property
    def member(self):
        return self.user(MEMBER)

    def user(self, role: str):
        if role == VISITOR:
            return None
        if role not in self.users:
            from fanrepublic.members.tests import factories

            make = factories.MemberFactory if role == MEMBER else getattr(factories, role)
            self.users[role] = make()
        return self.users[role]

    def once(self, key: str, build: Callable[[], object]):
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


@dataclass(frozen=True)
class Row:
    target: str
    allow: Mapping[str, int]
    args: Callable[[World], Mapping | tuple] | None = None
    data: Callable[[World], object] | None = None
    method: str = "get"
    others: int = 404
    visitor: int | None = None
    note: str = ""

    @property
    def is_api(self) -> bool:
        return self.target.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}

    @property
    def id(self) -> str:
        return self.target if self.is_api else f"{self.method.upper()} {self.target}"

    def expected(self, role: str) -> int:
        if role in self.allow:
            return self.allow[role]
        if role == VISITOR and self.visitor is not None:
            return self.visitor
        return self.others


def _allow(allow, ok: int) -> dict[str, int]:
    if isinstance(allow, Mapping):
        return dict(allow)
    return dict.fromkeys(allow, ok)


def page(
    name: str,
    allow: Iterable[str] | Mapping[str, int] = (),
    *,
    ok: int = 200,
    args=None,
    data=None,
    method: str = "get",
    others: int = 404,
    visitor: int | None = None,
    note: str = "",
) -> Row:
    """A page by URL name. `allow` is the roles that may use it (each gets `ok`) or a
    mapping role -> status; everyone else gets `others`, visitors `visitor` if given."""
    return Row(name, _allow(allow, ok), args, data, method.lower(), others, visitor, note)


def api(
    operation: str,
    allow: Iterable[str] | Mapping[str, int] = (),
    *,
    ok: int = 200,
    args=None,
    data=None,
    others: int = 404,
    visitor: int | None = None,
    note: str = "",
) -> Row:
    """An API operation, "METHOD /api/v1/path/{param}" as in the OpenAPI document; `data`
    builds its JSON body."""
    method, _path = operation.split(" ", 1)
    return Row(operation, _allow(allow, ok), args, data, method.lower(), others, visitor, note)


def _call(row: Row, client: Client, built, body):
    query = ""
    if isinstance(built, Mapping):
        built = dict(built)
        query = built.pop("?", "")  # a query string, e.g. {"?": "receipt=abc"}
    if row.is_api:
        url = row.target.split(" ", 1)[1].format(**built)
    elif isinstance(built, Mapping):
        url = reverse(row.target, kwargs=built)
    else:
        url = reverse(row.target, args=built)
    if query:
        url = f"{url}?{query}"
    send = getattr(client, row.method)
    if body is None:
        return send(url)
    if row.is_api:
        return send(url, data=json.dumps(body), content_type="application/json")
    return send(url, data=body)


def check_row(row: Row, world: World, roles: Iterable[str] = ROLES) -> list[str]:
    """Request the row's target as each role; the lines that differ from the table.

    The row's objects are made in a savepoint before any request and each request runs
    in a savepoint of its own; all are rolled back, so every role (and every row) meets
    the same state, and the accounts are made once for the whole table."""
    wrong = []
    world.cache = {}
    with transaction.atomic():
        built = row.args(world) if row.args else {}
        body = row.data(world) if row.data else None
        for role in roles:
            for name in ("default", "process"):
                caches[name].clear()
            client = Client()
            if world.user(role) is not None:
                client.force_login(world.user(role))
            with transaction.atomic():
                response = _call(row, client, built, body)
                transaction.set_rollback(True)
            want = row.expected(role)
            if response.status_code != want:
                where = response.get("Location", "")
                wrong.append(
                    f"{row.id} as {role}: expected {want}, got {response.status_code} {where}".rstrip()
                )
        transaction.set_rollback(True)
    return wrong


def access_test(table: Iterable[Row]):
    """The test of one app's table: every row against every role; it reports every
    difference at once, one line per row and role."""
    rows = list(table)

    @pytest.mark.django_db
    def test_access():
        world = World()
        for role in ROLES:
            world.user(role)
        wrong = [line for row in rows for line in check_row(row, world)]
        assert not wrong, f"{len(wrong)} differences from the access table:\n" + "\n".join(wrong)

    test_access.rows = rows
    return test_access
