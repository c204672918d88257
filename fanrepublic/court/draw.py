"""The jury draw: a documented, deterministic function of a seed and a published pool,
so that anyone can recompute who was drawn (docs/court.md, `manage.py recount_jury_draw`).

Pure functions, no database: the same code runs in the service that draws and in the
command a member runs on the downloaded file, and the tests check it against a reference
written from the rule below.

The rule, version "court-draw-1":

1. The pool is two lists of pseudonyms — senior fans and legal staff — each sorted
   (byte order of the ASCII hex). Its digest is SHA-256 of the UTF-8 text
   "court-draw-1\\nfans\\n" + one pseudonym per line + "legal\\n" + one per line, every
   line ending in "\\n".
2. Before the pool is frozen the site publishes SHA-256(seed) (the commitment); at the
   draw it reveals the seed, 64 hex characters.
3. Each pseudonym p gets the ticket SHA-256 of "<seed>:<case number>:<round>:<pool
   digest>:<p>" (hex). Each list is ordered by ticket, lowest first; ties are impossible
   in practice, and broken by the pseudonym.
4. The first `fans` of the fans' order and the first `legal` of the legal order are
   invited; whoever declines or lets the deadline pass is replaced by the next of the same
   order.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RULE = "court-draw-1"
PSEUDONYM = re.compile(r"[0-9a-f]{16}")
SEED = re.compile(r"[0-9a-f]{64}")


def new_seed() -> str:
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    """What is published before the pool is frozen: SHA-256 of the seed's text."""
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def pseudonym(key: bytes, case_number: str, member_id: int) -> str:
    """A member's name in one case's pool: an HMAC only the site can compute (so the
    published pool names nobody), different in every case (so pools cannot be joined).
    The site shows each member their own."""
    return hmac.new(key, f"{case_number}:{member_id}".encode(), hashlib.sha256).hexdigest()[:16]


def pool_text(fans: Iterable[str], legal: Iterable[str]) -> str:
    fans, legal = sorted(fans), sorted(legal)
    for name in (*fans, *legal):
        if not PSEUDONYM.fullmatch(name):
            raise ValueError(f"not a pseudonym: {name!r}")
    if len(set(fans)) != len(fans) or len(set(legal)) != len(legal):
        raise ValueError("a pseudonym appears twice in the pool")
    lines = [RULE, "fans", *fans, "legal", *legal]
    return "".join(f"{line}\n" for line in lines)


def pool_digest(fans: Iterable[str], legal: Iterable[str]) -> str:
    return hashlib.sha256(pool_text(fans, legal).encode("utf-8")).hexdigest()


def ticket(seed: str, case_number: str, round_: int, digest: str, name: str) -> str:
    return hashlib.sha256(f"{seed}:{case_number}:{round_}:{digest}:{name}".encode()).hexdigest()


def order(
    seed: str, case_number: str, round_: int, digest: str, names: Iterable[str], *, first: int | None = None
) -> list[str]:
    """The names in draw order — by ticket, then by name — or only the `first` of them."""

    def key(name):
        return (ticket(seed, case_number, round_, digest, name), name)

    return sorted(names, key=key) if first is None else heapq.nsmallest(first, names, key=key)


@dataclass(frozen=True)
class Drawn:
    digest: str
    fans: list[str]  # the fans' whole order (invited first, then the replacements)
    legal: list[str]


def draw(
    *,
    seed: str,
    case_number: str,
    round_: int,
    fans: Sequence[str],
    legal: Sequence[str],
    keep: int | None = None,
) -> Drawn:
    """The draw for one pool: its digest and both orders (the first `keep` of each when
    given: the site stores the invited and their replacements, not a million names)."""
    if not SEED.fullmatch(seed):
        raise ValueError("the seed is 64 hex characters")
    digest = pool_digest(fans, legal)
    fan_order = order(seed, case_number, round_, digest, fans, first=keep)
    legal_order = order(seed, case_number, round_, digest, legal, first=keep)
    return Drawn(digest=digest, fans=fan_order, legal=legal_order)
