"""The stored-XSS suite's places for the open-source programme (see fanrepublic/core/tests/xss.py).
Titles, descriptions and logins arrive from the git hosts' webhooks: the corpus is posted
as signed deliveries, the way an attacker with a GitHub account would send it."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "opensource.Repository.full_name": "owner/name: letters, digits, '-', '_', '.', checked by the service",
    "opensource.Repository.webhook_secret": "made by the service (token_urlsafe)",
    "opensource.GitAccount.account_id": "the host's numeric id, from the signed delivery",
    "opensource.GitAccount.code_hash": "a SHA-256 hex digest, never shown",
    "opensource.Contribution.git_account_id": "the host's numeric id, from the signed delivery",
    "opensource.Contribution.host_object_id": "the host's numeric id, from the signed delivery",
    "opensource.Contribution.merge_commit_sha": "a hex sha, checked by the webhook reader",
    "opensource.WebhookDelivery.delivery_id": "a GUID or a token, never shown",
    "opensource.WebhookDelivery.detail": "for the logs, never shown",
    "opensource.WebhookDelivery.event": "an event name matched by the webhook reader's pattern",
    "opensource.WebhookDelivery.reason": "a refusal code of the webhook reader",
}
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        [
            "opensource:unlink",
            "opensource:accept",
            "opensource:submit",
            "opensource:decide",
            "opensource:revoke",
            "opensource:repository_open",
            "opensource:rotate",
            "opensource:hook",
        ],
        "POST only: redirects to a page that is visited, or answers a host with a status word",
    ),
    "opensource:link": "POST only: shows the member's page (visited) with a new code made by the service",
}


@place(
    "opensource",
    "opensource.Contribution.title",
    "opensource.Contribution.description",
    "opensource.Contribution.url",
    "opensource.Contribution.git_login",
    "opensource.Contribution.decision_reason",
    "opensource.GitAccount.login",
    "opensource.Repository.description",
    "opensource.Repository.description_zh",
    "opensource.LicenceAgreement.body",
    "opensource.LicenceAgreement.body_zh",
    "opensource.Title.revoke_reason",
)
def opensource(pages: Pages):
    from django.test import Client
    from django.utils import timezone

    from fanrepublic.members.tests.factories import MemberFactory, engineer
    from fanrepublic.opensource import samples, services
    from fanrepublic.opensource.models import Title

    staff = engineer()
    agreement_group = packs(20000, sep="\n")[0]
    text = "\n".join(p.text for p in agreement_group)
    services.agreement_publish(actor=staff, body=text, body_zh=text)
    descriptions = packs(300)
    repo = services.repository_open(
        actor=staff,
        host="github",
        full_name="orange/navigation",
        description=" ".join(p.text for p in descriptions[0]),
        description_zh=" ".join(p.text for p in descriptions[-1]),
    )
    hook = Client()
    fan = MemberFactory()
    agreement = services.LicenceAgreement.objects.get()
    services.agreement_accept(member=fan, version=agreement.version, digest=agreement.digest)
    pages.check(MemberFactory(), _reverse("opensource:mine"), shows=markers(agreement_group)[:1])
    titles, logins = packs(300), packs(100)
    shown = []
    for n in range(max(len(titles), len(logins))):
        title = " ".join(p.text for p in titles[n % len(titles)])
        login = " ".join(p.text for p in logins[n % len(logins)])
        code = services.account_link_start(member=fan, host="github") if n == 0 else ""
        event, payload = samples.pull_request(
            repository=repo,
            number=n + 1,
            title=title,
            author=(login, 7000 + n),
            body=code,
            merged_at=timezone.now(),
        )
        headers, body = samples.signed(repo, event, payload)
        response = hook.post(
            _reverse("opensource:hook", repo.pk),
            data=body,
            content_type="application/json",
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )
        assert response.status_code == 200, response.content
        shown += markers(titles[n % len(titles)])[:1]
    long_texts = packs(5000)
    maintainer = MemberFactory()
    repo.maintainers.add(maintainer)
    for n, group in enumerate(long_texts):
        work = services.contribution_submit(
            member=fan,
            repository=repo,
            kind="docs",
            title=" ".join(p.text for p in titles[n % len(titles)]),
            url="https://example.com/" + "".join(p.text for p in group)[:100],
            description="\n".join(p.text for p in group),
        )
        pages.check(maintainer, _reverse("opensource:queue"), shows=markers(group)[:1])
        if n % 2:
            services.contribution_decide(actor=maintainer, contribution=work, approve=True)
        else:
            reason = " ".join(p.text for p in descriptions[n % len(descriptions)])
            services.contribution_decide(actor=maintainer, contribution=work, approve=False, reason=reason)
    pages.check(None, _reverse("opensource:index"))
    pages.check(
        None, _reverse("opensource:repository", repo.pk), shows=shown[:1] + markers(descriptions[0])[:1]
    )
    pages.check(staff, _reverse("opensource:repository", repo.pk))
    pages.check(fan, _reverse("opensource:mine"))
    pages.check(None, _reverse("members:profile", fan.username))
    title = Title.objects.filter(member=fan, rank="academician").first()
    if title is not None:
        services.title_revoke(actor=staff, title=title, reason=" ".join(p.text for p in descriptions[0]))
        pages.check(fan, _reverse("opensource:mine"), shows=markers(descriptions[0])[:1])
    pages.check(staff, _reverse("opensource:queue"))
    pages.check(staff, _reverse("opensource:agreement"))
