"""Writes for the open-source programme: one function per use case, keyword-only, one
transaction, its event recorded; notifications after commit.

A contribution's path: a pull request opened in an opened repository arrives by the
host's signed webhook and is recorded for the host account that wrote it; merged, it
counts — once its account is linked to a member who accepted the contributor licence
agreement (until then it waits, and counts the moment both are true). Reviews count the
same way; non-code work (documentation, translation, testing, design) is entered by the
contributor and counts when a maintainer approves it. Counting records the event the
earning rules pay by (a merge's event names the git host's integration, so a rule can
trust the webhook alone) and re-evaluates the member's titles.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.models import Integration
from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import single_line_checked, text_checked
from fanrepublic.members.services import member_honour_set
from fanrepublic.notifications.services import notify

from . import permissions, selectors, webhooks
from .enums import (
    COUNTED_STATES,
    MANUAL_KINDS,
    ContributionKind,
    ContributionState,
    DeliveryOutcome,
    Host,
    TitleRank,
)
from .honours import honour_code
from .models import (
    Contribution,
    GitAccount,
    LicenceAcceptance,
    LicenceAgreement,
    Repository,
    Title,
    WebhookDelivery,
)

log = logging.getLogger(__name__)

MERGED_VERB = "opensource.contribution.merged"
REVIEWED_VERB = "opensource.contribution.reviewed"
APPROVED_VERB = "opensource.contribution.approved"

LINK_CODE_DAYS = 7
LINK_CODE_PREFIX = "FR-LINK-"


# ---- Repositories and the contributor licence agreement --------------------------------


def repository_open(
    *,
    actor,
    host: str,
    full_name: str,
    description: str = "",
    description_zh: str = "",
    product_line=None,
    maintainers=(),
) -> Repository:
    """Open a repository to members; its webhook secret is made here (shown to staff to
    paste into the host's webhook settings)."""
    if not permissions.is_programme_staff(actor):
        raise Forbidden()
    if host not in Host.values:
        raise ValidationFailed(_("Choose GitHub or Gitee."), field="host")
    full_name = single_line_checked(full_name, field="full_name", max_length=200)
    owner, _slash, name = full_name.partition("/")
    if not owner or not name or "/" in name or not all(c.isalnum() or c in "-_." for c in owner + name):
        raise ValidationFailed(
            _("Write the repository as owner/name, e.g. orange/navigation."), field="full_name"
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                repository = Repository.objects.create(
                    host=host,
                    full_name=full_name,
                    description=single_line_checked(
                        description, field="description", max_length=300, required=False
                    ),
                    description_zh=single_line_checked(
                        description_zh, field="description_zh", max_length=300, required=False
                    ),
                    webhook_secret=secrets.token_urlsafe(32),
                    product_line=product_line,
                )
        except IntegrityError:
            raise ValidationFailed(_("This repository is open already."), field="full_name") from None
        repository.maintainers.set(list(maintainers))
        audit_record(
            actor=actor, action="opensource.repository.opened", target=repository, data={"host": host}
        )
    return repository


def repository_secret_rotate(*, actor, repository: Repository) -> Repository:
    if not permissions.is_programme_staff(actor):
        raise Forbidden()
    with transaction.atomic():
        repository.webhook_secret = secrets.token_urlsafe(32)
        repository.save(update_fields=["webhook_secret"])
        audit_record(actor=actor, action="opensource.repository.secret_rotated", target=repository)
    return repository


def agreement_publish(*, actor, body: str, body_zh: str) -> LicenceAgreement:
    """A new version of the contributor licence agreement; contributors accept the
    current one, and what they accepted stays as it was."""
    if not permissions.is_programme_staff(actor):
        raise Forbidden()
    body = text_checked(body, field="body", max_length=20000, min_length=20)
    body_zh = text_checked(body_zh, field="body_zh", max_length=20000, min_length=10)
    with transaction.atomic():
        latest = LicenceAgreement.objects.select_for_update().order_by("-version").first()
        agreement = LicenceAgreement.objects.create(
            version=(latest.version if latest else 0) + 1,
            body=body,
            body_zh=body_zh,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(actor=actor, action="opensource.cla.published", target=agreement)
    return agreement


def agreement_accept(*, member, version: int, digest: str) -> LicenceAcceptance:
    """The member accepts the version they read (`digest` names its text): their
    contributions count from now, those waiting included."""
    if not permissions.is_member(member):
        raise Forbidden()
    current = LicenceAgreement.objects.order_by("-version").first()
    if current is None:
        raise Conflict(_("There is no contributor licence agreement to accept yet."))
    if current.version != version or current.digest != digest:
        raise Conflict(
            _("The agreement changed while you read it: read the current version and accept again.")
        )
    with transaction.atomic():
        acceptance, created = LicenceAcceptance.objects.get_or_create(
            member=member, agreement=current, defaults={"accepted_at": timezone.now()}
        )
        if created:
            record_event(
                verb="opensource.cla.accepted",
                actor=member,
                obj=current,
                owner=member,
                properties={"version": current.version},
            )
        _count_waiting(member)
    return acceptance


def _accepted_cla(member_id: int) -> bool:
    return LicenceAcceptance.objects.filter(member_id=member_id).exists()


# ---- Linking git accounts ---------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def account_link_start(*, member, host: str) -> str:
    """A code for the member to write in a pull request, a comment or a commit message in
    any opened repository; the signed delivery that carries it links the account that
    wrote it. Returns the code (shown once; only its hash is kept)."""
    if not permissions.is_member(member):
        raise Forbidden()
    if host not in Host.values:
        raise ValidationFailed(_("Choose GitHub or Gitee."), field="host")
    code = LINK_CODE_PREFIX + secrets.token_hex(5).upper()
    with transaction.atomic():
        account, _created = GitAccount.objects.select_for_update().get_or_create(member=member, host=host)
        if account.verified_at is not None:
            raise Conflict(_("Your account on this host is linked already; unlink it first."))
        account.code_hash = _code_hash(code)
        account.code_expires_at = timezone.now() + timedelta(days=LINK_CODE_DAYS)
        account.save(update_fields=["code_hash", "code_expires_at"])
    return code


def account_unlink(*, member, account: GitAccount) -> None:
    if account.member_id != member.pk:
        raise NotFound()
    with transaction.atomic():
        record_event(
            verb="opensource.account.unlinked",
            actor=member,
            obj=account,
            owner=member,
            properties={"host": account.host, "login": account.login},
        )
        # Its contributions stay counted for the member: they were theirs when counted.
        account.delete()


def _link_from(event: webhooks.GitEvent, texts: list[str], now) -> GitAccount | None:
    """Verify the account that wrote a link code, if the texts carry one."""
    sender = event.account
    if not sender.id:
        return None
    hashes = {
        _code_hash(word)
        for text in texts
        for word in text.replace("`", " ").split()
        if word.upper().startswith(LINK_CODE_PREFIX) and len(word) <= 40
    }
    if not hashes:
        return None
    account = (
        GitAccount.objects.select_for_update()
        .filter(host=event.host, code_hash__in=hashes, verified_at__isnull=True, code_expires_at__gt=now)
        .first()
    )
    if account is None:
        return None
    if GitAccount.objects.filter(host=event.host, account_id=sender.id, verified_at__isnull=False).exists():
        return None  # linked to someone already: a second member cannot claim it
    account.account_id, account.login = sender.id, sender.login
    account.verified_at, account.code_hash, account.code_expires_at = now, "", None
    account.save(update_fields=["account_id", "login", "verified_at", "code_hash", "code_expires_at"])
    Contribution.objects.filter(
        repository__host=event.host, git_account_id=sender.id, member__isnull=True
    ).update(member=account.member)
    record_event(
        verb="opensource.account.linked",
        actor=account.member,
        obj=account,
        owner=account.member,
        properties={"host": event.host, "login": sender.login},
    )
    notify(
        recipient_ids=[account.member_id],
        kind="opensource",
        actor=None,
        url=reverse("opensource:mine"),
        params={"what": "linked", "host": account.get_host_display(), "login": sender.login},
        dedupe_key=f"opensource:linked:{account.pk}:{sender.id}",
    )
    return account


# ---- Webhook deliveries -------------------------------------------------------------------


def _log_refusal(
    *, host: str, repository, refusal: webhooks.DeliveryRefused, event: str, remote_addr, network
):
    """Keep a refused delivery's reason — never its content — at most
    OPENSOURCE_REFUSED_LOG_RATE per client network: anyone can post forgeries."""
    log.warning("%s delivery refused (%s): %s", host, refusal.reason, refusal.detail)
    try:
        ratelimit.hit("opensource-refused-delivery", network, settings.OPENSOURCE_REFUSED_LOG_RATE)
    except RateLimited:
        return
    WebhookDelivery.objects.create(
        host=host,
        repository=repository,
        event=event[:64],
        outcome=DeliveryOutcome.REFUSED,
        reason=str(refusal.reason)[:40],
        detail=refusal.detail[:200],
        remote_addr=remote_addr or None,
    )


REFUSAL_STATUS = {
    webhooks.Refusal.MALFORMED: 400,
    webhooks.Refusal.UNKNOWN_EVENT: 400,
    webhooks.Refusal.REPLAYED: 409,
    webhooks.Refusal.WRONG_REPOSITORY: 403,
}


def delivery_receive(
    *, repository_id: int, headers, body: bytes, remote_addr: str = "", network: str = ""
) -> tuple[int, str]:
    """One webhook delivery for an opened repository: checked by the repository's own
    secret (GitHub's HMAC-SHA256 of the body; Gitee's signed timestamp), refused if its
    id was seen before (a replay) or it speaks of another repository, then recorded.
    Returns the HTTP status and a short word for the host's delivery log."""
    repository = Repository.objects.filter(pk=repository_id, is_open=True).first()
    if repository is None:
        return 404, "unknown repository"
    now = timezone.now()
    event_name = str(headers.get("X-GitHub-Event") or headers.get("X-Gitee-Event") or "")
    try:
        if repository.host == Host.GITHUB:
            delivery = webhooks.verify_github(headers=headers, body=body, secret=repository.webhook_secret)
        else:
            delivery = webhooks.verify_gitee(
                headers=headers, body=body, secret=repository.webhook_secret, now=now
            )
        events = webhooks.read_events(delivery)
        for event in events:
            if (
                event.repository.full_name
                and event.repository.full_name.lower() != repository.full_name.lower()
            ):
                raise webhooks.DeliveryRefused(
                    webhooks.Refusal.WRONG_REPOSITORY, event.repository.full_name[:100]
                )
    except webhooks.DeliveryRefused as refusal:
        _log_refusal(
            host=repository.host,
            repository=repository,
            refusal=refusal,
            event=event_name,
            remote_addr=remote_addr,
            network=network,
        )
        return REFUSAL_STATUS.get(refusal.reason, 401), str(refusal.reason)
    # The replay key is what the host signs: GitHub signs the body (its GUID header is not
    # signed, so a captured body sent with a fresh GUID would pass a GUID key), Gitee signs
    # the timestamp (its token). Kept as a hash, so the table holds no usable token.
    signed = body if repository.host == Host.GITHUB else delivery.delivery_id.encode()
    replay_key = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        # One delivery of a repository at a time: two events about a new pull request, or
        # two merges of one contributor, cannot race to create the same rows.
        Repository.objects.select_for_update().filter(pk=repository.pk).first()
        try:
            # Stored in the same transaction as what it records, so a delivery that failed
            # half-way is not taken for a replay when it comes again.
            with transaction.atomic():
                WebhookDelivery.objects.create(
                    host=repository.host,
                    repository=repository,
                    delivery_id=replay_key,
                    event=delivery.event[:64],
                    outcome=DeliveryOutcome.ACCEPTED if events else DeliveryOutcome.IGNORED,
                    remote_addr=remote_addr or None,
                )
        except IntegrityError:
            replayed = True
        else:
            replayed = False
            for event in events:
                _apply(repository, event, now)
    if replayed:
        _log_refusal(
            host=repository.host,
            repository=repository,
            refusal=webhooks.DeliveryRefused(webhooks.Refusal.REPLAYED, delivery.event[:60]),
            event=delivery.event,
            remote_addr=remote_addr,
            network=network,
        )
        return 409, "replayed"
    return 200, "ok" if events else "ignored"


def _written_by_sender(event: webhooks.GitEvent) -> list[str]:
    """The texts of a delivery its sender wrote — the only ones a link code is read from.
    A merge's sender is the maintainer who merged: a code in the pull request's title
    must not link the maintainer's account to the code's owner."""
    sender = event.account
    if event.kind == "pull_request":
        wrote_it = event.author is not None and event.author.id == sender.id
        return (
            [event.title, event.body] if wrote_it and event.action in ("opened", "edited", "reopened") else []
        )
    if event.kind in ("comment", "review"):
        return [event.body]  # the comment or review itself, never the pull request's title
    if event.kind == "push":
        return [commit.message for commit in event.commits if commit.author == sender.login]
    return []


def _apply(repository: Repository, event: webhooks.GitEvent, now) -> None:
    _link_from(event, _written_by_sender(event), now)
    if event.kind == "pull_request":
        _pull_request(repository, event, now)
    elif event.kind == "review":
        _review(repository, event, now)


def _member_of(host: str, account_id: str):
    if not account_id:
        return None
    account = GitAccount.objects.filter(host=host, account_id=account_id, verified_at__isnull=False).first()
    return account.member if account else None


def _pull_request(repository: Repository, event: webhooks.GitEvent, now) -> None:
    author = event.author or event.account
    state = (
        ContributionState.MERGED
        if event.merged or event.action == "merged"
        else ContributionState.CLOSED
        if event.action == "closed"
        else ContributionState.OPEN
    )
    found = (
        Contribution.objects.select_for_update()
        .filter(repository=repository, kind=ContributionKind.CODE, host_object_id=event.object_id)
        .first()
    )
    fields = {
        "title": event.title or f"#{event.number}",
        "url": event.url,
        "number": event.number,
        "git_account_id": author.id,
        "git_login": author.login,
        "description": event.body[:5000],
    }
    if found is None:
        found = Contribution.objects.create(
            repository=repository,
            kind=ContributionKind.CODE,
            host_object_id=event.object_id,
            state=state,
            member=_member_of(repository.host, author.id),
            **fields,
        )
    else:
        if found.state == ContributionState.MERGED:
            return  # merged is final: a late "closed" or an edit of a merged PR changes nothing
        for name, value in fields.items():
            setattr(found, name, value)
        found.state = state
        found.save(update_fields=[*fields, "state"])
    if state == ContributionState.MERGED:
        found.merged_at = event.merged_at or now
        found.merge_commit_sha = event.merge_commit_sha
        found.save(update_fields=["merged_at", "merge_commit_sha"])
        if found.member_id:
            _count_waiting(found.member)
        _reviews_of_merged(repository, found.number)


def _review_key(number, reviewer_id: str) -> str:
    return f"review:{number}:{reviewer_id}"


def _review(repository: Repository, event: webhooks.GitEvent, now) -> None:
    """An approval of someone else's pull request, one per (pull request, reviewer),
    waiting until the pull request is merged: then it counts. A dismissed approval that
    has not counted yet is dropped. So reviews cannot be farmed: drive-by approvals of
    pull requests that are never merged, or a second approval of the same one, count
    nothing."""
    reviewer = event.account
    if not reviewer.id or event.number is None or (event.author and event.author.id == reviewer.id):
        return  # a review of one's own pull request is not a contribution
    key = _review_key(event.number, reviewer.id)
    waiting = Contribution.objects.filter(
        repository=repository, kind=ContributionKind.REVIEW, host_object_id=key, counted_at__isnull=True
    )
    if event.action == "dismissed":
        waiting.filter(state=ContributionState.OPEN).delete()
        return
    if event.action != "approved":
        return
    merged = Contribution.objects.filter(
        repository=repository, kind=ContributionKind.CODE, number=event.number, state=ContributionState.MERGED
    ).exists()
    contribution, created = Contribution.objects.get_or_create(
        repository=repository,
        kind=ContributionKind.REVIEW,
        host_object_id=key,
        defaults={
            "state": ContributionState.APPROVED if merged else ContributionState.OPEN,
            "title": event.title or f"#{event.number}",
            "url": event.url,
            "number": event.number,
            "git_account_id": reviewer.id,
            "git_login": reviewer.login,
            "member": _member_of(repository.host, reviewer.id),
        },
    )
    if created and merged and contribution.member_id:
        _count_waiting(contribution.member)


def _reviews_of_merged(repository: Repository, number: int) -> None:
    """The approvals of a pull request count once it is merged."""
    reviews = Contribution.objects.filter(
        repository=repository, kind=ContributionKind.REVIEW, number=number, state=ContributionState.OPEN
    )
    members = {c.member for c in reviews.select_related("member") if c.member_id}
    reviews.update(state=ContributionState.APPROVED)
    for member in members:
        _count_waiting(member)


# ---- Counting, points and titles --------------------------------------------------------


def host_integration(host: str) -> Integration:
    """The integration a host's webhooks stand for: merges and reviews it reports are
    recorded in its name, so an earning rule trusts it — and nothing else — to pay them."""
    integration, _created = Integration.objects.get_or_create(
        slug=f"git-{host}",
        defaults={
            "name": f"{Host(host).label} webhooks",
            "channel": Channel.API,
            "verbs": [MERGED_VERB, REVIEWED_VERB],
            "description": "Signed webhook deliveries of the opened repositories (opensource app).",
        },
    )
    return integration


def _count_waiting(member) -> int:
    """Count the member's contributions that are done but not counted yet, if they
    accepted the contributor licence agreement; then re-evaluate their titles."""
    if not _accepted_cla(member.pk):
        return 0
    waiting = list(
        Contribution.objects.select_for_update()
        .filter(member=member, state__in=COUNTED_STATES, counted_at__isnull=True)
        .select_related("repository")
        .order_by("pk")
    )
    now = timezone.now()
    for contribution in waiting:
        contribution.counted_at = now
        contribution.save(update_fields=["counted_at"])
        properties = {"repository": contribution.repository.full_name, "kind": contribution.kind}
        if contribution.kind == ContributionKind.CODE:
            verb, integration = MERGED_VERB, host_integration(contribution.repository.host)
        elif contribution.kind == ContributionKind.REVIEW:
            verb, integration = REVIEWED_VERB, host_integration(contribution.repository.host)
        else:
            verb, integration = APPROVED_VERB, None
        record_event(
            verb=verb,
            # Who judged it — the maintainer who approved, or the host's merge — never the
            # contributor: earning rules pay the owner only for what others did with their work.
            actor=contribution.decided_by,
            obj=contribution,
            owner=member,
            channel=Channel.API if integration else Channel.WEB,
            properties=properties,
            idempotency_key=f"opensource:counted:{contribution.pk}",
            integration=integration,
        )
        notify(
            recipient_ids=[member.pk],
            kind="opensource",
            actor=None,
            url=reverse("opensource:mine"),
            params={"what": "counted", "kind": contribution.kind, "title": contribution.title[:120]},
            dedupe_key=f"opensource:counted:{contribution.pk}",
        )
    if waiting:
        titles_award(member=member)
    return len(waiting)


def record_of(member) -> dict[str, int]:
    """The counted contributions of a member by kind (what the titles' bars read)."""
    counts = dict(
        Contribution.objects.filter(member=member, counted_at__isnull=False)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {
        "code": counts.get(ContributionKind.CODE, 0),
        "reviews": counts.get(ContributionKind.REVIEW, 0),
        "other": sum(counts.get(kind, 0) for kind in MANUAL_KINDS),
        "total": sum(counts.values()),
    }


def meets_bar(rank: str, record: dict[str, int]) -> bool:
    """The published bars (docs/opensource.md), from settings."""
    bars = settings.OPENSOURCE_TITLE_BARS[rank]
    return all(record[name] >= minimum for name, minimum in bars.items())


def titles_award(*, member) -> list[Title]:
    """Award every title the member's record now meets and they do not hold. Academician
    numbers are given in the order titles are earned, to the first
    OPENSOURCE_ACADEMICIANS outside contributors; a number is never given twice (a
    unique constraint, and the numbering reads under a lock on the rank's last title)."""
    with transaction.atomic():
        awarded = _titles_award(member)
        if awarded:
            _honour_refresh(member)
        return awarded


def _honour_refresh(member) -> None:
    """The highest title held shows beside the member's name across the site."""
    member_honour_set(member=member, code=honour_code(selectors.top_title(member)))


def _titles_award(member) -> list[Title]:
    record = record_of(member)
    held = set(Title.objects.filter(member=member).values_list("rank", flat=True))
    awarded = []
    now = timezone.now()
    for rank in (TitleRank.CONTRIBUTOR, TitleRank.CORE, TitleRank.ACADEMICIAN):
        if rank in held or not meets_bar(rank, record):
            continue
        number = None
        if rank == TitleRank.ACADEMICIAN:
            if not permissions.is_outside_contributor(member):
                continue
            # The last number's row is locked until this transaction ends, so two members
            # earning it at once take consecutive numbers; the very first two race on the
            # unique (rank, number) instead, and the loser's delivery is retried by its host.
            Title.objects.select_for_update().filter(rank=rank).order_by("-number").first()
            number = (Title.objects.filter(rank=rank).aggregate(top=Max("number"))["top"] or 0) + 1
            if number > settings.OPENSOURCE_ACADEMICIANS:
                continue
        title = Title.objects.create(member=member, rank=rank, number=number, awarded_at=now)
        awarded.append(title)
        record_event(
            verb="opensource.title.awarded",
            actor=None,
            obj=title,
            owner=member,
            properties={"rank": rank, "number": number},
            idempotency_key=f"opensource:title:{member.pk}:{rank}",
        )
        notify(
            recipient_ids=[member.pk],
            kind="opensource",
            actor=None,
            url=reverse("opensource:mine"),
            params={"what": "title", "rank": rank, "number": number},
            dedupe_key=f"opensource:title:{title.pk}",
        )
    return awarded


def title_revoke(*, actor, title: Title, reason: str) -> Title:
    """A maintainer takes a title back, with a reason the member reads; audited. The
    number stays with the revoked title and is not given again."""
    if not permissions.is_programme_staff(actor):
        raise Forbidden()
    if actor.pk == title.member_id:
        raise Forbidden()
    reason = single_line_checked(reason, field="reason", max_length=500)
    if len(reason) < 10:
        raise ValidationFailed(_("Give the member a reason of at least 10 characters."), field="reason")
    with transaction.atomic():
        locked = Title.objects.select_for_update().get(pk=title.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("This title was revoked already."))
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), actor, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        _honour_refresh(locked.member)
        audit_record(
            actor=actor,
            action="opensource.title.revoked",
            target=locked.member,
            reason=reason,
            data={"rank": locked.rank, "number": locked.number},
        )
        record_event(
            verb="opensource.title.revoked",
            actor=actor,
            obj=locked,
            owner=locked.member,
            properties={"rank": locked.rank, "number": locked.number},
        )
        notify(
            recipient_ids=[locked.member_id],
            kind="opensource",
            actor=actor,
            url=reverse("opensource:mine"),
            params={"what": "revoked", "rank": locked.rank, "number": locked.number, "reason": reason},
            dedupe_key=f"opensource:revoked:{locked.pk}",
        )
    return locked


# ---- Non-code contributions -------------------------------------------------------------


def contribution_submit(
    *, member, repository: Repository, kind: str, title: str, url: str = "", description: str = ""
):
    """A member records non-code work for a maintainer to approve."""
    if not permissions.is_member(member):
        raise Forbidden()
    if not repository.is_open:
        raise NotFound()
    if kind not in MANUAL_KINDS:
        raise ValidationFailed(_("Choose documentation, translation, testing or design."), field="kind")
    ratelimit.hit("opensource-submit", str(member.pk), settings.OPENSOURCE_SUBMIT_RATE)
    title = single_line_checked(title, field="title", max_length=300)
    url = single_line_checked(url, field="url", max_length=2000, required=False)
    if url and not url.startswith(("https://", "http://")):
        raise ValidationFailed(_("Give a link starting with https://."), field="url")
    description = text_checked(description, field="description", max_length=5000)
    with transaction.atomic():
        contribution = Contribution.objects.create(
            repository=repository,
            kind=kind,
            state=ContributionState.PENDING,
            member=member,
            title=title,
            url=url,
            description=description,
        )
        record_event(
            verb="opensource.contribution.submitted",
            actor=member,
            obj=contribution,
            owner=member,
            properties={"kind": kind, "repository": repository.full_name},
        )
        maintainers = set(repository.maintainers.values_list("pk", flat=True))
        notify(
            recipient_ids=maintainers,
            kind="opensource",
            actor=member,
            url=reverse("opensource:queue"),
            params={"what": "submitted", "title": title[:120], "repository": repository.full_name},
            dedupe_key=f"opensource:submitted:{contribution.pk}",
        )
    return contribution


def contribution_decide(
    *, actor, contribution: Contribution, approve: bool, reason: str = ""
) -> Contribution:
    """A maintainer approves or declines non-code work (never their own); audited."""
    if not permissions.can_maintain(actor, contribution.repository):
        raise NotFound()
    if contribution.member_id == actor.pk:
        raise Forbidden(_("Someone else approves your own contributions."))
    reason = single_line_checked(reason, field="reason", max_length=500, required=not approve)
    with transaction.atomic():
        locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if locked.state != ContributionState.PENDING:
            raise Conflict(_("This contribution was decided already."))
        locked.state = ContributionState.APPROVED if approve else ContributionState.DECLINED
        locked.decided_by, locked.decided_at, locked.decision_reason = actor, timezone.now(), reason
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            actor=actor,
            action="opensource.contribution.decided",
            target=locked,
            reason=reason,
            data={"approved": approve},
        )
        if approve:
            _count_waiting(locked.member)
        else:
            notify(
                recipient_ids=[locked.member_id],
                kind="opensource",
                actor=actor,
                url=reverse("opensource:mine"),
                params={"what": "declined", "title": locked.title[:120], "reason": reason},
                dedupe_key=f"opensource:declined:{locked.pk}",
            )
    return locked


def change_shipped(*, item) -> Contribution | None:
    """A published release carried a merged change (`release_sources`): the change records
    the item it shipped as, which puts the release on its contributor's profile. Once: a
    change already shipped keeps its first release."""
    with transaction.atomic():
        change = (
            Contribution.objects.select_for_update()
            .filter(pk=item.source_id, kind=ContributionKind.CODE, state=ContributionState.MERGED)
            .first()
        )
        if change is None or change.release_item_id is not None:
            return None
        change.release_item = item
        change.save(update_fields=["release_item"])
    return change
