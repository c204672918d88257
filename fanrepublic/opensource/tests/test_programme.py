"""The open-source programme end to end: deliveries posted to the webhook URL as the
hosts send them (signed with the repository's secret), accounts linked by a code the
host vouches for, contributions counted once the contributor accepted the CLA, points
paid only through the git host's integration, numbered Academicians, revocation, and
non-code work approved by maintainers."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, record_second_factor
from fanrepublic.opensource import samples, services
from fanrepublic.opensource.enums import ContributionState, DeliveryOutcome, Host, TitleRank
from fanrepublic.opensource.models import Contribution, GitAccount, Title, WebhookDelivery
from fanrepublic.opensource.webhooks import sign_github
from fanrepublic.points.models import EarningRule
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.points.services import wallet_for

pytestmark = pytest.mark.django_db
CLA = "You license your contribution to the brand under the project's licence, and you wrote it."


@pytest.fixture
def staff():
    return engineer()


@pytest.fixture
def repo(staff):
    services.agreement_publish(
        actor=staff, body=CLA, body_zh="您以项目许可证授权您的贡献，并确认是您本人所写。"
    )
    return services.repository_open(actor=staff, host=Host.GITHUB, full_name="orange/navigation")


def post(client, repository, event, payload, *, headers=None, body=None):
    if headers is None:
        headers, body = samples.signed(repository, event, payload)
    return client.post(
        reverse("opensource:hook", args=[repository.pk]),
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def linked(client, repository, member, login, account_id):
    """The member gets a code and writes it in a pull request: the delivery links them."""
    code = services.account_link_start(member=member, host=repository.host)
    event, payload = samples.pull_request(
        repository=repository,
        number=account_id,
        title="Say hello",
        author=(login, account_id),
        body=f"Link: {code}",
    )
    assert post(client, repository, event, payload).status_code == 200
    return GitAccount.objects.get(member=member, host=repository.host)


def merged(client, repository, *, number, author, title="Congestion prediction", sender=("maintainer", 1)):
    event, payload = samples.pull_request(
        repository=repository,
        number=number,
        title=title,
        author=author,
        sender=sender,
        merged_at=timezone.now(),
        sha="a" * 40,
    )
    return post(client, repository, event, payload)


def accept(member):
    agreement = services.LicenceAgreement.objects.order_by("-version").first()
    return services.agreement_accept(member=member, version=agreement.version, digest=agreement.digest)


def test_a_linked_contributor_who_accepted_the_cla_has_a_merged_pull_request_counted_and_becomes_academician(
    client, repo
):
    student = MemberFactory()
    account = linked(client, repo, student, "xiaoming", 4242)
    assert account.verified_at and account.login == "xiaoming" and account.account_id == "4242"
    accept(student)
    response = merged(client, repo, number=7, author=("xiaoming", 4242))
    assert response.status_code == 200
    contribution = Contribution.objects.get(number=7)
    assert contribution.member == student and contribution.state == ContributionState.MERGED
    assert contribution.counted_at is not None and contribution.merge_commit_sha == "a" * 40
    title = Title.objects.get(member=student, rank=TitleRank.ACADEMICIAN)
    assert title.number == 1
    student.refresh_from_db()
    assert student.honour == "opensource.academician:1"  # shown beside their name everywhere
    assert Title.objects.filter(member=student, rank=TitleRank.CONTRIBUTOR).exists()
    event = Event.objects.get(verb=services.MERGED_VERB)
    assert event.owner_id == student.pk and event.integration.slug == "git-github"
    # The same merge delivered again (a retry with a new GUID) counts nothing twice.
    assert merged(client, repo, number=7, author=("xiaoming", 4242)).status_code == 200
    assert Event.objects.filter(verb=services.MERGED_VERB).count() == 1


def test_work_done_before_linking_and_before_the_cla_waits_and_counts_once_both_are_there(client, repo):
    fan = MemberFactory()
    assert merged(client, repo, number=3, author=("lihua", 77)).status_code == 200
    waiting = Contribution.objects.get(number=3)
    assert waiting.member is None and waiting.counted_at is None
    linked(client, repo, fan, "lihua", 77)
    waiting.refresh_from_db()
    assert waiting.member == fan and waiting.counted_at is None  # no CLA yet
    accept(fan)
    waiting.refresh_from_db()
    assert waiting.counted_at is not None
    assert Title.objects.filter(member=fan, rank=TitleRank.ACADEMICIAN, number=1).exists()


def test_forged_replayed_and_misdirected_deliveries_are_refused_logged_and_change_nothing(client, repo):
    event, payload = samples.pull_request(
        repository=repo, number=9, title="Sneaky", author=("mallory", 666), merged_at=timezone.now()
    )
    body = json.dumps(payload).encode()
    forged = sign_github(body=body, secret="not-the-secret", event=event)
    assert post(client, repo, event, payload, headers=forged, body=body).status_code == 401
    tampered_headers, signed_body = samples.signed(repo, event, payload)
    tampered = signed_body.replace(b"Sneaky", b"Sneakx")
    assert post(client, repo, event, payload, headers=tampered_headers, body=tampered).status_code == 401
    # A genuine delivery, then the same one again: the second is a replay.
    headers, body = samples.signed(repo, event, payload)
    assert post(client, repo, event, payload, headers=headers, body=body).status_code == 200
    assert post(client, repo, event, payload, headers=headers, body=body).status_code == 409
    # Signed with this repository's secret, but about another repository.
    other = {**payload, "repository": {**payload["repository"], "full_name": "orange/secret-project"}}
    assert post(client, repo, event, other).status_code == 403
    refused = WebhookDelivery.objects.filter(outcome=DeliveryOutcome.REFUSED)
    assert sorted(refused.values_list("reason", flat=True)) == [
        "bad-signature",
        "bad-signature",
        "replayed",
        "wrong-repository",
    ]
    assert Contribution.objects.count() == 1
    # An unknown or closed repository answers 404 whatever the signature.
    assert (
        client.post(
            reverse("opensource:hook", args=[999999]), data=body, content_type="application/json"
        ).status_code
        == 404
    )


@override_settings(OPENSOURCE_REFUSED_LOG_RATE="2/m")
def test_a_flood_of_forgeries_is_refused_but_logged_only_up_to_the_rate(client, repo):
    for n in range(5):
        response = client.post(
            reverse("opensource:hook", args=[repo.pk]),
            data=b"{}",
            content_type="application/json",
            headers={
                "X-GitHub-Event": "push",
                "X-GitHub-Delivery": f"id-{n}",
                "X-Hub-Signature-256": "sha256=" + "0" * 64,
            },
        )
        assert response.status_code == 401
    assert WebhookDelivery.objects.filter(outcome=DeliveryOutcome.REFUSED).count() == 2


def test_a_gitee_merge_request_counts_and_a_stale_token_is_refused(client, staff):
    services.agreement_publish(actor=staff, body=CLA, body_zh="您以项目许可证授权您的贡献。")
    gitee = services.repository_open(actor=staff, host=Host.GITEE, full_name="orange/app-i18n")
    fan = MemberFactory()
    linked(client, gitee, fan, "xiaohong", 55)
    accept(fan)
    assert merged(client, gitee, number=12, author=("xiaohong", 55), title="日语翻译").status_code == 200
    assert Contribution.objects.get(number=12).counted_at is not None
    event, payload = samples.pull_request(repository=gitee, number=13, title="旧的", author=("xiaohong", 55))
    headers, body = samples.signed(gitee, event, payload, now=timezone.now() - timedelta(hours=2))
    assert post(client, gitee, event, payload, headers=headers, body=body).status_code == 401
    assert not Contribution.objects.filter(number=13).exists()


def test_a_link_code_cannot_claim_an_account_someone_else_linked(client, repo):
    first, second = MemberFactory(), MemberFactory()
    linked(client, repo, first, "octo", 100)
    code = services.account_link_start(member=second, host=Host.GITHUB)
    event, payload = samples.pull_request(
        repository=repo, number=101, title="Me too", author=("octo", 100), body=code
    )
    assert post(client, repo, event, payload).status_code == 200
    assert GitAccount.objects.get(member=second).verified_at is None
    # An expired code links nothing either.
    third = MemberFactory()
    code = services.account_link_start(member=third, host=Host.GITHUB)
    GitAccount.objects.filter(member=third).update(code_expires_at=timezone.now() - timedelta(minutes=1))
    event, payload = samples.pull_request(
        repository=repo, number=102, title="Late", author=("late", 102), body=code
    )
    post(client, repo, event, payload)
    assert GitAccount.objects.get(member=third).verified_at is None


@override_settings(OPENSOURCE_ACADEMICIANS=2)
def test_academicians_are_numbered_in_order_for_the_first_outside_contributors_only(client, repo):
    fans = [MemberFactory() for _ in range(3)]
    inside = engineer()
    for n, member in enumerate([*fans, inside], start=1):
        linked(client, repo, member, f"dev{n}", 500 + n)
        accept(member)
    merged(client, repo, number=21, author=("dev4", 504))  # staff: no Academician title
    for n in range(3):
        merged(client, repo, number=30 + n, author=(f"dev{n + 1}", 501 + n))
    numbered = list(Title.objects.filter(rank=TitleRank.ACADEMICIAN).order_by("number"))
    assert [(t.member, t.number) for t in numbered] == [(fans[0], 1), (fans[1], 2)]
    assert Title.objects.filter(member=fans[2], rank=TitleRank.CONTRIBUTOR).exists()
    assert not Title.objects.filter(member=fans[2], rank=TitleRank.ACADEMICIAN).exists()


def test_a_title_is_revoked_by_a_maintainer_with_a_reason_audited_and_its_number_not_reused(
    client, repo, staff
):
    fan, other = MemberFactory(), MemberFactory()
    linked(client, repo, fan, "a", 1001)
    accept(fan)
    merged(client, repo, number=41, author=("a", 1001))
    title = Title.objects.get(member=fan, rank=TitleRank.ACADEMICIAN)
    with pytest.raises(Forbidden):
        services.title_revoke(actor=MemberFactory(), title=title, reason="Plagiarised code, see #41")
    with pytest.raises(ValidationFailed):
        services.title_revoke(actor=staff, title=title, reason="no")
    services.title_revoke(actor=staff, title=title, reason="Plagiarised code, see #41")
    fan.refresh_from_db()
    assert fan.honour == "opensource.contributor:"  # the next title down shows now
    assert AuditEntry.objects.filter(action="opensource.title.revoked").count() == 1
    with pytest.raises(Conflict):
        services.title_revoke(actor=staff, title=title, reason="Plagiarised code, see #41")
    linked(client, repo, other, "b", 1002)
    accept(other)
    merged(client, repo, number=42, author=("b", 1002))
    assert Title.objects.get(member=other, rank=TitleRank.ACADEMICIAN).number == 2


def test_non_code_work_is_approved_by_a_maintainer_of_its_repository_never_by_its_author(repo, staff):
    translator, maintainer, outsider = MemberFactory(), MemberFactory(), MemberFactory()
    repo.maintainers.add(maintainer)
    accept(translator)
    work = services.contribution_submit(
        member=translator,
        repository=repo,
        kind="translation",
        title="Japanese UI strings",
        url="https://example.com/pr",
    )
    assert work.state == ContributionState.PENDING
    with pytest.raises(ValidationFailed):
        services.contribution_submit(member=translator, repository=repo, kind="code", title="Sneak code in")
    with pytest.raises(ValidationFailed):
        services.contribution_submit(
            member=translator, repository=repo, kind="docs", title="x", url="javascript:alert(1)"
        )
    with pytest.raises(NotFound):
        services.contribution_decide(actor=outsider, contribution=work, approve=True)
    repo.maintainers.add(translator)
    with pytest.raises(Forbidden):
        services.contribution_decide(actor=translator, contribution=work, approve=True)
    with pytest.raises(ValidationFailed):
        services.contribution_decide(actor=maintainer, contribution=work, approve=False, reason="")
    services.contribution_decide(actor=maintainer, contribution=work, approve=True)
    work.refresh_from_db()
    assert work.state == ContributionState.APPROVED and work.counted_at is not None
    assert Title.objects.filter(member=translator, rank=TitleRank.CONTRIBUTOR).exists()
    assert not Title.objects.filter(
        member=translator, rank=TitleRank.ACADEMICIAN
    ).exists()  # bar: merged code
    with pytest.raises(Conflict):
        services.contribution_decide(
            actor=maintainer, contribution=work, approve=False, reason="Changed my mind"
        )


def test_points_for_merges_trust_the_git_host_integration_and_nothing_else(
    client, repo, django_capture_on_commit_callbacks
):
    trusting = EarningRule.objects.create(
        name="Merged pull request", verb=services.MERGED_VERB, points=500, pays_platform_events=False
    )
    trusting.trusted_integrations.set([services.host_integration(Host.GITHUB)])
    EarningRule.objects.create(
        name="Platform merges (a misconfiguration)",
        verb=services.MERGED_VERB,
        points=10_000,
        pays_platform_events=True,
    )
    from fanrepublic.points.rules import rules_changed

    rules_changed()
    fan = MemberFactory()
    linked(client, repo, fan, "pts", 888)
    accept(fan)
    with django_capture_on_commit_callbacks(execute=True):  # earning rules run after commit
        merged(client, repo, number=51, author=("pts", 888))
    assert wallet_for(fan).balance_minor == 500
    assert ledger_problems() == []
    # The platform itself may not claim the verb: record_event without the integration is
    # an event no rule trusting the integration pays, and an integration that does not
    # list the verb is refused.
    from fanrepublic.activity.models import Integration
    from fanrepublic.activity.services import record_event

    stranger = Integration.objects.create(slug="pos", name="POS", channel="store", verbs=[])
    with pytest.raises(ValueError):
        record_event(verb=services.MERGED_VERB, owner=fan, integration=stranger)


def test_the_cla_is_accepted_as_shown_and_published_by_programme_staff_only(repo, staff):
    fan = MemberFactory()
    current = services.LicenceAgreement.objects.get()
    with pytest.raises(Conflict):
        services.agreement_accept(member=fan, version=current.version, digest="0" * 16)
    services.agreement_publish(actor=staff, body=CLA + " Version two.", body_zh="第二版。第二版。第二版。")
    with pytest.raises(Conflict):  # they read version 1
        services.agreement_accept(member=fan, version=current.version, digest=current.digest)
    with pytest.raises(Forbidden):
        services.agreement_publish(actor=operator(), body=CLA, body_zh=CLA)
    with pytest.raises(Forbidden):
        services.repository_open(actor=MemberFactory(), host="github", full_name="orange/x")
    for bad in ("no-slash", "a/b/c", "own er/x", "a/<script>"):
        with pytest.raises(ValidationFailed):
            services.repository_open(actor=staff, host="github", full_name=bad)
    with pytest.raises(ValidationFailed):
        services.repository_open(actor=staff, host="gitlab", full_name="orange/y")
    with pytest.raises(ValidationFailed):
        services.repository_open(actor=staff, host="github", full_name="orange/navigation")  # open already


def test_pages_show_the_record_and_hide_the_secret_from_members(client, repo, staff):
    fan = MemberFactory()
    linked(client, repo, fan, "pagefan", 321)
    accept(fan)
    merged(client, repo, number=61, author=("pagefan", 321), title="Congestion prediction for navigation")
    page = client.get(reverse("opensource:index")).content.decode()
    assert "Congestion prediction for navigation" in page and 'data-testid="academicians"' in page
    assert repo.webhook_secret not in client.get(repo.get_absolute_url()).content.decode()
    client.force_login(fan)
    assert repo.webhook_secret not in client.get(repo.get_absolute_url()).content.decode()
    mine = client.get(reverse("opensource:mine")).content.decode()
    assert "pagefan" in mine and 'data-testid="my-title"' in mine
    profile = client.get(reverse("members:profile", args=[fan.username])).content.decode()
    assert "Congestion prediction for navigation" in profile
    assert "Academician No. 1" in profile  # beside the name, as in the forum
    client.force_login(staff)
    record_second_factor(client, staff)  # staff act only after a second factor
    assert repo.webhook_secret in client.get(repo.get_absolute_url()).content.decode()
    assert client.get(reverse("opensource:hook", args=[repo.pk])).status_code == 405


def test_a_delivery_with_odd_unicode_is_read_clean(client, repo):
    fan = MemberFactory()
    linked(client, repo, fan, "uni", 909)
    accept(fan)
    event, payload = samples.pull_request(
        repository=repo,
        number=71,
        title="Fix\u0000 \u202eevil\u202c title \ud800",
        author=("uni", 909),
        merged_at=datetime(2026, 11, 1, tzinfo=UTC),
        sha="b" * 40,
    )
    body = json.dumps(payload).encode()  # escapes the NUL and the lone surrogate as \\u
    headers = sign_github(body=body, secret=repo.webhook_secret, event=event)
    assert post(client, repo, event, payload, headers=headers, body=body).status_code == 200
    title = Contribution.objects.get(number=71).title
    assert "\u0000" not in title and "\u202e" not in title and "\ud800" not in title


def test_a_code_in_a_pull_request_title_never_links_the_maintainer_who_merges_it(client, repo):
    attacker, maintainer = MemberFactory(), MemberFactory()
    linked(client, repo, maintainer, "maintainer", 1)
    code = services.account_link_start(member=attacker, host=Host.GITHUB)
    # The attacker's pull request carries their code; the maintainer reviews and merges it.
    event, payload = samples.pull_request(
        repository=repo, number=81, title=f"Fix typo {code}", author=("attacker", 666), body=code
    )
    post(client, repo, event, payload)  # opened by the attacker: links the attacker's own account
    assert GitAccount.objects.get(member=attacker).account_id == "666"
    services.account_unlink(member=attacker, account=GitAccount.objects.get(member=attacker))
    code = services.account_link_start(member=attacker, host=Host.GITHUB)
    event, payload = samples.pull_request(
        repository=repo,
        number=82,
        title=f"Another {code}",
        author=("attacker", 666),
        sender=("maintainer", 1),
        merged_at=timezone.now(),
    )
    post(client, repo, event, payload)
    event, payload = samples.review(
        repository=repo,
        number=82,
        title=f"Another {code}",
        author=("attacker", 666),
        reviewer=("maintainer", 1),
        review_id=5,
    )
    post(client, repo, event, payload)
    assert GitAccount.objects.get(member=maintainer).account_id == "1"
    assert GitAccount.objects.get(member=attacker).verified_at is None


def test_an_approval_counts_once_and_only_when_the_pull_request_is_merged(client, repo):
    reviewer = MemberFactory()
    linked(client, repo, reviewer, "rev", 300)
    accept(reviewer)

    def review(number, review_id, **kwargs):
        event, payload = samples.review(
            repository=repo,
            number=number,
            title="Change",
            author=("someone", 9),
            reviewer=("rev", 300),
            review_id=review_id,
            **kwargs,
        )
        assert post(client, repo, event, payload).status_code == 200

    review(90, 1)
    review(90, 2)  # a second approval of the same pull request
    review(91, 3, state="changes_requested")
    review(92, 4)
    review(92, 5, action="dismissed", state="dismissed")
    counted = Contribution.objects.filter(kind="review", counted_at__isnull=False)
    assert counted.count() == 0  # nothing merged yet
    for number in (90, 91, 92):
        merged(client, repo, number=number, author=("someone", 9))
    assert list(counted.values_list("number", flat=True)) == [90]
    # A review of one's own pull request is no contribution.
    event, payload = samples.review(
        repository=repo, number=93, title="Mine", author=("rev", 300), reviewer=("rev", 300), review_id=6
    )
    post(client, repo, event, payload)
    assert not Contribution.objects.filter(kind="review", number=93).exists()


def test_a_captured_github_delivery_sent_again_with_a_fresh_guid_is_a_replay(client, repo):
    event, payload = samples.pull_request(repository=repo, number=95, title="Once", author=("x", 5))
    headers, body = samples.signed(repo, event, payload)
    assert post(client, repo, event, payload, headers=headers, body=body).status_code == 200
    fresh = {**headers, "X-GitHub-Delivery": "00000000-0000-0000-0000-000000000001"}
    assert post(client, repo, event, payload, headers=fresh, body=body).status_code == 409


def test_only_programme_staff_revoke_titles(client, repo):
    fan, maintainer = MemberFactory(), MemberFactory()
    repo.maintainers.add(maintainer)
    linked(client, repo, fan, "t", 700)
    accept(fan)
    merged(client, repo, number=97, author=("t", 700))
    title = Title.objects.get(member=fan, rank=TitleRank.ACADEMICIAN)
    with pytest.raises(Forbidden):
        services.title_revoke(actor=maintainer, title=title, reason="I do not like this contributor")
