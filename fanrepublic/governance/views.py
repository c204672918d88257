import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.charts import bar_chart
from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed
from fanrepublic.core.forms import submit_form

from . import merkle, permissions, selectors, services
from .enums import RANKED, Method, VoteStatus
from .forms import OutcomeForm, VoteForm


def index(request):
    return render(
        request,
        "governance/index.html",
        {
            "votes": selectors.votes_visible(viewer=request.user),
            "can_run": permissions.can_run_votes(request.user),
        },
    )


def _choice_from_post(vote, post) -> tuple[list, bool]:
    if "abstain" in post:
        return [], True
    if vote.method == Method.SINGLE:
        return ([post["option"]] if post.get("option") else []), False
    if vote.method == Method.APPROVAL:
        return post.getlist("option"), False
    ranks = {}
    for option in vote.options.all():
        value = post.get(f"rank_{option.pk}", "").strip()
        if value:
            if not value.isdigit():
                raise ValidationFailed(_("Ranks are numbers."), field="choice")
            ranks[option.pk] = int(value)
    if len(set(ranks.values())) != len(ranks):
        raise ValidationFailed(_("Give each rank to one option only."), field="choice")
    return [pk for pk, _rank in sorted(ranks.items(), key=lambda kv: kv[1])], False


def vote_detail(request, slug, *, error=None, status=200):
    vote = selectors.vote_get(viewer=request.user, slug=slug)
    options = list(vote.options.all())
    ballot = services.my_ballot(member=request.user, vote=vote)
    labels = {str(o.pk): o.display_label for o in options}
    labels["abstain"] = _("Abstain")
    counts = {}
    if vote.status == VoteStatus.PUBLISHED:
        counts = {**vote.result.get("counts", {}), "abstain": vote.result.get("abstained", 0)}
    elif vote.results_visible:
        counts = selectors.running_counts(vote)
    chart = (
        bar_chart(
            [(labels.get(k, k), v) for k, v in counts.items()],
            title=_("Ballots per option"),
            chart_id="chart-vote",
        )
        if counts
        else ""
    )
    context = {
        "vote": vote,
        "options": options,
        "ballot": ballot,
        "chosen": [labels.get(str(o), "") for o in ballot.choice] if ballot else [],
        "ranked": vote.method in RANKED,
        "problems": services.eligibility(request.user, vote) if request.user.is_authenticated else [],
        "counts": sorted(((labels.get(k, k), v) for k, v in counts.items()), key=lambda kv: -kv[1]),
        "winners": [labels.get(str(w), "") for w in vote.result.get("winners", [])],
        "tied": [labels.get(str(w), "") for w in vote.result.get("tied", [])],
        "chart": chart,
        **_stages(vote, labels, options),
        "can_run": permissions.can_run_votes(request.user),
        "outcome_form": OutcomeForm(),
        "error": error,
    }
    return render(request, "governance/vote.html", context, status=status)


def _stages(vote, labels: dict, options) -> dict:
    """A published ranked count, stage by stage, for the vote page."""
    rounds = vote.result.get("rounds") or []
    if vote.status != VoteStatus.PUBLISHED or vote.method not in RANKED or "rule" not in vote.result:
        return {"stages": [], "stage_rows": []}
    stages = []
    for stage in rounds:
        name = labels.get(str(stage["candidate"]), "")
        text = {
            "first": _("First preferences"),
            "surplus": _("Surplus of %(name)s transferred") % {"name": name},
            "exclusion": _("%(name)s excluded") % {"name": name},
            "last_vacancies": _("As many options left as seats: all elected"),
        }.get(stage["action"], stage["action"])
        stages.append(
            {
                "text": text,
                "elected": [labels.get(str(o), "") for o in stage["elected"]],
                "exhausted": stage["exhausted"],
                "tie": stage["tie"],
            }
        )
    rows = [(o.display_label, [stage["counts"].get(str(o.pk), "") for stage in rounds]) for o in options]
    return {"stages": stages, "stage_rows": rows}


@login_required
@require_POST
def cast(request, slug):
    vote = selectors.vote_get(viewer=request.user, slug=slug)
    try:
        option_ids, abstain = _choice_from_post(vote, request.POST)
        ballot = services.ballot_cast(member=request.user, vote=vote, option_ids=option_ids, abstain=abstain)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return vote_detail(request, slug, error=exc.text, status=exc.status)
    messages.success(request, _("Your ballot is cast. Keep your receipt: %(r)s") % {"r": ballot.receipt})
    return redirect(vote.get_absolute_url())


def verify(request, slug):
    """Anyone with a receipt checks that it is counted, with which choice."""
    vote = selectors.vote_get(viewer=request.user, slug=slug)
    receipt = request.GET.get("receipt", "")[:64]
    found = services.receipt_check(vote=vote, receipt=receipt) if receipt else None
    labels = {o.pk: o.display_label for o in vote.options.all()}
    return render(
        request,
        "governance/verify.html",
        {
            "vote": vote,
            "receipt": receipt,
            "found": found,
            "proof": found["proof"] if found else None,
            "rfc9162": bool(found) and found["proof"]["scheme"] == merkle.SCHEME,
            "ballot_json": merkle.canonical(found["ballot"]).decode() if found else "",
            "chosen": [labels.get(o, "?") for o in found["ballot"]["choice"]] if found else [],
        },
    )


def ballots_file(request, slug):
    """The anonymised ballots, the digest and the result, for `manage.py recount_vote`."""
    vote = selectors.vote_get(viewer=request.user, slug=slug)
    if vote.status != VoteStatus.PUBLISHED:
        raise NotFound()
    data = {
        "vote": vote.slug,
        "question": vote.question,
        "method": vote.method,
        "seats": vote.seats,
        "options": [{"id": o.pk, "label": o.label} for o in vote.options.all()],
        "digest": vote.digest,
        "digest_scheme": vote.digest_scheme or merkle.LEGACY_SCHEME,
        "result": {
            "counts": vote.result.get("counts"),
            "winners": vote.result.get("winners"),
            **({"rule": vote.result["rule"]} if "rule" in vote.result else {}),
        },
        "ballots": services.anonymised_ballots(vote),
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{vote.slug}-ballots.json"'
    return response


@login_required
def vote_new(request):
    permissions.access_staff_pages(request.user)
    form = VoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        created, status = submit_form(form, lambda data: services.vote_create(actor=request.user, **data))
        if created:
            messages.success(request, _("Vote created as a draft. Open it when ready."))
            return redirect(created.get_absolute_url())
    return render(request, "governance/vote_form.html", {"form": form}, status=status)


@login_required
@require_POST
def staff_action(request, slug):
    permissions.access_staff_pages(request.user)
    vote = selectors.vote_get(viewer=request.user, slug=slug)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.vote_open(actor=request.user, vote=vote)
        elif action == "close":
            services.vote_close(actor=request.user, vote=vote)
        elif action == "publish":
            services.vote_publish(actor=request.user, vote=vote)
        elif action == "outcome":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed(_("Describe the outcome."), field="outcome")
            services.outcome_record(actor=request.user, vote=vote, **form.cleaned_data)
        else:
            raise ValidationFailed(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Done."))
    return redirect(vote.get_absolute_url())
