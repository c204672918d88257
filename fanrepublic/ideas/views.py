"""Thin: parse input, call one service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core import ratelimit
from fanrepublic.core.charts import bar_chart
from fanrepublic.core.csvexport import csv_response
from fanrepublic.core.errors import NotFound
from fanrepublic.core.forms import act_then_redirect, submit_form, with_retry_after
from fanrepublic.core.i18n import is_chinese
from fanrepublic.core.markdown import render_markdown
from fanrepublic.products.models import ProductLine

from . import permissions, royalties_file, selectors, services
from .enums import ProposalStatus
from .forms import AcceptForm, AgreementForm, CommentForm, DecisionForm, OfferForm, ProposalForm, ReviewForm
from .services import ProposalText


@require_GET
def index(request):
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    line = request.GET.get("line", "")
    product_line = ProductLine.objects.filter(slug=line).first() if line else None
    sort = request.GET.get("sort", "support")
    found = selectors.proposals_list(
        viewer=request.user,
        status=status,
        product_line=product_line,
        query=request.GET.get("q", ""),
        sort=sort,
    )
    page = Paginator(found, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "ideas/index.html",
        {
            "page": page,
            "statuses": ProposalStatus.choices,
            "status": status,
            "lines": ProductLine.objects.filter(is_active=True),
            "line": line,
            "sort": sort if sort in selectors.SORTS else "support",
            "query": request.GET.get("q", ""),
            "threshold": selectors.support_threshold(),
            "can_propose": permissions.can_propose(request.user),
        },
    )


def _shown_text(proposal, request) -> dict:
    """The idea in the reader's language when the author gave a translation (the
    original one click away)."""
    original_is_reader_language = proposal.in_reader_language
    show_original = (
        original_is_reader_language or request.GET.get("original") or not proposal.title_translated
    )
    if show_original:
        title, pitch, specs = proposal.title, proposal.pitch, proposal.specs
    else:
        title, pitch = proposal.title_translated, proposal.pitch_translated
        specs = proposal.specs_translated or proposal.specs  # numbers and sizes often need none
    return {
        "title": title,
        "pitch": render_markdown(pitch),
        "specs": render_markdown(specs) if specs else "",
        "translated": not show_original,
        "has_translation": bool(proposal.title_translated) and not original_is_reader_language,
    }


def _proposal_page(
    request,
    proposal,
    *,
    comment_form=None,
    review_form=None,
    decision_form=None,
    offer_form=None,
    accept_form=None,
    status=200,
):
    user = request.user
    adoption = selectors.adoption_of(viewer=user, proposal=proposal)
    terms = selectors.may_read_terms(user, adoption)
    offering = proposal.status == ProposalStatus.ADOPTED and permissions.can_decide(user, proposal)
    offering = offering and not (adoption and adoption.accepted_at)
    threshold = selectors.support_threshold()
    role = permissions.reviewer_role(user, proposal)
    in_round = proposal.status == ProposalStatus.IN_REVIEW and proposal.review_round_id is not None
    return render(
        request,
        "ideas/proposal.html",
        {
            "proposal": proposal,
            "shown": _shown_text(proposal, request),
            "images": proposal.images.all(),
            "threshold": threshold,
            "progress": min(100, round(100 * proposal.support_count / threshold)) if threshold else 100,
            "supported": selectors.has_supported(member=user, proposal=proposal),
            "support_problem": permissions.support_problem(user, proposal),
            "can_edit": permissions.can_edit(user, proposal),
            "can_withdraw": permissions.can_withdraw(user, proposal),
            "can_comment": permissions.can_comment(user, proposal),
            "comments": [
                (c, render_markdown(c.body)) for c in selectors.comments_of(viewer=user, proposal=proposal)
            ],
            "comment_form": comment_form or CommentForm(),
            "reviews": selectors.reviews_of(proposal=proposal),
            "review_form": (review_form or ReviewForm()) if role and in_round else None,
            "reviewer_role": role,
            "decision_form": (decision_form or DecisionForm())
            if permissions.can_decide(user) and in_round
            else None,
            "decision": render_markdown(proposal.decision_reason) if proposal.decision_reason else "",
            "revisions": selectors.revisions_of(proposal=proposal).count(),
            "adoption": adoption,
            "terms": terms,
            "agreement_text": (
                render_markdown(adoption.agreement.body_zh if is_chinese() else adoption.agreement.body)
                if terms
                else ""
            ),
            "offer_form": (
                offer_form
                or OfferForm(
                    initial={"product_name": adoption.product_name, "skus": "\n".join(adoption.skus)}
                    if adoption
                    else {"product_name": proposal.display_title}
                )
            )
            if offering
            else None,
            "accept_form": (
                accept_form
                or AcceptForm(initial={"version": adoption.agreement.version, "terms": adoption.terms_digest})
            )
            if terms and adoption.accepted_at is None and user.pk == proposal.author_id
            else None,
            "now": timezone.now(),
        },
        status=status,
    )


@require_GET
def proposal(request, pk):
    return _proposal_page(request, selectors.proposal_get(viewer=request.user, pk=pk))


def _text(data) -> ProposalText:
    return ProposalText(**{name: data.get(name, "") for name in services.LIMITS})


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    if not permissions.can_propose(request.user):
        raise NotFound()
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        initial={"language": "zh-hans" if is_chinese() else "en"},
    )
    status = 200
    if request.method == "POST":
        made, status = submit_form(
            form,
            lambda data: services.proposal_create(
                author=request.user,
                product_line=data["product_line"],
                language=data["language"],
                text=_text(data),
                target_price=data["target_price"],
                images=data.get("images") or [],
            ),
        )
        if made is not None:
            messages.success(request, _("Your idea is published. Share it: supporters carry it to review."))
            return redirect(made.get_absolute_url())
    return with_retry_after(render(request, "ideas/new.html", {"form": form}, status=status), form)


@login_required
@require_GET
def similar(request):
    """While a member writes: ideas that read alike (htmx partial). Counted: each call
    segments and compares up to 2,000 ideas."""
    ratelimit.hit("ideas-similar", str(request.user.pk), settings.IDEAS_SIMILAR_RATE)
    text = " ".join([request.GET.get("title", "")[:200], request.GET.get("pitch", "")[:2000]]).strip()
    exclude = request.GET.get("exclude", "")
    found = selectors.similar_proposals(
        viewer=request.user,
        text=text,
        exclude=int(exclude) if exclude.isdigit() and len(exclude) < 18 else None,
    )
    return render(request, "ideas/partials/similar.html", {"found": found})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if not permissions.can_edit(request.user, proposal):
        raise NotFound()
    initial = {name: getattr(proposal, name) for name in services.LIMITS}
    initial["target_price"] = proposal.target_price
    form = ProposalForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        done, status = submit_form(
            form,
            lambda data: services.proposal_edit(
                actor=request.user, proposal=proposal, text=_text(data), target_price=data["target_price"]
            ),
        )
        if done is not None:
            messages.success(request, _("Saved. The earlier version is in the history."))
            return redirect(proposal.get_absolute_url())
    return render(request, "ideas/edit.html", {"form": form, "proposal": proposal}, status=status)


@require_GET
def history(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    return render(
        request,
        "ideas/history.html",
        {"proposal": proposal, "revisions": selectors.revisions_of(proposal=proposal)},
    )


def _post_form(request, proposal, form, action, *, form_name: str, done: str = "", anchor):
    """A form posted on an idea's page: done, back to the page at `anchor`; refused, the
    page again with the form's errors (and a rate limit's Retry-After)."""
    result, status = submit_form(form, action)
    if result is None:
        return with_retry_after(_proposal_page(request, proposal, status=status, **{form_name: form}), form)
    if done:
        messages.success(request, done)
    return redirect(f"{proposal.get_absolute_url()}#{anchor(result) if callable(anchor) else anchor}")


@login_required
@require_POST
def support(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    return act_then_redirect(
        request,
        proposal,
        lambda: services.proposal_support(member=request.user, proposal=proposal),
        _("Thank you for your support."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if not permissions.can_withdraw(request.user, proposal):
        raise NotFound()
    return act_then_redirect(
        request,
        proposal,
        lambda: services.proposal_withdraw(actor=request.user, proposal=proposal),
        _("Your idea is withdrawn."),
    )


@login_required
@require_POST
def comment(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    return _post_form(
        request,
        proposal,
        CommentForm(request.POST),
        lambda data: services.comment_add(author=request.user, proposal=proposal, body=data["body"]),
        form_name="comment_form",
        anchor=lambda comment: f"comment-{comment.pk}",
    )


@login_required
@require_POST
def review(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if permissions.reviewer_role(request.user, proposal) is None:
        raise NotFound()
    return _post_form(
        request,
        proposal,
        ReviewForm(request.POST),
        lambda data: services.review_record(
            reviewer=request.user,
            proposal=proposal,
            recommendation=data["recommendation"],
            reasons=data["reasons"],
        ),
        form_name="review_form",
        done=_("Your review is recorded."),
        anchor="reviews",
    )


@login_required
@require_POST
def decide(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if not permissions.can_decide(request.user, proposal):
        raise NotFound()
    return _post_form(
        request,
        proposal,
        DecisionForm(request.POST),
        lambda data: services.proposal_decide(
            actor=request.user, proposal=proposal, decision=data["decision"], reasons=data["reasons"]
        ),
        form_name="decision_form",
        done=_("The decision is published; the author and the supporters are told."),
        anchor="decision",
    )


@login_required
@require_GET
def queue(request):
    found = selectors.review_queue(viewer=request.user)
    return render(
        request,
        "ideas/queue.html",
        {
            "proposals": found[:200],
            "waiting": selectors.waiting_for_round(viewer=request.user)[:50],
            "rounds": selectors.rounds(viewer=request.user)[:12],
        },
    )


@login_required
@require_GET
def mine(request):
    return render(
        request,
        "ideas/mine.html",
        {
            "proposed": selectors.proposed_by(viewer=request.user, author=request.user),
            "supported": selectors.supported_by(member=request.user)[:100],
        },
    )


# ---- Adoption and royalties --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request):
    if not permissions.can_decide(request.user):
        raise NotFound()
    current = selectors.current_agreement()
    initial = {"body": current.body, "body_zh": current.body_zh, "rate": current.rate} if current else {}
    form = AgreementForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        done, status = submit_form(
            form,
            lambda data: services.agreement_publish(
                actor=request.user, body=data["body"], body_zh=data["body_zh"], rate=data["rate"]
            ),
        )
        if done is not None:
            messages.success(request, _("Version %(n)d of the agreement is published.") % {"n": done.version})
            return redirect("ideas:agreement")
    return render(
        request,
        "ideas/agreement.html",
        {"form": form, "versions": selectors.agreements()[:20]},
        status=status,
    )


@login_required
@require_POST
def offer(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if not permissions.can_decide(request.user, proposal):
        raise NotFound()
    return _post_form(
        request,
        proposal,
        OfferForm(request.POST),
        lambda data: services.adoption_offer(
            actor=request.user,
            proposal=proposal,
            product_name=data["product_name"],
            skus=data["skus"],
            rate=data["rate"],
        ),
        form_name="offer_form",
        done=_("The agreement is offered to the author."),
        anchor="adoption",
    )


@login_required
@require_POST
def accept(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    adoption = selectors.adoption_of(viewer=request.user, proposal=proposal)
    if adoption is None or request.user.pk != proposal.author_id:
        raise NotFound()
    return _post_form(
        request,
        proposal,
        AcceptForm(request.POST),
        lambda data: services.adoption_accept(
            actor=request.user, adoption=adoption, version=data["version"], terms=data["terms"]
        ),
        form_name="accept_form",
        done=_("Accepted. Your royalties count the product's sales from now on."),
        anchor="adoption",
    )


LINES_SHOWN = 100


@login_required
@require_GET
def royalties(request, pk):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    adoption, statements = selectors.royalties_of(viewer=request.user, proposal=proposal)
    statements = list(statements)
    for statement in statements:
        # The first lines on the page; every line is in the file.
        statement.shown_lines = list(selectors.statement_lines(statement)[:LINES_SHOWN])
    return render(
        request,
        "ideas/royalties.html",
        {
            "proposal": proposal,
            "adoption": adoption,
            "statements": statements,
            "total": sum(s.payable_fen for s in statements),
            "credited": sum(s.credited_fen for s in statements),
            "chart": bar_chart(
                [(f"{s.period:%Y-%m}", s.payable_fen / 100) for s in reversed(statements)],
                title=_("Royalties by month (yuan)"),
                chart_id="royalties",
            )
            if statements
            else None,
        },
    )


@login_required
@require_GET
def royalties_csv(request, pk):
    """Every counted line and every statement, for `manage.py recount_royalties`."""
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    adoption, statements = selectors.royalties_of(viewer=request.user, proposal=proposal)
    return csv_response(
        filename=f"royalties-{proposal.pk}.csv",
        header=list(royalties_file.HEADER),
        rows=_royalty_rows(reversed(list(statements))),
    )


def _royalty_rows(statements):
    """Each statement's lines, then its figures (streamed: a statement may count millions)."""
    blank = [""] * 9
    for statement in statements:
        month = f"{statement.period:%Y-%m}"
        for line in selectors.statement_lines(statement).iterator(chunk_size=2000):
            line_fields = [line.pk, line.order_number, line.occurred_at.isoformat(), line.sku]
            yield ["line", month, *line_fields, line.quantity, line.unit_price_fen, line.amount_fen, *blank]
        figures = [
            statement.rate,
            statement.sales_fen,
            statement.refunds_fen,
            statement.cumulative_net_fen,
            statement.due_to_date_fen,
            statement.payable_fen,
            statement.withheld_fen,
            statement.credited_fen,
            statement.tax_rate,
        ]
        yield ["statement", month, "", "", "", "", "", "", "", *figures]
