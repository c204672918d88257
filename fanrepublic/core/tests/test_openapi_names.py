"""Every API operation documents its own body: schema names are unique across the apps.
The OpenAPI document names schemas by class name, so two apps' `ReportIn` became one
entry and `POST /bounty/reports` was documented with the beta-report fields."""

from ninja import Schema


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_class_names_are_unique_across_apps():
    from config.api import api  # imports every app's router

    assert api
    ours = [c for c in _subclasses(Schema) if c.__module__.startswith("fanrepublic.")]
    seen: dict[str, str] = {}
    clashes = []
    for cls in ours:
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in seen and seen[cls.__name__] != where:
            clashes.append((cls.__name__, seen[cls.__name__], where))
        seen.setdefault(cls.__name__, where)
    assert clashes == []


def test_bounty_and_beta_reports_document_their_own_fields():
    from config.api import api

    doc = api.get_openapi_schema(path_prefix="/api/v1")

    def body_fields(path):
        ref = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return set(doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"])

    assert "claimed_severity" in body_fields("/api/v1/bounty/reports")
    beta_path = next(p for p in doc["paths"] if p.startswith("/api/v1/betas/") and p.endswith("/reports"))
    assert "claimed_severity" not in body_fields(beta_path)
