"""The standing stored-XSS suite: the corpus through every text and Markdown field.

A penetration test stored 32 payloads in 9 places and none ran. This keeps it so, for
every place members and staff can store text that a page shows, and for places added
later:

- each place writes every payload of the corpus (xss_payloads.py) through the app's own
  service (the real write path; models managed only in the Django admin are stored as
  the admin would store them), then GETs every page that shows the text, as the viewers
  who may see it (a visitor, a member, the author, staff on staff pages);
- `injections()` parses each page with an HTML parser and reports any element or
  attribute a payload could have brought: script that is not a same-origin file or JSON
  data, event-handler attributes, javascript:/vbscript:/data: URLs (after entity,
  whitespace and case normalisation), iframes, objects, embeds, base, style elements,
  CSS expressions, SVG animation; it must also find the payload's marker on the page,
  so a place that stopped showing the text does not pass by checking nothing;
- `test_the_checker_catches_*` feed it injected pages, so it cannot pass vacuously;
- `test_every_text_field_is_covered_or_allowed` lists every CharField and TextField of
  every fanrepublic model: each is covered by a place below or named in ALLOWED with
  the reason it never reaches a page as member text. A new field fails until it is one
  or the other.
"""

import html
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from fanrepublic.core.tests.xss import (
    PLACES,
    Pages,
    _reverse,
    app_place_modules,
    injections,
    markers,
)
from fanrepublic.core.tests.xss_payloads import (
    CORPUS,
    MARKERS,
    PAYLOADS,
    SHORT,
)

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------
# The fields: each covered by a place (the apps' tests/xss_places.py) or allowed here, with the reason
# ---------------------------------------------------------------------------------------

# CharFields and TextFields that never reach a page as text a member or staff member
# wrote. Fields with `choices` are enums (services check the value; pages show the
# label) and need no entry.
ALLOWED = {
    # Written by the code itself, never typed by anyone.
    "core.AuditEntry.action": "a dotted action name chosen by the service",
    "core.AuditEntry.target_type": "a model label",
    "core.AuditEntry.target_id": "a primary key",
    "members.ReputationEntry.reason": "a key of REPUTATION_RULES",
    "members.ReputationEntry.source": "event:<id>",
    "members.ApiToken.prefix": "random characters of the token",
    "members.ApiToken.key_hash": "a SHA-256 hash",
    "members.User.password": "a password hash",
    "members.User.honour": "a code an app's service sets (members.honours kinds); pages show its label",
    "activity.Event.verb": "a verb of the catalogue (record_event refuses others)",
    "activity.Event.source": "the sending integration's slug",
    "notifications.Notification.kind": "a declared notification kind",
    "notifications.Notification.url": "reverse()d by the service that notifies",
    "notifications.Notification.dedupe_key": "built from event and recipient ids",
    "notifications.NotificationPreference.kind": "a declared notification kind",
    "forum.Topic.author_role": "a staff role name",
    "forum.Reply.author_role": "a staff role name",
    "forum.StatusChange.actor_role": "a staff role name",
    "forum.Topic.search_document": "segmented words for search, never shown",
    "forum.Reply.search_document": "segmented words for search, never shown",
    "bounty.BountyReport.search_document": "segmented words for similarity, never shown",
    "forum.Attachment.content_type": "the image type Pillow detected",
    "bounty.ReportAttachment.content_type": "the image type Pillow detected",
    "betas.TestReportAttachment.content_type": "the image type Pillow detected",
    "points.Account.code": "an account code built by the ledger",
    "points.Transaction.idempotency_key": "built by the calling service",
    "points.Transaction.kind": "a ledger kind named by the calling service",
    "points.Transaction.object_type": "a model label",
    "points.Transaction.object_id": "a primary key",
    "rewards.Order.idempotency_key": "a request key, never shown",
    "betas.BetaProgramme.seed": "random hex, published for the draw",
    "betas.Application.ticket": "a SHA-256 hex digest",
    "betas.Application.nda_sha256": "a SHA-256 hex digest of the NDA accepted",
    "betas.Application.nda_language": "the language code the NDA was read in",
    "releases.ReleaseItem.source_type": "the key of a registered release-item source",
    "governance.Vote.digest": "a SHA-256 hex digest",
    "governance.Vote.digest_scheme": "a scheme name from the code",
    "governance.Ballot.voter_key": "an HMAC hex digest",
    "governance.Ballot.receipt": "random hex",
    # Checked against a pattern or a list by the service before it is stored.
    "members.User.username": "Django's username validator: letters, digits and @ . + - _",
    "points.EarningRule.verb": "a verb of the catalogue (rule_validate)",
    "releases.Release.version": "VERSION_RE: letters, digits and . - + _",
    "betas.TestReport.severity": "one of Severity.values (_clean_report)",
    # Slugs (SlugField: letters, digits, - and _).
    "activity.Integration.slug": "slug",
    "forum.Board.slug": "slug",
    "rewards.Reward.slug": "slug",
    "badges.Badge.slug": "slug",
    "badges.Perk.slug": "slug",
    "betas.BetaProgramme.slug": "slug",
    "governance.Vote.slug": "slug",
    "committees.Committee.slug": "slug",
    "launches.LaunchEvent.slug": "slug",
    # Not shown as member text.
    "members.User.first_name": "not asked for, not shown (display_name is)",
    "members.User.last_name": "not asked for, not shown (display_name is)",
    "badges.Badge.icon": "two characters (one emoji), too short to hold markup; set in the admin",
}


# Each app's own places (`<app>/tests/xss_places.py`) register as they are imported, and
# bring their fields' and pages' exceptions with them.
APP_PLACES = app_place_modules()
for _module in APP_PLACES:
    ALLOWED.update(getattr(_module, "ALLOWED", {}))


def text_fields() -> dict[str, models.Field]:
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("fanrepublic."):
            continue
        for f in model._meta.get_fields():
            if getattr(f, "concrete", False) and isinstance(f, models.CharField | models.TextField):
                found[f"{model._meta.label}.{f.name}"] = f
    return found


def test_every_text_field_is_covered_or_allowed():
    """A new CharField or TextField fails here until a place above writes the corpus
    into it and checks the pages that show it, or ALLOWED says why no page shows it."""
    fields = text_fields()
    covered = {name for place in PLACES.values() for name in place.covers}
    unknown = sorted(n for n, f in fields.items() if n not in covered and n not in ALLOWED and not f.choices)
    assert unknown == [], (
        f"text fields the XSS suite does not know: {unknown}. Write the corpus into each "
        "through its service in a place (the app's tests/xss_places.py, see core/tests/xss.py) "
        "and check the pages that show it, or add it to ALLOWED with the reason no page shows it."
    )
    stale = sorted((covered | set(ALLOWED)) - set(fields))
    assert stale == [], f"no such field any more: {stale}"
    assert not covered & set(ALLOWED), sorted(covered & set(ALLOWED))


# Named pages of the site no place visits, and why: they never show stored text.
NOT_PAGES = {
    "health": "a status JSON",
    "bench_bare": "a benchmark baseline",
    "points:wallet_csv": "CSV (core/tests/test_csvexport.py)",
    "rewards:desk_csv": "CSV (core/tests/test_csvexport.py)",
    "governance:ballots": "JSON",
    "launches:live_json": "JSON (the launches place reads it)",
    "launch_answer": "JSON",
    "bounty:attachment": "an image",
    "betas:attachment": "an image",
    "forum:reply": "redirects to the reply on its topic page",
    "notifications:open": "redirects to the notification's page",
    "notifications:preferences": "labels from the code",
    "members:set_language": "POST; redirects",
    "badges:grant": "POST; redirects to the profile",
}
# POST-only actions: they answer with a redirect or a fragment the places see in full.
NOT_PAGES |= dict.fromkeys(
    [
        "badges:perk_claim",
        "badges:perk_transfer",
        "betas:action",
        "betas:apply",
        "betas:nda",
        "betas:report",
        "betas:withdraw",
        "bounty:disclose",
        "bounty:message",
        "bounty:triage",
        "committees:action",
        "committees:plan",
        "committees:stand",
        "forum:desk_answer",
        "forum:flag_resolve",
        "forum:reply_create",
        "forum:reply_like",
        "forum:reply_moderate",
        "forum:topic_claim",
        "forum:topic_like",
        "forum:topic_merge",
        "forum:topic_moderate",
        "forum:topic_move",
        "forum:topic_status",
        "forum:topic_vote",
        "governance:action",
        "governance:cast",
        "launches:answer",
        "launches:host_action",
        "launches:join",
        "members:recompute_trust",
        "members:session_end",
        "members:sessions_end_others",
        "members:suspend",
        "members:token_revoke",
        "notifications:mark_read",
        "releases:item_remove",
        "releases:publish",
        "rewards:cancel",
        "rewards:desk_upload",
        "rewards:fulfil",
        "rewards:refuse",
    ],
    "POST only",
)


for _module in APP_PLACES:
    NOT_PAGES.update(getattr(_module, "NOT_PAGES", {}))


def site_pages() -> set[str]:
    """The named URL patterns of the site's own pages (not the API, admin or allauth)."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif p.name and p.callback.__module__.startswith("fanrepublic."):
                yield prefix + p.name

    return {n for n in walk(get_resolver().url_patterns) if not n.startswith(("admin:", "api:"))}


def test_every_page_is_visited_or_not_a_page():
    """A new page fails here until a place visits it (`_reverse("app:name")` below) or
    NOT_PAGES says why it never shows stored text."""
    sources = [Path(__file__).read_text(), *(Path(m.__file__).read_text() for m in APP_PLACES)]
    visited = {name for text in sources for name in re.findall(r'_reverse\(\s*"([\w:]+)"', text)}
    pages = site_pages()
    unvisited = sorted(pages - visited - set(NOT_PAGES))
    assert unvisited == [], f"pages the XSS suite never opens: {unvisited}"
    assert sorted(set(NOT_PAGES) - pages) == [], "NOT_PAGES names pages that no longer exist"


def test_the_corpus():
    assert len(PAYLOADS) >= 30
    assert len({p.marker for p in PAYLOADS + SHORT}) == len(PAYLOADS) + len(SHORT)
    assert all(
        len(MARKERS.findall(p.text)) >= 1 and set(MARKERS.findall(p.text)) == {p.marker} for p in PAYLOADS
    )
    # Single-line fields take every payload: no line breaks or control characters.
    from fanrepublic.core.text import text_problem

    assert [p.marker for p in PAYLOADS + SHORT if text_problem(p.text, single_line=True)] == []


# ---------------------------------------------------------------------------------------
# The checker checks: it finds what would run, and only that
# ---------------------------------------------------------------------------------------

# The payloads that run when a page includes them as HTML (a `|safe` too many, a
# sanitiser switched off); the others are Markdown that only a renderer could arm.
RUNS_AS_HTML = [
    p
    for p in PAYLOADS
    if p.marker
    not in {
        "XSS05",
        "XSS06",
        "XSS07",
        "XSS09",
        "XSS10",
        "XSS11",
        "XSS12",
        "XSS15",
        "XSS20",
        "XSS25",
        "XSS28",
        "XSS31",
    }
]
PAGE = (
    '<!DOCTYPE html><html><head><title>Fan Republic</title><script src="/static/js/app.js" defer>'
    "</script></head><body><main>{}</main></body></html>"
)


@pytest.mark.parametrize("payload", RUNS_AS_HTML, ids=lambda p: p.marker)
def test_the_checker_catches_each_payload_included_as_html(payload):
    problems, _seen = injections(PAGE.format(payload.text))
    assert problems, f"{payload.marker} ({payload.why}) went unnoticed"


@pytest.mark.parametrize(
    "page",
    [
        f'<input value="{PAYLOADS[10].text}">',  # XSS11 in a double-quoted attribute
        f"<input value='{PAYLOADS[11].text}'>",  # XSS12 in a single-quoted one
        f"<textarea>{PAYLOADS[12].text}</textarea>",
        f"<title>{PAYLOADS[13].text}</title>",
        '<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&#106;avascript&colon;alert(1)">x</a>',
        '<a href="  \u200bjavascript:alert(1)">x</a>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<form action="vbscript:x"></form>',
        '<svg><use href="https://evil.example/sprite.svg#x"/></svg>',
        '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
        '<script src="https://evil.example/x.js"></script>',
        '<script src="//evil.example/x.js"></script>',
        '<script type="application/json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<p>A stored secret: {SECRET}</p>",
    ],
)
def test_the_checker_catches_injected_markup(page):
    problems, _seen = injections(PAGE.format(page.replace("{SECRET}", "s3cr3t")), secrets=["s3cr3t"])
    assert problems, page


def test_the_checker_passes_escaped_payloads_and_finds_their_markers():
    page = PAGE.format(
        "".join(f"<p title='{html.escape(p.text)}'>{html.escape(p.text)}</p>" for p in PAYLOADS)
    )
    page += '<script type="application/json" id="state">{}</script>'.format(
        json.dumps({"t": CORPUS}).replace("<", "\\u003c")
    )
    problems, seen = injections(page)
    assert problems == []
    assert seen == set(markers(PAYLOADS))


def test_the_suite_fails_when_a_page_renders_markdown_unsanitised(
    monkeypatch, django_capture_on_commit_callbacks
):
    """End to end: with raw HTML on and nh3 off, the forum's pages run the corpus, and
    the place says so."""
    from markdown_it import MarkdownIt

    monkeypatch.setattr(
        "fanrepublic.forum.services._render",
        lambda text: MarkdownIt("commonmark", {"html": True}).render(text),
    )
    from fanrepublic.forum import services
    from fanrepublic.forum.tests.factories import BoardFactory
    from fanrepublic.members.tests.factories import MemberFactory

    author = MemberFactory()
    topic = services.topic_create(
        author=author, board=BoardFactory(), kind="discussion", title="Hello there", body=CORPUS
    )
    pages = Pages(committed=lambda: django_capture_on_commit_callbacks(execute=True))
    pages.check(author, _reverse("forum:topic", topic.pk))
    flagged = " ".join(pages.problems)
    assert "inline script" in flagged and "forbidden element: <iframe" in flagged
    assert "dangerous URL in href" in flagged


@pytest.mark.parametrize("name", sorted(PLACES))
def test_no_stored_payload_runs(name, settings, django_capture_on_commit_callbacks):
    settings.FORUM_POST_RATE = settings.BOUNTY_REPORT_RATE = "100000/m"
    pages = Pages(committed=lambda: django_capture_on_commit_callbacks(execute=True))
    PLACES[name].run(pages)
    assert pages.checked, f"{name} checked no page"
    assert pages.problems == [], "\n".join(pages.problems[:40])
