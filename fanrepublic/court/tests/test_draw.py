"""The draw's rule (court/draw.py) against a reference written here from the rule as
docs/court.md states it, on random and adversarial pools: the same digest, the same
order, whatever the pool's size, order or contents."""

import hashlib
import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanrepublic.court import draw

HEX = "0123456789abcdef"


def reference(seed, case, round_, fans, legal):
    """From the published rule, step by step, with nothing shared with draw.py."""
    text = "court-draw-1\nfans\n"
    for name in sorted(fans):
        text += name + "\n"
    text += "legal\n"
    for name in sorted(legal):
        text += name + "\n"
    digest = hashlib.sha256(text.encode()).hexdigest()

    def ranked(names):
        tickets = [
            (hashlib.sha256(f"{seed}:{case}:{round_}:{digest}:{n}".encode()).hexdigest(), n) for n in names
        ]
        tickets.sort()
        return [n for _t, n in tickets]

    return digest, ranked(fans), ranked(legal)


names = st.lists(st.text(alphabet=HEX, min_size=16, max_size=16), unique=True, max_size=60)


@settings(max_examples=150, deadline=None)
@given(
    seed=st.text(alphabet=HEX, min_size=64, max_size=64),
    case=st.text(alphabet=string.digits + "-", min_size=1, max_size=12),
    round_=st.integers(min_value=1, max_value=3),
    fans=names,
    legal=names,
)
def test_the_draw_is_the_rules_draw(seed, case, round_, fans, legal):
    digest, fan_order, legal_order = reference(seed, case, round_, fans, legal)
    drawn = draw.draw(seed=seed, case_number=case, round_=round_, fans=fans, legal=legal)
    assert drawn.digest == digest
    assert drawn.fans == fan_order and drawn.legal == legal_order
    # Keeping the first k is the first k of the whole order.
    kept = draw.draw(seed=seed, case_number=case, round_=round_, fans=fans, legal=legal, keep=5)
    assert kept.fans == fan_order[:5] and kept.legal == legal_order[:5]


def test_the_order_does_not_depend_on_how_the_pool_is_listed():
    rng = random.Random(16)
    pool = [f"{rng.getrandbits(64):016x}" for _ in range(2000)]
    seed = draw.new_seed()
    first = draw.draw(seed=seed, case_number="2026-00001", round_=1, fans=pool, legal=pool[:5])
    rng.shuffle(pool)
    again = draw.draw(
        seed=seed, case_number="2026-00001", round_=1, fans=pool, legal=list(reversed(pool[:0])) + first.legal
    )
    assert again.fans == first.fans


def test_a_different_seed_case_round_or_pool_draws_differently():
    pool = [f"{n:016x}" for n in range(1, 200)]
    seed = "a" * 64
    base = draw.draw(seed=seed, case_number="2026-00001", round_=1, fans=pool, legal=[]).fans
    assert draw.draw(seed="b" * 64, case_number="2026-00001", round_=1, fans=pool, legal=[]).fans != base
    assert draw.draw(seed=seed, case_number="2026-00002", round_=1, fans=pool, legal=[]).fans != base
    assert draw.draw(seed=seed, case_number="2026-00001", round_=2, fans=pool, legal=[]).fans != base
    # One member more in the pool changes its digest, so everyone's ticket.
    grown = draw.draw(seed=seed, case_number="2026-00001", round_=1, fans=[*pool, f"{999:016x}"], legal=[])
    assert grown.digest != draw.pool_digest(pool, []) and grown.fans[:10] != base[:10]


@pytest.mark.parametrize(
    "fans, legal",
    [
        (["0123456789abcdef", "0123456789abcdef"], []),  # twice
        (["0123456789ABCDEF"], []),  # upper case: not the published form
        (["0123456789abcde"], []),  # short
        (["0123456789abcdef\n"], []),  # a line break would forge a second line
        ([], ["legal\nfans"]),
    ],
)
def test_a_malformed_pool_is_refused(fans, legal):
    with pytest.raises(ValueError):
        draw.pool_digest(fans, legal)


@pytest.mark.parametrize("seed", ["", "g" * 64, "a" * 63, "A" * 64])
def test_a_malformed_seed_is_refused(seed):
    with pytest.raises(ValueError):
        draw.draw(seed=seed, case_number="1", round_=1, fans=[], legal=[])


def test_the_commitment_is_the_seeds_sha256_and_pseudonyms_depend_on_the_key_and_case():
    seed = draw.new_seed()
    assert draw.commitment(seed) == hashlib.sha256(seed.encode()).hexdigest()
    key, other = b"k" * 32, b"o" * 32
    a = draw.pseudonym(key, "2026-00001", 7)
    assert draw.PSEUDONYM.fullmatch(a)
    assert a == draw.pseudonym(key, "2026-00001", 7)
    assert a != draw.pseudonym(other, "2026-00001", 7) and a != draw.pseudonym(key, "2026-00002", 7)
