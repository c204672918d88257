"""Word segmentation for full-text search in Chinese and English.

PostgreSQL has no Chinese parser and SQLite's FTS tokenisers split CJK per character,
so text is cut into words here with jieba (search mode, which also emits the shorter
words inside long ones) and stored space-separated. The database then only has to
match whole space-separated words: PostgreSQL with a `simple` tsvector, SQLite with a
word-boundary LIKE.
"""

import logging
import re
import threading

import jieba
from django.db import connection
from django.db.models import Lookup, Q, TextField

jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()
_ready = False
_WORD = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)


def _ensure_ready():
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.initialize()
                _ready = True


def segment(text: str) -> list[str]:
    """Lower-cased words of `text`, Chinese segmented, punctuation dropped."""
    if not text:
        return []
    _ensure_ready()
    words = []
    for token in jieba.cut_for_search(text.lower()):
        token = token.strip()
        if token and _WORD.fullmatch(token):
            words.append(token)
    return words


def search_document(*parts: str) -> str:
    return " ".join(w for part in parts for w in segment(part))


def query_terms(query: str, limit: int = 12) -> list[str]:
    """Words to match for a search box entry, without repeats, in order."""
    seen: list[str] = []
    for w in segment(query):
        if w not in seen:
            seen.append(w)
    return seen[:limit]


@TextField.register_lookup
class SimpleTextSearch(Lookup):
    """`field__simple_match="'a' & 'b'"`: PostgreSQL full-text match with the `simple`
    configuration, written exactly like the GIN indexes on `search_document` columns so
    they apply."""

    lookup_name = "simple_match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, {rhs})", [
            *lhs_params,
            *rhs_params,
        ]


def words_match(terms: list[str], field: str = "search_document") -> Q:
    """Rows whose segmented `field` holds every term as a whole word, on both databases."""
    if connection.vendor == "postgresql":
        # Terms are word characters only (segment), so quoting each is safe.
        return Q(**{f"{field}__simple_match": " & ".join(f"'{t}'" for t in terms)})
    condition = Q()
    for term in terms:
        # Space-padded so a term only matches whole words of the stored document.
        condition &= (
            Q(**{f"{field}__contains": f" {term} "})
            | Q(**{f"{field}__startswith": f"{term} "})
            | Q(**{f"{field}__endswith": f" {term}"})
            | Q(**{field: term})
        )
    return condition
