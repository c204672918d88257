"""The stored-XSS corpus of the standing security suite (test_xss_corpus.py).

Well-known payloads (OWASP's filter-evasion cheat sheet, PortSwigger's XSS cheat sheet,
the mutation-XSS papers) in the shapes members can type: raw HTML, Markdown links and
images, attribute and element breakouts, entity and Unicode obfuscation, template-looking
text. Each carries its own marker `XSSnn`, so injected markup is told apart from the
site's own. Every payload is one line without control characters, so single-line fields
(titles, names) accept it as well as Markdown bodies do.

A page is checked once for many payloads: single-line fields take as many whole
payloads as fit (`packs`), multi-line and Markdown fields the whole corpus, one payload
per paragraph (`CORPUS`). Escaping works character by character, and a blank line ends
every Markdown construct a payload opens, so packing loses nothing and keeps the suite
fast. SHORT holds a few for fields of at most 20 characters.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    marker: str
    text: str
    why: str


_CORPUS = [
    ("<script>alert('XSS01')</script>", "plain script element"),
    ("<img src=x onerror=alert('XSS02')>", "image error handler"),
    ("<svg onload=alert('XSS03')>", "SVG load handler"),
    ("<svg><script>alert('XSS04')</script></svg>", "script inside SVG"),
    ("[click](javascript:alert('XSS05'))", "Markdown link to javascript:"),
    ("![pic](javascript:alert('XSS06'))", "Markdown image from javascript:"),
    (
        "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTMDcnKTwvc2NyaXB0Pg==) XSS07",
        "Markdown link to a data: URL holding a script",
    ),
    ("<a href=\"jav&#x09;ascript:alert('XSS08')\">tab</a>", "entity tab inside the scheme"),
    (
        "[e](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('XSS09'))",
        "Markdown link with an entity-encoded scheme",
    ),
    ("[c](JaVaScRiPt:alert('XSS10'))", "mixed-case scheme in a Markdown link"),
    ('" onmouseover="alert(\'XSS11\')" x="', "double-quoted attribute breakout"),
    ("' onfocus='alert(`XSS12`)' autofocus x='", "single-quoted attribute breakout"),
    ("</textarea><script>alert('XSS13')</script>", "leaves a textarea (edit forms)"),
    ("</title><script>alert('XSS14')</script>", "leaves the page title"),
    ("{{ request.user.password }}{% debug %}{{ 7|add:7 }} XSS15", "template-looking text"),
    ("<iframe src=\"javascript:alert('XSS16')\"></iframe>", "iframe to javascript:"),
    ("<iframe srcdoc=\"<script>alert('XSS17')</script>\"></iframe>", "iframe srcdoc"),
    ("<p style=\"width:expression(alert('XSS18'))\">old IE</p>", "CSS expression"),
    ("<style>@import 'https://evil.example/XSS19.css';</style>", "injected stylesheet"),
    ("<javascript:alert('XSS20')>", "Markdown autolink with javascript:"),
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS21')>",
        "mutation XSS through MathML",
    ),
    ("<object data=\"javascript:alert('XSS22')\"></object><embed src=x>", "object and embed"),
    ("<details open ontoggle=alert('XSS23')>", "toggle handler without interaction"),
    ("<a href=\"&#x6A;avascript:alert('XSS24')\">x</a>", "hex-entity scheme in raw HTML"),
    (
        "\uff1cscript\uff1ealert('XSS25')\uff1c/script\uff1e \u202e\u200b\u200dXSS25",
        "full-width brackets, RLO, zero-width",
    ),
    ("<scr<script>ipt>alert('XSS26')</scr</script>ipt>", "nested tags against naive filters"),
    ("<<img src=x onerror=alert('XSS27')//<", "unbalanced brackets"),
    ('[v](vbscript:msgbox("XSS28"))', "vbscript: link"),
    ("<form><button formaction=javascript:alert('XSS29')>go</button></form>", "form action"),
    ("<noscript><p title=\"</noscript><img src=x onerror=alert('XSS30')>\">", "noscript mutation"),
    ('[t](https://example.com "a\\" onmouseover=\\"alert(\'XSS31\')")', "Markdown link title breakout"),
    ("\"><svg/onload=alert('XSS32')><base href=//evil.example/XSS32>", "attribute close then element"),
]

PAYLOADS: list[Payload] = []
for _text, _why in _CORPUS:
    _marker = re.search(r"XSS\d\d", _text).group(0)
    PAYLOADS.append(Payload(marker=_marker, text=_text, why=_why))

# For fields of at most 20 characters (a quarter label, a test report's severity).
SHORT: list[Payload] = [
    Payload("XSS91", "<script>XSS91/*", "script start"),
    Payload("XSS92", "<svg onload=XSS92>", "SVG load handler"),
    Payload("XSS93", '"><b onclick=XSS93', "attribute breakout"),
    Payload("XSS94", "</textarea>XSS94<", "textarea breakout"),
]

MARKERS = re.compile(r"XSS\d\d")


def fitting(max_length: int | None) -> list[Payload]:
    """The payloads a field of this length takes (all of them for unlimited fields)."""
    if max_length is None:
        return list(PAYLOADS)
    chosen = [p for p in PAYLOADS if len(p.text) <= max_length]
    return chosen if len(chosen) >= 8 else [p for p in SHORT if len(p.text) <= max_length]


# Every payload, one paragraph each: for Markdown and other multi-line fields.
CORPUS = "\n\n".join(p.text for p in PAYLOADS)


def packs(max_length: int | None, *, sep: str = " ") -> list[list[Payload]]:
    """The payloads a field of this length takes, cut into as few groups as fit it, each
    payload whole (one group when the field has no limit)."""
    usable = fitting(max_length)
    if max_length is None:
        return [usable]
    groups: list[list[Payload]] = []
    size = 0
    for p in usable:
        if groups and size + len(sep) + len(p.text) <= max_length:
            groups[-1].append(p)
            size += len(sep) + len(p.text)
        else:
            groups.append([p])
            size = len(p.text)
    return groups


def joined(group: list[Payload], sep: str = " ") -> str:
    return sep.join(p.text for p in group)
