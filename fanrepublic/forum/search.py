"""Full-text search over topics and replies on both databases (see core.search)."""

from django.db.models import Exists, OuterRef, QuerySet

from fanrepublic.core.search import query_terms, words_match

from .models import Reply, Topic


def search_topics(base: QuerySet[Topic], replies: QuerySet[Reply], query: str) -> QuerySet[Topic]:
    """Topics of `base` whose title/body match every word of the query, or that have a
    reply of `replies` matching every word."""
    terms = query_terms(query)
    if not terms:
        return base.none()
    condition = words_match(terms)
    reply_hits = replies.filter(condition, topic=OuterRef("pk"))
    return base.filter(condition | Exists(reply_hits))
