"""The trust temperature against its definition, written here on its own:

    temperature(t) = 36 + Σ w(kind) · ½^((t − tᵢ) / h(kind)), clipped to 33–41 °

on random histories (late deliveries included): the incremental update, the stored row
the handler keeps, the "why" panel, and the recomputation from the log on SQLite (in
Python) and on PostgreSQL (one SQL statement). Then the operators' settings: who may
change them, what is refused, and when a change takes effect."""

import math
import random
from datetime import timedelta

import pytest
from django.db import connection

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, founder, operator, store_manager
from fanrepublic.stores.tests.factories import ContactFactory
from fanrepublic.trust import services, temperature
from fanrepublic.trust.models import Temperature, TemperatureFactor
from fanrepublic.trust.temperature import Factor

from .builders import AT

VERBS = sorted(temperature.DEFAULT_FACTORS)
DAY = 86400.0


# The definition, independently ------------------------------------------------------------


def reference_contributions(history, *, at, table) -> dict[str, float]:
    """Per kind, Σ ½^(age/h) over the interactions up to `at` (age in days)."""
    counts: dict[str, float] = {}
    for verb, when in history:
        if when > at:
            continue
        age_days = (at - when).total_seconds() / DAY
        counts[verb] = counts.get(verb, 0.0) + math.pow(2.0, -age_days / table[verb].half_life_days)
    return counts


def reference_degrees(history, *, at, table) -> float:
    counts = reference_contributions(history, at=at, table=table)
    raw = 36.0 + sum(table[verb].weight * n for verb, n in counts.items())
    return min(41.0, max(33.0, raw))


def random_table(rng: random.Random) -> dict[str, Factor]:
    return {
        verb: Factor(verb, rng.uniform(-2, 2), rng.choice([0.5, 3, 7, 14, 30, 90, 365]), verb)
        for verb in VERBS
    }


def random_history(rng: random.Random, n: int, *, span_days=120):
    """n interactions over `span_days` before AT, in an arrival order that is mostly
    by time with some delivered late (a relay catching up)."""
    history = sorted(
        (rng.choice(VERBS), AT - timedelta(seconds=rng.uniform(0, span_days * DAY))) for _ in range(n)
    )
    history.sort(key=lambda pair: pair[1])
    arrival = list(history)
    for _ in range(max(1, n // 4)):
        i, j = rng.randrange(n), rng.randrange(n)
        arrival[i], arrival[j] = arrival[j], arrival[i]
    return arrival


def folded(history, table):
    sums, computed_at = {}, None
    for verb, when in history:
        sums, computed_at = temperature.add_interaction(
            sums, computed_at=computed_at, verb=verb, at=when, table=table
        )
    return sums, computed_at


# The incremental update --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_the_incremental_temperature_equals_the_definition_on_random_histories(seed):
    rng = random.Random(seed)
    for _case in range(60):
        # given random factors and a random history, some of it delivered late
        table = random_table(rng) if rng.random() < 0.7 else dict(temperature.DEFAULT_FACTORS)
        history = random_history(rng, rng.randint(1, 40), span_days=rng.choice([1, 30, 400]))

        # when each interaction is added as it arrives
        sums, computed_at = folded(history, table)

        # then the kept time is the latest interaction's
        assert computed_at == max(when for _verb, when in history)
        # and at that moment and any later one, the decayed counts and the degrees are
        # the definition's
        for later in (timedelta(0), timedelta(hours=rng.uniform(0, 24)), timedelta(days=rng.uniform(0, 200))):
            at = computed_at + later
            expected = reference_contributions(history, at=at, table=table)
            for verb, count in sums.items():
                aged = count * math.pow(2.0, -later.total_seconds() / DAY / table[verb].half_life_days)
                assert aged == pytest.approx(expected[verb], abs=1e-6)
            assert set(sums) == set(expected)
            value = temperature.degrees(sums, at=at, computed_at=computed_at, table=table)
            assert value == pytest.approx(reference_degrees(history, at=at, table=table), abs=1e-6)
            assert 33.0 <= value <= 41.0


def test_arrival_order_does_not_change_the_temperature():
    rng = random.Random(42)
    table = dict(temperature.DEFAULT_FACTORS)
    history = random_history(rng, 30)
    in_order, at = folded(sorted(history, key=lambda pair: pair[1]), table)
    backwards, at_backwards = folded(sorted(history, key=lambda pair: pair[1], reverse=True), table)
    assert at == at_backwards
    for verb in in_order:
        assert in_order[verb] == pytest.approx(backwards[verb], abs=1e-9)


def test_a_customer_nobody_talks_to_drifts_back_to_neutral_and_the_clip_holds():
    table = dict(temperature.DEFAULT_FACTORS)
    praise = [("trust.chat.praised", AT)]
    sums, at = folded(praise, table)
    assert temperature.degrees(sums, at=at, computed_at=at, table=table) == pytest.approx(36.4)
    assert temperature.degrees(
        sums, at=at + timedelta(days=14), computed_at=at, table=table
    ) == pytest.approx(36.2)
    assert temperature.degrees(
        sums, at=at + timedelta(days=1400), computed_at=at, table=table
    ) == pytest.approx(36.0, abs=1e-6)
    complaints, at = folded([("trust.chat.complained", AT)] * 10, table)
    assert temperature.degrees(complaints, at=at, computed_at=at, table=table) == 33.0
    purchases, at = folded([("stores.purchase.recorded", AT)] * 10, table)
    assert temperature.degrees(purchases, at=at, computed_at=at, table=table) == 41.0


# The stored temperature, kept by the handler --------------------------------------------


def interaction(contact, verb, when):
    return record_event(verb=verb, obj=contact, channel=Channel.SYSTEM, occurred_at=when)


@pytest.mark.django_db
def test_the_stored_temperature_kept_by_the_handler_matches_the_why_panel_and_the_definition(on_commit):
    rng = random.Random(7)
    table = dict(temperature.DEFAULT_FACTORS)
    for _customer in range(4):
        # given a customer whose interactions arrive one by one, some late
        contact = ContactFactory()
        history = random_history(rng, 25, span_days=90)
        for verb, when in history:
            with on_commit():
                interaction(contact, verb, when)

        # then the stored row is the definition at its time
        row = Temperature.objects.get(contact=contact)
        latest = max(when for _verb, when in history)
        assert row.computed_at == latest
        expected = reference_contributions(history, at=latest, table=table)
        assert set(row.sums) == set(expected)
        for verb, count in row.sums.items():
            assert count == pytest.approx(expected[verb], abs=1e-6)
        assert row.value == pytest.approx(reference_degrees(history, at=latest, table=table), abs=6e-4)
        # and the "why" panel, computed from the log, says the same
        value, _parts = temperature.explain(contact_id=contact.pk, at=latest)
        assert row.value == pytest.approx(value, abs=6e-4)


@pytest.mark.django_db
def test_an_interaction_that_does_not_count_leaves_the_temperature_alone(on_commit):
    contact = ContactFactory()
    with on_commit():
        record_event(verb="trust.rule.fired", obj=contact, channel=Channel.SYSTEM, occurred_at=AT)
    assert not Temperature.objects.filter(contact=contact).exists()
    assert temperature.record_interaction(contact_id=contact.pk, verb="trust.rule.fired", at=AT) == 36.0


@pytest.mark.django_db
def test_why_lists_the_heaviest_interactions_with_their_signs():
    # given a customer who bought and complained recently and chatted long ago
    contact = ContactFactory()
    interaction(contact, "stores.purchase.recorded", AT - timedelta(days=1))
    interaction(contact, "trust.chat.complained", AT - timedelta(days=2))
    interaction(contact, "trust.chat.said", AT - timedelta(days=70))
    interaction(contact, "trust.chat.said", AT + timedelta(days=1))  # after the moment asked about

    # when asked why
    value, parts = temperature.explain(contact_id=contact.pk, at=AT, top=5)

    # then the purchase warms, the complaint cools, the faded chat is left out
    assert [(p.verb, p.at) for p in parts] == [
        ("stores.purchase.recorded", AT - timedelta(days=1)),
        ("trust.chat.complained", AT - timedelta(days=2)),
    ]
    assert parts[0].degrees == pytest.approx(1.5 * 0.5 ** (1 / 90))
    assert parts[1].degrees == pytest.approx(-1.2 * 0.5 ** (2 / 30))
    assert parts[0].degrees > 0 > parts[1].degrees
    assert str(parts[0].label) == "Purchase" and str(parts[1].label) == "Complaint"
    history = [
        ("stores.purchase.recorded", AT - timedelta(days=1)),
        ("trust.chat.complained", AT - timedelta(days=2)),
        ("trust.chat.said", AT - timedelta(days=70)),
    ]
    assert value == pytest.approx(reference_degrees(history, at=AT, table=temperature.DEFAULT_FACTORS))
    # and `top` limits the list to the heaviest
    _value, first = temperature.explain(contact_id=contact.pk, at=AT, top=1)
    assert [p.verb for p in first] == ["stores.purchase.recorded"]


# Recomputing from the log -------------------------------------------------------------------


def random_log(rng: random.Random, contacts, *, at):
    """Random interactions about the contacts, plus noise the recomputation must skip:
    events after `at`, verbs that do not count, events about something else."""
    histories = {contact.pk: [] for contact in contacts}
    for contact in contacts:
        for _ in range(rng.randint(0, 30)):
            verb = rng.choice(VERBS)
            when = at - timedelta(seconds=rng.uniform(0, 400 * DAY))
            interaction(contact, verb, when)
            histories[contact.pk].append((verb, when))
        if rng.random() < 0.5:
            interaction(contact, rng.choice(VERBS), at + timedelta(hours=rng.uniform(1, 48)))
        if rng.random() < 0.5:
            record_event(verb="trust.rule.fired", obj=contact, channel=Channel.SYSTEM, occurred_at=at)
    record_event(verb="trust.chat.asked", obj=MemberFactory(), channel=Channel.SYSTEM, occurred_at=at)
    return histories


def assert_recompute_matches_the_definition(seed: int):
    rng = random.Random(seed)
    at = AT + timedelta(days=1)
    # given customers with random histories, and one with a stale stored row and no history
    contacts = [ContactFactory() for _ in range(12)]
    histories = random_log(rng, contacts, at=at)
    stale = ContactFactory()
    Temperature.objects.create(contact=stale, value=39.0, sums={"trust.chat.praised": 5.0}, computed_at=AT)
    table = temperature.factors()

    # when every temperature is rebuilt from the log
    count = temperature.temperatures_recompute(at=at)

    # then every customer with interactions has the definition's sums and value
    with_history = {pk for pk, history in histories.items() if history}
    assert count == len(with_history)
    for pk, history in histories.items():
        row = Temperature.objects.filter(contact_id=pk).first()
        if not history:
            assert row is None or (row.sums == {} and row.value == 36.0)
            continue
        assert row.computed_at == at
        expected = reference_contributions(history, at=at, table=table)
        assert set(row.sums) == set(expected)
        for verb, n in row.sums.items():
            assert float(n) == pytest.approx(expected[verb], abs=1e-6), (pk, verb)
        assert row.value == pytest.approx(reference_degrees(history, at=at, table=table), abs=6e-4)
    # and the customer with nothing left to count is neutral again
    stale_row = Temperature.objects.get(contact=stale)
    assert (stale_row.value, stale_row.sums, stale_row.computed_at) == (36.0, {}, at)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_recomputing_from_the_log_gives_the_definitions_temperatures(seed):
    assert_recompute_matches_the_definition(seed)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_recomputing_in_sql_on_postgresql_gives_the_definitions_temperatures(seed, monkeypatch):
    # the SQL path, not the Python one, is what runs on PostgreSQL
    assert connection.vendor == "postgresql"
    calls = []
    original = temperature._recompute_in_sql
    monkeypatch.setattr(
        temperature, "_recompute_in_sql", lambda **kwargs: calls.append(kwargs) or original(**kwargs)
    )
    services.factor_save(actor=operator(), verb="trust.chat.asked", weight=0.3, half_life_days=2.5)
    assert_recompute_matches_the_definition(seed)
    assert len(calls) == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_recomputing_twice_in_sql_changes_nothing():
    contacts = [ContactFactory() for _ in range(3)]
    random_log(random.Random(9), contacts, at=AT)
    temperature.temperatures_recompute(at=AT)
    first = {t.contact_id: (t.value, t.sums) for t in Temperature.objects.all()}
    temperature.temperatures_recompute(at=AT)
    assert {t.contact_id: (t.value, t.sums) for t in Temperature.objects.all()} == first


# The operators' settings ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_changed_weight_applies_at_once_and_a_changed_half_life_after_recomputing(on_commit):
    # given a customer who praised once and then complained twice
    contact = ContactFactory()
    history = [
        ("trust.chat.praised", AT - timedelta(days=10)),
        ("trust.chat.complained", AT - timedelta(days=3)),
        ("trust.chat.complained", AT - timedelta(days=1)),
    ]
    for verb, when in history:
        with on_commit():
            interaction(contact, verb, when)
    row = Temperature.objects.get(contact=contact)

    # when an operator makes complaints weigh less
    services.factor_save(actor=operator(), verb="trust.chat.complained", weight=-0.5, half_life_days=30)

    # then the stored counts give the new temperature at once
    table = temperature.factors()
    assert table["trust.chat.complained"].weight == -0.5
    now = AT + timedelta(days=2)
    assert temperature.degrees(row.sums, at=now, computed_at=row.computed_at, table=table) == pytest.approx(
        reference_degrees(history, at=now, table=table), abs=1e-6
    )

    # when they make praise fade faster
    services.factor_save(actor=operator(), verb="trust.chat.praised", weight=0.4, half_life_days=1)
    table = temperature.factors()

    # then the stored counts are stale until the recomputation
    row.refresh_from_db()
    stale = temperature.degrees(row.sums, at=now, computed_at=row.computed_at, table=table)
    assert stale != pytest.approx(reference_degrees(history, at=now, table=table), abs=1e-3)
    temperature.temperatures_recompute(at=now)
    row.refresh_from_db()
    assert row.sums["trust.chat.praised"] == pytest.approx(0.5**12, abs=1e-6)
    assert temperature.degrees(row.sums, at=now, computed_at=row.computed_at, table=table) == pytest.approx(
        reference_degrees(history, at=now, table=table), abs=1e-6
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", [operator, founder])
def test_operators_and_founders_change_a_factor_and_it_is_audited(who):
    actor = who()
    row = services.factor_save(actor=actor, verb="stores.visit.recorded", weight=1, half_life_days=45)
    assert (row.weight, row.half_life_days, row.updated_by) == (1.0, 45.0, actor)
    services.factor_save(actor=actor, verb="stores.visit.recorded", weight=1.2, half_life_days=45)
    assert TemperatureFactor.objects.count() == 1
    entries = AuditEntry.objects.filter(action="trust.factor.saved", actor=actor)
    assert entries.count() == 2
    assert entries.order_by("pk").last().data == {"weight": 1.2, "half_life_days": 45.0}


@pytest.mark.django_db
@pytest.mark.parametrize("who", [store_manager, MemberFactory])
def test_no_one_else_may_change_a_factor(who):
    with pytest.raises(Forbidden):
        services.factor_save(actor=who(), verb="stores.visit.recorded", weight=1, half_life_days=45)
    assert not TemperatureFactor.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("verb", "weight", "half_life_days", "field"),
    [
        ("stores.visit.recorded", math.nan, 30, "weight"),
        ("stores.visit.recorded", math.inf, 30, "weight"),
        ("stores.visit.recorded", 5.01, 30, "weight"),
        ("stores.visit.recorded", -6, 30, "weight"),
        ("stores.visit.recorded", True, 30, "weight"),
        ("stores.visit.recorded", "1", 30, "weight"),
        ("stores.visit.recorded", 1, math.nan, "half_life_days"),
        ("stores.visit.recorded", 1, 0, "half_life_days"),
        ("stores.visit.recorded", 1, 0.05, "half_life_days"),
        ("stores.visit.recorded", 1, 3651, "half_life_days"),
        ("stores.visit.recorded", 1, -math.inf, "half_life_days"),
        ("trust.rule.fired", 1, 30, "verb"),
        ("no.such.verb", 1, 30, "verb"),
    ],
)
def test_a_factor_out_of_range_or_for_an_unknown_interaction_is_refused(verb, weight, half_life_days, field):
    with pytest.raises(ValidationFailed) as refused:
        services.factor_save(actor=operator(), verb=verb, weight=weight, half_life_days=half_life_days)
    assert field in refused.value.errors
    assert not TemperatureFactor.objects.exists()
