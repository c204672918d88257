"""The stored-XSS suite's machinery (core/tests/test_xss_corpus.py runs it): the checker
that finds injected markup on a page, the registry of places, and what a place uses.

A place writes every payload of the corpus (xss_payloads.py) into some fields through
their app's own service and GETs every page that shows them. Places live with the suite
for the apps that were there first, and in `<app>/tests/xss_places.py` for others: the
suite imports that module from every installed app that has one, together with its
optional `ALLOWED` (text fields no page shows, with the reason) and `NOT_PAGES` (named
pages that never show stored text, with the reason). So a new capability brings its own
places and touches no file of core.
"""

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module, util
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.test import Client

from fanrepublic.core.tests.xss_payloads import MARKERS, Payload

# ---------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------

# Elements the site never renders in a page body; a payload that survives as one of
# them is injected markup, whatever its attributes.
FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "style",
    "math",
    "mglyph",
    "animate",
    "set",
    "animatetransform",
    "animatemotion",
    "foreignobject",
    "handler",
    "listener",
    "portal",
    "xss",
}
# Elements whose content a browser (with scripting on) reads as text up to their closing
# tag: `<textarea><p title="</textarea><img onerror=…>">` runs the image's handler.
TEXT_ONLY = {"title", "textarea", "noscript", "xmp", "noembed", "noframes"}
# Attributes that hold a URL a browser may navigate to, load or submit to.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "xlink:href",
    "srcset",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "ping",
    "codebase",
    "manifest",
    "icon",
    "usemap",
    "profile",
    "to",
    "from",
    "values",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# What browsers ignore inside a URL's scheme: ASCII whitespace and controls (a tab or a
# newline splits "java\tscript:" for the eye only), zero-width characters.
_URL_NOISE = re.compile("[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\ufeff]")
_BAD_STYLE = re.compile(r"expression\s*\(|javascript:|vbscript:|@import|behavior\s*:|-moz-binding", re.I)


def _same_origin(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith(("//", "/\\"))


def _normalised_url(value: str) -> str:
    # The parser has already decoded character references (&#x09; &#106; &colon;), once,
    # as a browser does; what is left is how the browser reads the scheme.
    return _URL_NOISE.sub("", value).lower()


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.seen: set[str] = set()  # markers found in text and attribute values
        self._raw: tuple[str, dict] | None = None  # the script/style element being read
        self._raw_text: list[str] = []

    def _flag(self, message: str) -> None:
        self.problems.append(message)

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag in ("script", "style") or tag in TEXT_ONLY:
            self._raw, self._raw_text = (tag, dict(attrs)), []
        if tag in TEXT_ONLY:
            # As a browser parses them: text up to the closing tag, whatever it holds.
            self.set_cdata_mode(tag)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_endtag(self, tag):
        if self._raw and tag == self._raw[0]:
            self._raw_element(*self._raw, "".join(self._raw_text))
            self._raw = None

    def handle_data(self, data):
        if self._raw:
            self._raw_text.append(data)
        self.seen.update(MARKERS.findall(data))

    def close(self):
        super().close()
        if self._raw:  # an unclosed script runs to the end of the page
            self._raw_element(*self._raw, "".join(self._raw_text))
            self._raw = None

    def _element(self, tag, attrs):
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:200]
        if MARKERS.search(tag) or not re.fullmatch(r"[a-z][a-z0-9:-]*", tag):
            self._flag(f"element from text: {shown}")
        if tag in FORBIDDEN_TAGS:
            self._flag(f"forbidden element: {shown}")
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self._flag(f"meta refresh: {shown}")
        if tag == "link" and not _same_origin(values.get("href")):
            self._flag(f"link to another origin: {shown}")
        if tag == "use" and not all(v.startswith("#") for k, v in attrs if k.endswith("href") and v):
            self._flag(f"SVG use of another document: {shown}")
        for name, value in attrs:
            value = value or ""
            self.seen.update(MARKERS.findall(value))
            if name.startswith("on"):
                self._flag(f"event handler {name}: {shown}")
            if (
                name in ("srcdoc", "formaction")
                or MARKERS.search(name)
                or not re.fullmatch(r"[a-z_:][-a-z0-9_:.]*", name)
            ):
                self._flag(f"attribute {name!r}: {shown}")
            if name in URL_ATTRIBUTES and _normalised_url(value).startswith(DANGEROUS_SCHEMES):
                self._flag(f"dangerous URL in {name}: {shown}")
            if name == "style" and (_BAD_STYLE.search(value) or MARKERS.search(value)):
                self._flag(f"style from text: {shown}")

    def _raw_element(self, tag, attrs, text):
        if tag == "style":
            return  # flagged when it opened
        if tag in TEXT_ONLY:
            self.seen.update(MARKERS.findall(html.unescape(text)))
            if tag == "noscript":  # what a browser without scripting shows
                inner = _Scanner()
                inner.feed(text)
                inner.close()
                self.problems += inner.problems
                self.seen |= inner.seen
            return
        kind = (attrs.get("type") or "").lower()
        if kind == "application/json":
            try:
                json.loads(text)
            except ValueError:
                self._flag(f"script data that is not JSON: {text[:120]!r}")
            if "</" in text.lower().replace("<\\/", ""):
                self._flag(f"script data that could close its element: {text[:120]!r}")
            self.seen.update(MARKERS.findall(text))
            return
        if text.strip():
            self._flag(f"inline script: {text[:120]!r}")
        if not _same_origin(attrs.get("src")):
            self._flag(f"script that is not a same-origin file: {attrs!r}")


def injections(page: str, *, secrets: Iterable[str] = ()) -> tuple[list[str], set[str]]:
    """(problems, markers seen) for one HTML page."""
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    for secret in secrets:
        if secret and secret in page:
            scanner._flag("a secret reached the page (template text was evaluated)")
    return scanner.problems, scanner.seen


# ---------------------------------------------------------------------------------------
# Places and pages
# ---------------------------------------------------------------------------------------


@dataclass
class Place:
    name: str
    covers: tuple[str, ...]  # "app_label.Model.field"
    run: Callable


PLACES: dict[str, Place] = {}


def place(name: str, *covers: str):
    """Register a place: the fields it writes the corpus into."""

    def register(run):
        assert name not in PLACES, name
        PLACES[name] = Place(name, covers, run)
        return run

    return register


@dataclass
class Pages:
    """GETs pages as given viewers and keeps what the checker found. `committed()` runs
    what a block schedules on commit (event handlers: notifications, badges)."""

    committed: Callable
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    _clients: dict = field(default_factory=dict)

    def client(self, viewer) -> Client:
        key = getattr(viewer, "pk", None)
        if key not in self._clients:
            client = Client()
            if viewer is not None:
                client.force_login(viewer)
            self._clients[key] = client
        return self._clients[key]

    def check(self, viewer, url: str, *, shows: Iterable[str] = (), status: int = 200, **get) -> str:
        """GET `url` as `viewer` (None: a visitor), check it, and require the markers
        `shows` on it (proof the stored text is rendered there)."""
        response = self.client(viewer).get(url, get or None)
        who = getattr(viewer, "username", "visitor")
        assert response.status_code == status, f"{url} as {who}: {response.status_code}"
        page = response.content.decode()
        secrets = [settings.SECRET_KEY]
        if viewer is not None:
            secrets.append(viewer.password)
        problems, seen = injections(page, secrets=secrets)
        self.problems += [f"{url} as {who}: {p}" for p in problems]
        missing = set(shows) - seen
        assert not missing, f"{url} as {who} does not show {sorted(missing)}"
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src" in policy or "default-src" in policy, f"{url}: no CSP"
        assert "unsafe-inline" not in _directive(policy, "script-src"), f"{url}: inline scripts allowed"
        self.checked += 1
        return page

    def admin(self, *objects, shows: Iterable[str] = ()) -> None:
        """The Django admin's list of each object's model and the object's change page,
        as a superuser: where staff read and correct what members and staff stored."""
        from django.urls import reverse

        lists = set()
        for obj in objects:
            meta = obj._meta
            name = f"admin:{meta.app_label}_{meta.model_name}"
            if meta.label not in lists:
                lists.add(meta.label)
                self.admin_page(reverse(f"{name}_changelist"))
            self.admin_page(reverse(f"{name}_change", args=[obj.pk]), shows=shows)

    def admin_page(self, url: str, *, shows: Iterable[str] = (), **get) -> None:
        if "admin" not in self._clients:
            from fanrepublic.members.tests.factories import MemberFactory

            self._clients["admin"] = self.client(MemberFactory(is_staff=True, is_superuser=True))
        response = self._clients["admin"].get(url, get or None)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        problems, seen = injections(response.content.decode(), secrets=[settings.SECRET_KEY])
        self.problems += [f"{url} (admin): {p}" for p in problems]
        missing = set(shows) - seen
        assert not missing, f"{url} does not show {sorted(missing)}"
        self.checked += 1

    def check_feed(self, url: str, *, shows: Iterable[str] = ()) -> None:
        """An Atom feed: well-formed XML whose HTML parts (what feed readers render)
        carry nothing injected."""
        from xml.etree import ElementTree

        response = self.client(None).get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        root = ElementTree.fromstring(response.content)  # escaping broken: not XML
        seen: set[str] = set()
        for element in root.iter():
            text = element.text or ""
            seen.update(MARKERS.findall(text))
            if element.get("type") == "html" or element.tag.endswith(("summary", "content", "description")):
                problems, found = injections(text)
                self.problems += [f"{url} (feed entry): {p}" for p in problems]
                seen |= found
        missing = set(shows) - seen
        assert not missing, f"{url} does not show {sorted(missing)}"
        self.checked += 1


def attempt(write: Callable, *args, **kwargs):
    """Write through a service that may refuse the text (a URL that is not http or
    https, say): refused is as good as stored and rendered harmless."""
    from fanrepublic.core.errors import ValidationFailed

    try:
        return write(*args, **kwargs)
    except ValidationFailed:
        return None


def _directive(policy: str, name: str) -> str:
    for part in policy.split(";"):
        if part.strip().startswith(name + " "):
            return part
    return _directive(policy, "default-src") if name != "default-src" else ""


def markers(payloads: Iterable[Payload]) -> list[str]:
    return [p.marker for p in payloads]


# The payloads aimed at form fields: attribute breakouts and elements that end a
# textarea or the title. Edit forms render every value the same way, so they are
# checked with the groups that hold these (and the first), not with every group.
FORM_BREAKERS = {"XSS11", "XSS12", "XSS13", "XSS14", "XSS32"}


def for_forms(items: list, groups: list[list[Payload]]) -> list:
    """The items (one per group) whose group holds a form breaker, and the first."""
    return [
        item
        for n, (item, group) in enumerate(zip(items, groups, strict=True))
        if n == 0 or FORM_BREAKERS & set(markers(group))
    ]


def _reverse(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


# URLs a place offers where a link is stored; the services must refuse or neutralise each.
BAD_URLS = [
    "javascript:alert('XSS05')",
    " JaVaScRiPt:alert('XSS10')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTMDcnKTwvc2NyaXB0Pg==",
    "vbscript:msgbox('XSS28')",
    "https://example.com/\"><script>alert('XSS01')</script>",
    "https://example.com/\" onmouseover=\"alert('XSS11')",
]


def app_place_modules() -> list[ModuleType]:
    """Every installed app's `tests/xss_places.py`, imported (which registers its places)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fanrepublic.") or not util.find_spec(f"{config.name}.tests"):
            continue
        name = f"{config.name}.tests.xss_places"
        if util.find_spec(name):
            found.append(import_module(name))
    return found
