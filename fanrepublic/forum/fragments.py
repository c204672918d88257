"""Cached HTML of what every reader sees the same in a reply (author line, quote line,
sanitised body, images), like Discourse's "cooked" posts. A busy topic shows the same
50 replies to every member; rendering them through the template engine on each view
costs far more than the page's queries. Only the per-reader part (like state, edit and
moderation links) is rendered on every view.

The key holds everything that changes the fragment except the author's profile: the
edit time, the hidden flag and the language. A renamed author shows up within
FRAGMENT_SECONDS. Two tiers, like the visitors' page cache (core.cache).
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from fanrepublic.core.cache import two_tier_get_many, two_tier_set_many

FRAGMENT_SECONDS = 600
LOCAL_SECONDS = 30


def _key(reply, language: str) -> str:
    edited = int(reply.edited_at.timestamp()) if reply.edited_at else 0
    return f"reply-html:{reply.pk}:{edited}:{int(reply.is_hidden)}:{language}"


def attach_static_html(replies) -> None:
    """Set `static_html` on each reply, rendering only those not cached yet."""
    if not replies:
        return
    language = get_language()
    keys = {reply.pk: _key(reply, language) for reply in replies}
    found = two_tier_get_many(list(keys.values()), local_seconds=LOCAL_SECONDS)
    fresh = {}
    for reply in replies:
        key = keys[reply.pk]
        if key not in found:
            fresh[key] = found[key] = render_to_string("forum/partials/reply_static.html", {"r": reply})
    if fresh:
        two_tier_set_many(fresh, seconds=FRAGMENT_SECONDS, local_seconds=LOCAL_SECONDS)
    for reply in replies:
        reply.static_html = mark_safe(found[keys[reply.pk]])  # noqa: S308 - rendered by our template
