"""Markdown for member content: markdown-it-py renders, nh3 (Ammonia) sanitises.

Raw HTML in the source is disabled and the output is sanitised again, so a post can
never carry script, event handlers or javascript: links.
"""

import re

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.token import Token

MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,148}[A-Za-z0-9_]|[A-Za-z0-9_])")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "ol": {"start"},
}


def extract_mentions(text: str) -> set[str]:
    """Usernames written as @name in the source (outside code is not distinguished:
    a mention in code still notifies, which members expect less than they tolerate)."""
    return {m.lower() for m in MENTION_RE.findall(text or "")}


def _mention_rule(known: set[str]):
    def rule(state):
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            new_children: list[Token] = []
            inside_link = 0
            for tok in block.children:
                if tok.type == "link_open":
                    inside_link += 1
                elif tok.type == "link_close":
                    inside_link -= 1
                if tok.type != "text" or inside_link or "@" not in tok.content:
                    new_children.append(tok)
                    continue
                pos = 0
                for m in MENTION_RE.finditer(tok.content):
                    name = m.group(1)
                    if name.lower() not in known:
                        continue
                    if m.start() > pos:
                        t = Token("text", "", 0)
                        t.content = tok.content[pos : m.start()]
                        new_children.append(t)
                    link = Token("link_open", "a", 1)
                    link.attrs = {
                        "href": reverse("members:profile", args=[name]),
                        "class": "mention",
                    }
                    text = Token("text", "", 0)
                    text.content = "@" + name
                    new_children.extend([link, text, Token("link_close", "a", -1)])
                    pos = m.end()
                if pos < len(tok.content):
                    t = Token("text", "", 0)
                    t.content = tok.content[pos:]
                    new_children.append(t)
            block.children = new_children

    return rule


def render_markdown(text: str, *, mentions: set[str] | None = None) -> str:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    if mentions:
        md.core.ruler.push("mentions", _mention_rule({m.lower() for m in mentions}))
    html = md.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )


def plain_excerpt(text: str, length: int = 180) -> str:
    """A short plain-text preview of Markdown for lists and notifications."""
    stripped = re.sub(r"[`*_>#\[\]()!~|-]+", " ", text or "")
    stripped = " ".join(stripped.split())
    return stripped if len(stripped) <= length else stripped[: length - 1] + "…"
