"""The standing bad-text suite, generated from the OpenAPI document: every text field of
every API operation's JSON body gets a lone surrogate, a NUL and control characters.
Surrogates and NUL are refused at the door with a 400 naming the problem; nothing is a
server error; nothing is written. A new endpoint is covered without anyone remembering.
"""

import json
import re

import pytest
from django.db import connection

from fanrepublic.activity.tests.factories import IntegrationFactory
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, operator

pytestmark = pytest.mark.django_db

BAD = {
    "surrogate": "before \ud800 after",
    "nul": "before \x00 after",
    "controls": "bell\x07 escape\x1b[31m del\x7f",
}
REFUSED_AT_THE_DOOR = {"surrogate", "nul"}


def _schema():
    from config.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")


def _resolve(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_text(prop: dict) -> bool:
    if prop.get("type") == "string" and prop.get("format") not in ("date-time", "date", "binary"):
        return True
    return any(_is_text(p) for p in prop.get("anyOf", []))


def _placeholder(prop: dict, doc: dict):
    prop = _resolve(prop, doc)
    kind = prop.get("type") or next((p.get("type") for p in prop.get("anyOf", []) if p.get("type")), "string")
    return {"integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(kind, "a fine text")


def _operations():
    doc = _schema()
    cases = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            schema = _resolve(body["schema"], doc)
            properties = {k: _resolve(v, doc) for k, v in schema.get("properties", {}).items()}
            base = {name: _placeholder(p, doc) for name, p in properties.items()}
            for name, prop in properties.items():
                if _is_text(prop):
                    cases.append((method.upper(), path, name, base))
    return cases


OPERATIONS = _operations()


def test_the_suite_covers_many_operations():
    # If the document stopped listing bodies, the suite below would pass by testing nothing.
    assert len({(m, p) for m, p, _f, _b in OPERATIONS}) >= 25 and len(OPERATIONS) >= 60


@pytest.fixture
def auth():
    _t, personal = api_token_create(owner=operator(), name="t", scopes=["read", "write"])
    integration = IntegrationFactory(verbs=["store.visited", "store.purchased"])
    _t, ingest = api_token_create(
        owner=operator(), name="i", scopes=["events:ingest"], integration=integration
    )
    MemberFactory(username="somebody")
    return lambda path: f"Bearer {ingest if path.endswith('/events') else personal}"


def _table_counts():
    with connection.cursor() as cursor:
        tables = [
            t for t in connection.introspection.table_names(cursor) if not t.startswith("django_session")
        ]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_text_in_every_field_of_every_operation(client, auth, kind, settings):
    settings.FORUM_POST_RATE = "100000/m"
    failures = []
    for method, path, field, base in OPERATIONS:
        url = re.sub(r"\{[^}]+\}", "1", path)
        body = {**base, field: BAD[kind]}
        if kind in REFUSED_AT_THE_DOOR:
            before = _table_counts()
        response = client.generic(
            method,
            url,
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth(path),
        )
        if response.status_code >= 500:
            failures.append(f"{method} {path} [{field}]: {response.status_code}")
        elif kind in REFUSED_AT_THE_DOOR:
            if response.status_code != 400 or response.json()["error"]["code"] != "invalid_characters":
                failures.append(
                    f"{method} {path} [{field}]: {response.status_code} {response.content[:120]!r}"
                )
            elif _table_counts() != before:
                failures.append(f"{method} {path} [{field}]: wrote something")
    assert failures == []
