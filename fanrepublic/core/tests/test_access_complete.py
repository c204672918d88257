"""Every page and API operation of the apps is in an access table, so a new staff URL
without a rule fails the suite.

Walks the URL resolver (every pattern whose view lives in a `fanrepublic` app) and the
OpenAPI document, and fails for a URL name or an API operation (method + path) that no
app's `tests/test_access.py` lists (fanrepublic/core/tests/access.py) and that is not in
the short allow-list below. Third-party URLs (allauth's account and second-factor pages,
the API's own documents) and Django's admin (its staff flag and model permissions, also
for the admin views apps add, such as activity's verb list) are not walked.
"""

from importlib import import_module, util

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# Pages that need no row, each for a stated reason. Keep this list short: anything a
# member or staff can act on belongs in the app's table.
PUBLIC_PAGES = {
    "health": "the load balancer's health check: no session, no data",
    "bench_bare": "the benchmarks' bare baseline view (docs/performance.md)",
}

# Apps whose tables are still to be written (issue 10). Each name here is a gap, listed
# so the suite shows it; remove the app when its tests/test_access.py exists.
PENDING_APPS: set[str] = set()


def _tables():
    """{app label: its rows} for every installed fanrepublic app with an access table."""
    found = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.test_access"
        if (
            config.name.startswith("fanrepublic.")
            and util.find_spec(f"{config.name}.tests")
            and util.find_spec(name)
        ):
            found[config.label] = import_module(name).test_access.rows
    return found


def _app_of(module: str) -> str:
    return module.split(".")[1]


def _pages():
    """(URL name, app label) of every page whose view lives in a fanrepublic app."""

    def walk(resolver, namespace=()):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # Django's admin: its own staff flag and model permissions
                yield from walk(pattern, namespace + ((pattern.namespace,) if pattern.namespace else ()))
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "") or ""
                if module.startswith("fanrepublic."):
                    yield (
                        ":".join((*namespace, pattern.name or f"<unnamed {pattern.pattern}>")),
                        _app_of(module),
                    )

    return set(walk(get_resolver()))


def _operations():
    """("METHOD /api/v1/path", app label) of every operation in the OpenAPI document."""
    from config.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            # operationId: fanrepublic_<app>_api_<function>
            yield f"{method.upper()} {path}", operation["operationId"].split("_")[1]


def _listed():
    return {row.target for rows in _tables().values() for row in rows}


def test_every_page_is_in_an_access_table():
    listed = _listed()
    missing = sorted(
        f"{name} ({app})"
        for name, app in _pages()
        if name not in listed and name not in PUBLIC_PAGES and app not in PENDING_APPS
    )
    assert not missing, (
        "Pages in no access table: add a row to the app's tests/test_access.py "
        "(fanrepublic/core/tests/access.py) naming who may use each:\n" + "\n".join(missing)
    )


def test_every_api_operation_is_in_an_access_table():
    listed = _listed()
    missing = sorted(
        f"{op} ({app})" for op, app in _operations() if op not in listed and app not in PENDING_APPS
    )
    assert not missing, (
        "API operations in no access table: add a row to the app's tests/test_access.py:\n"
        + "\n".join(missing)
    )


def test_the_tables_name_only_real_pages_and_operations():
    """A row for a page or an operation that no longer exists is a rule for nothing."""
    real = {name for name, _app in _pages()} | {op for op, _app in _operations()}
    stale = sorted(row.target for rows in _tables().values() for row in rows if row.target not in real)
    assert not stale, "Access rows for pages or operations that do not exist:\n" + "\n".join(stale)


def test_pending_apps_have_no_table_yet():
    """An app leaves PENDING_APPS when its table lands, so the list never hides a table."""
    assert not (PENDING_APPS & set(_tables())), "remove these apps from PENDING_APPS"
