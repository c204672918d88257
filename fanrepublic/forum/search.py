"""Full-text search over topics and replies on both databases (see core.search)."""

from django.db import connection
from django.db.models import Exists, Lookup, OuterRef, Q, QuerySet, TextField

from fanrepublic.core.search import query_terms

from .models import Reply, Topic


@TextField.register_lookup
class SimpleTextSearch(Lookup):
    """`field__simple_match="'a' & 'b'"`: PostgreSQL full-text match with the `simple`
    configuration, written exactly like the GIN indexes of migration 0002 so they apply."""

    lookup_name = "simple_match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, {rhs})", [
            *lhs_params,
            *rhs_params,
        ]


def _match(terms: list[str]) -> Q:
    if connection.vendor == "postgresql":
        # Terms are word characters only (core.search), so quoting each is safe.
        return Q(search_document__simple_match=" & ".join(f"'{t}'" for t in terms))
    condition = Q()
    for term in terms:
        # Space-padded so a term only matches whole words of the stored document.
        doc = f" {term} "
        condition &= (
            Q(search_document__contains=doc)
            | Q(search_document__startswith=f"{term} ")
            | Q(search_document__endswith=f" {term}")
            | Q(search_document=term)
        )
    return condition


def search_topics(base: QuerySet[Topic], replies: QuerySet[Reply], query: str) -> QuerySet[Topic]:
    """Topics of `base` whose title/body match every word of the query, or that have a
    reply of `replies` matching every word."""
    terms = query_terms(query)
    if not terms:
        return base.none()
    condition = _match(terms)
    reply_hits = replies.filter(condition, topic=OuterRef("pk"))
    return base.filter(condition | Exists(reply_hits))
