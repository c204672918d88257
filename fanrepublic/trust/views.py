"""Thin: parse input, authorise, call one service or selector, render."""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from fanrepublic.core.clientip import client_ip, client_network
from fanrepublic.core.forms import submit_form
from fanrepublic.members.enums import StaffRole
from fanrepublic.stores import permissions as store_permissions

from . import permissions, rules, selectors, services, temperature, wecom
from .forms import CloseForm, CustomerEntryForm, EntryForm, FactorForm, HandOverForm, RuleForm

log = logging.getLogger(__name__)


# --- WeCom's callback -------------------------------------------------------------------


@csrf_exempt  # WeCom signs its callbacks instead; a forged one fails the signature
@require_http_methods(["GET", "POST"])
def wecom_callback(request):
    """WeCom's callback URL: GET verifies the URL once (answer the decrypted echostr),
    POST delivers an encrypted event or archived message. Anything that fails the
    signature, the time window, the replay check or decryption is refused with 400,
    logged, and nothing from it is stored."""
    query = request.GET
    try:
        if request.method == "GET":
            echo = wecom.verify_url(
                msg_signature=query.get("msg_signature", ""),
                timestamp=query.get("timestamp", ""),
                nonce=query.get("nonce", ""),
                echostr=query.get("echostr", ""),
            )
            return HttpResponse(echo, content_type="text/plain")
        callback = wecom.open_callback(
            body=request.body,
            msg_signature=query.get("msg_signature", ""),
            timestamp=query.get("timestamp", ""),
            nonce=query.get("nonce", ""),
        )
    except wecom.CallbackRefused as refused:
        services.callback_refused_record(
            reason=refused.reason,
            address=client_ip(request),
            network=client_network(request),
            size=len(request.body),
        )
        log.warning("WeCom callback refused: %s", refused.reason)
        return HttpResponseBadRequest(refused.reason, content_type="text/plain")
    try:
        services.callback_receive(callback=callback)
    except Exception:
        # Nothing (or not all) of it was stored: WeCom sends the same request again,
        # which must not be refused as a replay. Storing is idempotent, so a part stored
        # before the failure is not stored twice.
        wecom.forget_callback(query.get("msg_signature", ""))
        raise
    # WeCom wants an empty 200 (or "success") within five seconds, or it retries.
    return HttpResponse("success", content_type="text/plain")


# --- the store manager's console ----------------------------------------------------------


@login_required
def console(request):
    permissions.access_console(request.user)
    rows = selectors.console_groups(viewer=request.user)
    return render(
        request,
        "trust/console.html",
        {
            "groups": rows,
            "messages_today": sum(r.today for r in rows),
            "questions": selectors.open_questions(viewer=request.user),
            "waiting": selectors.open_question_count(viewer=request.user),
            "warmest": selectors.customers_by_temperature(viewer=request.user),
            "coldest": selectors.customers_by_temperature(viewer=request.user, coldest=True),
            "cases": selectors.cases_visible(viewer=request.user).filter(status="open")[:50],
            "now": timezone.now(),
            "can_run_network": permissions.can_run_network(request.user),
        },
    )


@login_required
def group(request, pk):
    found = selectors.group_get(viewer=request.user, pk=pk)
    return render(
        request,
        "trust/group.html",
        {
            "group": found,
            "messages": selectors.group_messages(group=found),
            "members": found.memberships.filter(left_at__isnull=True).count(),
        },
    )


@login_required
def metrics(request):
    permissions.access_console(request.user)
    by_store, by_rule = selectors.case_metrics(viewer=request.user)
    return render(request, "trust/metrics.html", {"by_store": by_store, "by_rule": by_rule})


# --- service cases ----------------------------------------------------------------------------


def _staff_for(case):
    if case.store is None:
        return (
            get_user_model()
            .objects.filter(groups__name__in=[StaffRole.OPERATOR, StaffRole.FOUNDER])
            .distinct()
        )
    return (
        get_user_model()
        .objects.filter(Q(pk=case.store.manager_id) | Q(stores_staffed=case.store))
        .filter(is_active=True)
        .distinct()
    )


def _case(request, case, *, status=200, entry_form=None, close_form=None, handover_form=None):
    is_staff = permissions.can_work_case(request.user, case)
    return render(
        request,
        "trust/case.html",
        {
            "case": case,
            "is_staff": is_staff,
            "entries": selectors.case_entries(case=case, for_customer=not is_staff),
            "entry_form": entry_form or (EntryForm() if is_staff else CustomerEntryForm()),
            "close_form": close_form or CloseForm(),
            "handover_form": handover_form
            or HandOverForm(people=_staff_for(case).exclude(pk=request.user.pk)),
            "trust": selectors.customer_trust(contact=case.contact) if is_staff else None,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def case(request, pk):
    return _case(request, selectors.case_get(viewer=request.user, pk=pk))


@login_required
@require_POST
def case_write(request, pk):
    found = selectors.case_get(viewer=request.user, pk=pk)
    is_staff = permissions.can_work_case(request.user, found)
    form = (EntryForm if is_staff else CustomerEntryForm)(request.POST)
    _result, status = submit_form(
        form,
        lambda data: services.case_write(
            actor=request.user, case=found, text=data["text"], internal=bool(data.get("internal"))
        ),
    )
    if status != 200:
        return _case(request, found, status=status, entry_form=form)
    return redirect(found.get_absolute_url() + "#latest")


@login_required
@require_POST
def case_close(request, pk):
    found = selectors.case_get(viewer=request.user, pk=pk)
    form = CloseForm(request.POST)
    _result, status = submit_form(
        form, lambda data: services.case_close(actor=request.user, case=found, outcome=data["outcome"])
    )
    if status != 200:
        return _case(request, found, status=status, close_form=form)
    messages.success(request, _("Case closed."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def case_hand_over(request, pk):
    found = selectors.case_get(viewer=request.user, pk=pk)
    people = _staff_for(found)
    form = HandOverForm(request.POST, people=people)
    _result, status = submit_form(
        form,
        lambda data: services.case_hand_over(
            actor=request.user, case=found, to=people.filter(pk=data["to"]).first(), text=data["text"]
        ),
    )
    if status != 200:
        return _case(request, found, status=status, handover_form=form)
    messages.success(request, _("Handed over."))
    return redirect(found.get_absolute_url())


@login_required
def my_cases(request):
    return render(request, "trust/my_cases.html", {"cases": selectors.my_cases(member=request.user)})


# --- rules and temperature settings (operators) ------------------------------------------------


@login_required
def rules_index(request):
    permissions.access_network(request.user)
    rows = [(rule, [rules.describe(c) for c in rule.conditions]) for rule in selectors.rules_all()]
    return render(request, "trust/rules.html", {"rows": rows})


def _rule_page(request, rule, form, *, status=200, trial=None):
    return render(
        request,
        "trust/rule_form.html",
        {
            "rule": rule,
            "form": form,
            "trial": trial,
            "conditions": [rules.describe(c) for c in (rule.conditions if rule else [])],
        },
        status=status,
    )


@login_required
def rule_edit(request, pk=None):
    """Write a rule, try it on the past 90 days, switch it on or off."""
    permissions.access_network(request.user)
    rule = selectors.rule_get(viewer=request.user, pk=pk) if pk else None
    if request.method != "POST":
        form = RuleForm(initial=RuleForm.initial_for(rule) if rule else None)
        trial = (
            rules.dry_run(
                conditions=rule.conditions, window_days=rule.window_days, days=90, until=timezone.now()
            )
            if rule
            else None
        )
        return _rule_page(request, rule, form, trial=trial)
    action = request.POST.get("action", "save")
    if rule is not None and action in ("switch_on", "switch_off"):
        services.rule_switch(actor=request.user, rule=rule, on=action == "switch_on")
        messages.success(
            request, _("Rule switched on.") if action == "switch_on" else _("Rule switched off.")
        )
        return redirect(rule.get_absolute_url())
    form = RuleForm(request.POST)
    saved, status = submit_form(
        form, lambda _data: services.rule_save(actor=request.user, rule=rule, data=form.rule_data())
    )
    if status != 200:
        return _rule_page(request, rule, form, status=status)
    messages.success(request, _("Rule saved. Check the trial on past data before switching it on."))
    return redirect(saved.get_absolute_url())


@login_required
def factors(request):
    """The temperature's weights and half-lives, with the documented defaults beside."""
    permissions.access_network(request.user)
    status = 200
    if request.method == "POST":
        form = FactorForm(request.POST)
        _result, status = submit_form(
            form,
            lambda data: services.factor_save(
                actor=request.user,
                verb=data["verb"],
                weight=data["weight"],
                half_life_days=data["half_life_days"],
            ),
        )
        if status == 200:
            if request.POST.get("recompute"):
                count = temperature.temperatures_recompute()
                messages.success(
                    request, _("Saved; %(n)d customers' temperatures recomputed.") % {"n": count}
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("trust:factors")
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    table = temperature.factors()
    rows = [
        {
            "factor": table[verb],
            "default": default,
            "form": FactorForm(
                initial={
                    "verb": verb,
                    "weight": table[verb].weight,
                    "half_life_days": table[verb].half_life_days,
                }
            ),
        }
        for verb, default in temperature.DEFAULT_FACTORS.items()
    ]
    return render(
        request, "trust/factors.html", {"rows": rows, "neutral": temperature.NEUTRAL}, status=status
    )


def contact_section(request, contact) -> str:
    """The trust panel on a store customer's page (registered with the stores app)."""
    if not store_permissions.can_use_desk(request.user):
        return ""
    return render_to_string(
        "trust/contact_section.html",
        {"trust": selectors.customer_trust(contact=contact), "contact": contact},
        request=request,
    )
