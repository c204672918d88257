"""Who may use each release page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Engineers, security, operators and founders plan
releases; a planned release is staff's alone until it is published."""

from fanrepublic.core.tests.access import EVERYONE, access_test, api, page
from fanrepublic.releases.enums import ReleaseStatus
from fanrepublic.releases.tests.factories import ReleaseFactory, ReleaseItemFactory

PLANNERS = ("engineer", "operator", "founder", "security")


def planned(w):
    return w.once("planned", lambda: ReleaseFactory())


def published(w):
    return w.once("published", lambda: ReleaseFactory(status=ReleaseStatus.PUBLISHED))


def item(w):
    return w.once("item", lambda: ReleaseItemFactory(release=planned(w)))


def with_item(w):
    """A planned release with one change (an empty one is refused, 422)."""
    item(w)
    return {"pk": planned(w).pk}


ACCESS = (
    page("releases:index", EVERYONE),
    page("releases:feed", EVERYONE),
    page("releases:metrics", EVERYONE),
    page("releases:product", EVERYONE, args=lambda w: {"product_slug": published(w).product_line.slug}),
    page("releases:product_feed", EVERYONE, args=lambda w: {"product_slug": published(w).product_line.slug}),
    page(
        "releases:release",
        EVERYONE,
        args=lambda w: {"product_slug": published(w).product_line.slug, "version": published(w).version},
    ),
    page("releases:plan", PLANNERS, visitor=302),
    page("releases:workbench", PLANNERS, args=lambda w: {"pk": planned(w).pk}, visitor=302),
    page(
        "releases:item_remove",
        PLANNERS,
        ok=302,
        args=lambda w: {"pk": planned(w).pk, "item_pk": item(w).pk},
        method="post",
        visitor=302,
    ),
    page("releases:publish", PLANNERS, ok=302, args=with_item, method="post", visitor=302),
    api("GET /api/v1/releases", EVERYONE),
    api("GET /api/v1/releases/metrics", EVERYONE),
    api("GET /api/v1/releases/sources", EVERYONE),
    api("GET /api/v1/releases/{release_id}", EVERYONE, args=lambda w: {"release_id": published(w).pk}),
    api("GET /api/v1/releases/{release_id}", PLANNERS, args=lambda w: {"release_id": planned(w).pk}),
    api(
        "POST /api/v1/releases",
        PLANNERS,
        ok=201,
        data=lambda w: {"product": planned(w).product_line.slug, "version": "9.9.9"},
        visitor=401,
    ),
    api(
        "POST /api/v1/releases/{release_id}/items",
        PLANNERS,
        ok=201,
        args=lambda w: {"release_id": planned(w).pk},
        data=lambda w: {"source": "internal", "title": "Faster charging"},
        visitor=401,
    ),
    api(
        "DELETE /api/v1/releases/{release_id}/items/{item_id}",
        PLANNERS,
        ok=204,
        args=lambda w: {"release_id": planned(w).pk, "item_id": item(w).pk},
        visitor=401,
    ),
    api(
        "POST /api/v1/releases/{release_id}/publish",
        PLANNERS,
        args=lambda w: {"release_id": with_item(w)["pk"]},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
