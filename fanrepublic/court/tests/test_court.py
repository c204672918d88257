"""The court's case record and jury draw, given/when/then: a member files, legal staff
admit (the seed committed) or refuse with reasons, the clerk draws 10 senior fans and 2
legal staff from a pool with every conflict excluded, anyone recomputes the draw from the
published file, and declined or lapsed places go to the next of the same order."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.court import draw, selectors, services
from fanrepublic.court.enums import CaseStatus, JurorKind, JurorState
from fanrepublic.court.models import Case, Juror, JuryDraw
from fanrepublic.members.tests.factories import MemberFactory, engineer, legal
from fanrepublic.stores.tests.factories import OrderFactory, StoreFactory

pytestmark = pytest.mark.django_db
ACCOUNT = "The screen burned in after three months of normal use; the store refused a repair."


def senior(n=1, **kwargs):
    old = timezone.now() - timedelta(days=800)
    return [MemberFactory(trust_level=3, date_joined=old, **kwargs) for _ in range(n)]


def filed(claimant=None, **kwargs):
    return services.case_file(
        claimant=claimant or MemberFactory(),
        title="Burned-in screen",
        account=ACCOUNT,
        remedy_sought="Replace the phone and compensate me.",
        **kwargs,
    )


def admitted(clerk=None, **kwargs):
    return services.case_admit(actor=clerk or legal(), case=filed(**kwargs))


def test_a_case_is_filed_numbered_and_admitted_with_the_draw_committed_first():
    case = filed()
    assert case.status == CaseStatus.FILED and case.number == f"{timezone.localtime().year}-{case.pk:05d}"
    assert Event.objects.filter(verb="court.case.filed", object_id=str(case.pk)).exists()
    clerk = legal()
    case = services.case_admit(actor=clerk, case=case)
    assert case.status == CaseStatus.ADMITTED and case.clerk == clerk
    record = JuryDraw.objects.get(case=case)
    assert record.commitment == draw.commitment(record.seed) and record.drawn_at is None
    published = selectors.draw_published(record)
    assert (
        published["commitment"] == record.commitment and "seed" not in published and "pool" not in published
    )
    assert AuditEntry.objects.filter(action="court.case.admitted").count() == 1
    with pytest.raises(Conflict):
        services.case_admit(actor=clerk, case=case)


@pytest.mark.parametrize("who", [MemberFactory, engineer])
def test_only_legal_staff_admit_refuse_or_draw(who):
    case = filed()
    with pytest.raises(NotFound):
        services.case_admit(actor=who(), case=case)
    with pytest.raises(NotFound):
        services.case_refuse(
            actor=who(), case=case, ground="duplicate", reason="The same matter as case 2026-00001."
        )
    with pytest.raises(NotFound):
        services.jury_draw(actor=who(), case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED and not JuryDraw.objects.exists()


def test_a_refusal_names_a_ground_and_gives_reasons():
    case = filed()
    with pytest.raises(ValidationFailed):
        services.case_refuse(
            actor=legal(), case=case, ground="because", reason="Not within what the court hears."
        )
    with pytest.raises(ValidationFailed):
        services.case_refuse(actor=legal(), case=case, ground="out_of_scope", reason="no")
    refused = services.case_refuse(
        actor=legal(),
        case=case,
        ground="out_of_scope",
        reason="A dispute with a reseller, not with the company.",
    )
    assert refused.status == CaseStatus.INADMISSIBLE and refused.ground == "out_of_scope"
    with pytest.raises(Conflict):
        services.case_admit(actor=legal(), case=refused)


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", ""),
        ("title", "bell\x07"),
        ("account", "too short"),
        ("account", "x" * 10_001),
        ("remedy_sought", ""),
    ],
)
def test_bad_filings_are_refused_and_store_nothing(field, value):
    kwargs = {"title": "Burned-in screen", "account": ACCOUNT, "remedy_sought": "Replace it."}
    kwargs[field] = value
    with pytest.raises(ValidationFailed) as refused:
        services.case_file(claimant=MemberFactory(), **kwargs)
    assert refused.value.field == field and not Case.objects.exists()


def test_a_suspended_member_cannot_file_and_nobody_files_about_someone_elses_purchase():
    suspended = MemberFactory(suspended_until=timezone.now() + timedelta(days=3))
    with pytest.raises(Forbidden):
        filed(suspended)
    with pytest.raises(ValidationFailed):
        filed(MemberFactory(), order=OrderFactory(member=MemberFactory()))
    assert not Case.objects.exists()


def test_the_pool_excludes_every_conflict_and_the_draw_invites_ten_fans_and_two_legal_staff(settings):
    settings.COURT_JUROR_CASES_PER_YEAR = 2
    store = StoreFactory()
    claimant = MemberFactory()
    bought = OrderFactory(member=claimant, store=store, occurred_at=timezone.now() - timedelta(days=20))
    eligible = senior(14)
    same_week = senior()[0]
    OrderFactory(member=same_week, store=store, occurred_at=bought.occurred_at + timedelta(hours=2))
    next_month = senior()[0]  # the same store, another week: no conflict
    OrderFactory(member=next_month, store=store, occurred_at=bought.occurred_at + timedelta(days=30))
    too_new = MemberFactory(trust_level=3, date_joined=timezone.now() - timedelta(days=30))
    too_junior = MemberFactory(trust_level=2, date_joined=timezone.now() - timedelta(days=800))
    suspended = senior(suspended_until=timezone.now() + timedelta(days=5))[0]
    staff = engineer(trust_level=4, date_joined=timezone.now() - timedelta(days=900))
    # Sat on a jury of a case this claimant brought, and on a jury with the claimant.
    earlier = admitted(claimant=claimant)
    sat_before, sat_with = senior()[0], senior()[0]
    juror_of_claimant = MemberFactory(trust_level=3, date_joined=timezone.now() - timedelta(days=800))
    other_case = admitted()
    for record, members in (
        (earlier.draws.get(), [sat_before]),
        (other_case.draws.get(), [sat_with, claimant]),
    ):
        record.drawn_at = timezone.now() - timedelta(days=100)
        record.save(update_fields=["drawn_at"])
        for n, member in enumerate(members, 1):
            Juror.objects.create(
                draw=record,
                member=member,
                kind="fan",
                position=n,
                pseudonym=f"{n:016x}",
                state="accepted",
                invited_at=record.drawn_at,
            )
    busy = senior()[0]  # already on two juries this year
    for case in (admitted(), admitted()):
        record = case.draws.get()
        record.drawn_at = timezone.now() - timedelta(days=10)
        record.save(update_fields=["drawn_at"])
        Juror.objects.create(
            draw=record,
            member=busy,
            kind="fan",
            position=1,
            pseudonym="f" * 16,
            state="accepted",
            invited_at=record.drawn_at,
        )
    clerk, lawyers = legal(), [legal() for _ in range(3)]
    case = services.case_admit(actor=clerk, case=filed(claimant, order=bought))
    fan_ids, legal_ids = selectors.pool_member_ids(case, now=timezone.now())
    assert set(fan_ids) == {m.pk for m in eligible} | {next_month.pk, juror_of_claimant.pk}
    excluded = {claimant, same_week, too_new, too_junior, suspended, staff, sat_before, sat_with, busy}
    assert not {m.pk for m in excluded} & set(fan_ids)
    assert clerk.pk not in legal_ids and {m.pk for m in lawyers} <= set(legal_ids)

    record = services.jury_draw(actor=clerk, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAWN and record.fans_in_pool == len(fan_ids)
    invited = Juror.objects.filter(draw=record, state=JurorState.INVITED)
    assert (
        invited.filter(kind=JurorKind.FAN).count() == 10 and invited.filter(kind=JurorKind.LEGAL).count() == 2
    )
    assert all(j.answer_by > timezone.now() for j in invited)
    assert Juror.objects.filter(draw=record, state=JurorState.RESERVE, kind=JurorKind.FAN).count() == 6
    with pytest.raises(Conflict):
        services.jury_draw(actor=clerk, case=case)


def drawn_case(fans=14, lawyers=4):
    senior(fans)
    for _ in range(lawyers):
        legal()
    clerk = legal()
    case = admitted(clerk=clerk)
    return case, services.jury_draw(actor=clerk, case=case), clerk


def test_anyone_recomputes_the_draw_from_the_published_file(tmp_path, capsys):
    case, record, _clerk = drawn_case()
    published = selectors.draw_published(record)
    assert published["seed"] == record.seed and len(published["pool"]["fans"]) == record.fans_in_pool
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(published))
    call_command("recount_jury_draw", str(path))
    out = capsys.readouterr().out
    assert "the published order is the rule's" in out
    first_ten = [j.pseudonym for j in record.jurors.filter(kind="fan").order_by("position")[:10]]
    assert " ".join(first_ten) in out


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(seed="0" * 64),  # not the committed seed
        lambda d: d["pool"]["fans"].pop(),  # someone left out of the pool
        lambda d: d["order"]["fans"].reverse(),  # the order changed
        lambda d: d.update(rule="court-draw-0"),
    ],
)
def test_a_tampered_draw_file_fails_the_recount(tmp_path, tamper):
    _case, record, _clerk = drawn_case()
    published = selectors.draw_published(record)
    tamper(published)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(published))
    with pytest.raises(SystemExit) as failed:
        call_command("recount_jury_draw", str(path))
    assert failed.value.code == 1


def test_a_pool_too_small_for_a_jury_draws_nothing():
    senior(5)
    legal()
    clerk = legal()
    case = admitted(clerk=clerk)
    with pytest.raises(Conflict):
        services.jury_draw(actor=clerk, case=case)
    assert not Juror.objects.exists() and JuryDraw.objects.get().drawn_at is None


def test_a_decline_or_a_lapse_invites_the_next_of_the_same_order_and_all_yes_seats_the_jury():
    case, record, _clerk = drawn_case()
    fans = list(record.jurors.filter(kind="fan").order_by("position"))
    declined = services.juror_answer(member=fans[0].member, juror_id=fans[0].pk, accept=False)
    assert declined.state == JurorState.DECLINED
    assert Juror.objects.get(pk=fans[10].pk).state == JurorState.INVITED  # the 11th of the order
    with pytest.raises(Conflict):
        services.juror_answer(member=fans[0].member, juror_id=fans[0].pk, accept=True)
    with pytest.raises(NotFound):  # someone else's invitation, or a place still in reserve
        services.juror_answer(member=fans[1].member, juror_id=fans[2].pk, accept=True)
    with pytest.raises(NotFound):
        services.juror_answer(member=fans[12].member, juror_id=fans[12].pk, accept=True)
    later = timezone.now() + timedelta(hours=49)
    assert services.jurors_lapse(now=later) == 12  # nobody else answered in 48 hours: 10 fans, 2 legal
    assert Juror.objects.get(pk=fans[11].pk).state == JurorState.INVITED
    lapsed = Juror.objects.get(pk=fans[1].pk)
    assert lapsed.state == JurorState.LAPSED
    with pytest.raises(Conflict):
        services.juror_answer(member=lapsed.member, juror_id=lapsed.pk, accept=True, now=later)


def test_the_jury_is_seated_when_every_place_is_accepted_and_jurors_see_the_case():
    case, record, clerk = drawn_case()
    outsider = MemberFactory()
    with pytest.raises(NotFound):
        selectors.case_for(viewer=outsider, number=case.number)
    invited = list(record.jurors.filter(state=JurorState.INVITED))
    assert selectors.case_for(viewer=invited[0].member, number=case.number) == case
    for juror in invited:
        services.juror_answer(member=juror.member, juror_id=juror.pk, accept=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.SEATED
    assert Event.objects.filter(verb="court.jury.seated", object_id=str(case.pk)).count() == 1
    reserve = record.jurors.filter(state=JurorState.RESERVE).first()
    with pytest.raises(NotFound):  # in reserve, not on the jury: sees nothing
        selectors.case_for(viewer=reserve.member, number=case.number)
    assert selectors.case_for(viewer=clerk, number=case.number) == case
    assert selectors.case_for(viewer=case.claimant, number=case.number) == case
    with pytest.raises(NotFound):
        selectors.case_for(viewer=outsider, number="2026-99999")


def test_the_operator_sets_the_jury_rules_and_each_draw_records_the_rules_it_used(settings):
    from fanrepublic.court.models import CourtPolicy
    from fanrepublic.members.tests.factories import operator

    rules = {"min_trust_level": 2, "min_tenure_days": 90, "juror_cases_per_year": 2, "answer_hours": 24}
    rules |= {"jury_fans": 5, "jury_legal": 1}
    with pytest.raises(NotFound):  # legal staff run cases; the operator sets the rules
        services.policy_set(actor=legal(), reason="Smaller juries", **rules)
    for name, bad in (("jury_fans", 2), ("min_trust_level", 5), ("answer_hours", "48"), ("jury_legal", True)):
        with pytest.raises(ValidationFailed) as refused:
            services.policy_set(actor=operator(), reason="Smaller juries", **{**rules, name: bad})
        assert refused.value.field == name
    with pytest.raises(ValidationFailed):
        services.policy_set(actor=operator(), reason="", **rules)
    assert not CourtPolicy.objects.exists()
    policy = services.policy_set(actor=operator(), reason="A young community: smaller juries", **rules)
    assert policy.version == 1 and AuditEntry.objects.filter(action="court.policy.changed").count() == 1
    members = [
        MemberFactory(trust_level=2, date_joined=timezone.now() - timedelta(days=100)) for _ in range(6)
    ]
    MemberFactory(trust_level=2, date_joined=timezone.now() - timedelta(days=30))  # too new still
    legal()
    clerk = legal()
    case = admitted(clerk=clerk)
    record = services.jury_draw(actor=clerk, case=case)
    assert (record.fans_wanted, record.legal_wanted, record.fans_in_pool) == (5, 1, 6)
    assert record.rules == {
        "policy_version": 1,
        "min_trust_level": 2,
        "min_tenure_days": 90,
        "juror_cases_per_year": 2,
    }
    assert selectors.draw_published(record)["rules"]["min_tenure_days"] == 90
    invited = record.jurors.filter(state=JurorState.INVITED, kind="fan")
    assert invited.count() == 5 and {j.member for j in invited} <= set(members)
    assert all(j.answer_by - j.invited_at == timedelta(hours=24) for j in invited)
