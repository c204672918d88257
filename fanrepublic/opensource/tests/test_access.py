"""Who may use each open-source page and API operation (fanrepublic/core/tests/access.py).
Everyone reads the programme; members link accounts, accept the CLA and submit non-code
work; engineers and the founder open repositories, publish the CLA, see webhook secrets
and approve; a repository's maintainers approve its work. Webhooks answer by signature."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, api, page

PROGRAMME_STAFF = ("engineer", "founder")


def repository(w):
    from .factories import RepositoryFactory

    return w.once("repository", lambda: RepositoryFactory())


def pending(w):
    def build():
        from .factories import ContributionFactory

        return ContributionFactory(
            repository=repository(w), kind="docs", state="pending", member=w.user("operator"), counted_at=None
        )

    return w.once("pending", build)


def academician(w):
    from .factories import TitleFactory

    return w.once("title", lambda: TitleFactory(member=w.user("store_manager"), rank="academician", number=1))


def account(w):
    from .factories import GitAccountFactory

    return w.once("account", lambda: GitAccountFactory(member=w.member))


def pk(build):
    return lambda w: {"pk": build(w).pk}


ACCESS = (
    page("opensource:index", EVERYONE),
    page("opensource:repository", EVERYONE, args=pk(repository)),
    page("opensource:mine", SIGNED_IN, visitor=302),
    page("opensource:link", SIGNED_IN, method="post", data=lambda w: {"host": "gitee"}, visitor=302),
    page("opensource:unlink", ("member",), ok=302, method="post", args=pk(account), visitor=302),
    page(
        "opensource:accept",
        SIGNED_IN,
        ok=409,
        method="post",
        data=lambda w: {"version": 1, "digest": "0" * 16},
        visitor=302,
        note="no agreement published in the table's world: a clear 409 for everyone signed in",
    ),
    page(
        "opensource:submit",
        SIGNED_IN,
        ok=302,
        method="post",
        args=pk(repository),
        data=lambda w: {"kind": "docs", "title": "A guide to the API", "description": "Wrote it."},
        visitor=302,
    ),
    page("opensource:queue", PROGRAMME_STAFF, visitor=302),
    page(
        "opensource:decide",
        PROGRAMME_STAFF,
        ok=302,
        method="post",
        args=pk(pending),
        data=lambda w: {"approve": "1"},
        visitor=302,
    ),
    page(
        "opensource:revoke",
        PROGRAMME_STAFF,
        ok=302,
        method="post",
        args=pk(academician),
        data=lambda w: {"reason": "Copied from another project without credit."},
        visitor=302,
    ),
    page("opensource:agreement", PROGRAMME_STAFF, visitor=302),
    page(
        "opensource:repository_open",
        PROGRAMME_STAFF,
        ok=302,
        method="post",
        data=lambda w: {"host": "github", "full_name": "orange/maps"},
        visitor=302,
    ),
    page("opensource:rotate", PROGRAMME_STAFF, ok=302, method="post", args=pk(repository), visitor=302),
    page(
        "opensource:hook",
        EVERYONE,
        ok=401,
        method="post",
        args=pk(repository),
        data=lambda w: {},
        visitor=401,
        note="unsigned: refused for everyone alike (the signature, not the session, decides)",
    ),
    api("GET /api/v1/opensource/repositories", EVERYONE),
    api("GET /api/v1/opensource/academicians", EVERYONE),
    api("GET /api/v1/opensource/repositories/{pk}/contributions", EVERYONE, args=pk(repository)),
)

test_access = access_test(ACCESS)
