from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.charts import bar_chart
from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed
from fanrepublic.core.forms import submit_form
from fanrepublic.forum.models import Topic
from fanrepublic.products.models import ProductLine
from fanrepublic.products.selectors import product_lines_active

from . import permissions, selectors, services
from .forms import ItemForm, ReleaseForm


def index(request):
    return render(
        request,
        "releases/changelog.html",
        {
            "releases": selectors.link_sources(selectors.published_releases()[:20], viewer=request.user),
            "products": product_lines_active(),
            "product": None,
        },
    )


def product(request, product_slug):
    line = get_object_or_404(ProductLine, slug=product_slug, is_active=True)
    return render(
        request,
        "releases/changelog.html",
        {
            "releases": selectors.link_sources(
                selectors.published_releases(product_line=line)[:30], viewer=request.user
            ),
            "products": product_lines_active(),
            "product": line,
        },
    )


def release(request, product_slug, version):
    found = selectors.release_get_published(product_slug=product_slug, version=version)
    selectors.link_sources([found], viewer=request.user)
    return render(request, "releases/release.html", {"release": found})


def metrics(request):
    line = None
    if request.GET.get("product"):
        line = ProductLine.objects.filter(slug=request.GET["product"], is_active=True).first()
    result = selectors.release_metrics(product_line=line)
    chart_share = bar_chart(
        [
            (row["release"].version, round(row["share"], 1) if row["share"] is not None else None)
            for row in result.releases
        ],
        title=_("User-contributed share of each release"),
        unit="%",
        chart_id="chart-share",
        min_width=720,  # a few releases should not blow the labels up to poster size
    )
    chart_lead = bar_chart(
        [(row["release"].version, row["lead_median"]) for row in result.releases],
        title=_("Median days from suggestion to release, per release"),
        unit=_(" d"),
        chart_id="chart-lead",
        min_width=720,
    )
    return render(
        request,
        "releases/metrics.html",
        {
            "m": result,
            "products": product_lines_active(),
            "product": line,
            "chart_share": chart_share,
            "chart_lead": chart_lead,
        },
    )


@login_required
def plan(request):
    """Engineers: the upcoming releases of every product, and a form for the next one."""
    permissions.access_staff_pages(request.user)
    form = ReleaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        created, status = submit_form(form, lambda data: services.release_create(actor=request.user, **data))
        if created:
            messages.success(request, _("%(release)s is planned.") % {"release": created.display_name})
            return redirect("releases:workbench", pk=created.pk)
    return render(
        request,
        "releases/plan.html",
        {"form": form, "upcoming": selectors.upcoming_releases()},
        status=status,
    )


@login_required
def workbench(request, pk):
    """One release: its items, candidates from the forum and from every registered
    source, adding, removing, publishing."""
    permissions.access_staff_pages(request.user)
    found = selectors.release_get(pk=pk)
    form = ItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        added, status = submit_form(form, lambda data: _add_item(request, found, data))
        if added:
            messages.success(request, _("Added to %(release)s.") % {"release": found.display_name})
            return redirect("releases:workbench", pk=found.pk)
    selectors.link_sources([found], viewer=request.user)
    open_for_items = not found.is_published
    context = {
        "release": found,
        "form": form,
        "candidates": selectors.candidates_for(release=found) if open_for_items else [],
        "source_candidates": (
            selectors.source_candidates(release=found, actor=request.user) if open_for_items else []
        ),
        "frozen": found.is_frozen(),
    }
    return render(request, "releases/workbench.html", context, status=status)


def _add_item(request, found, data):
    topic = None
    if data.get("topic"):
        topic = Topic.objects.filter(pk=data["topic"]).first()
        if topic is None:
            raise ValidationFailed(_("There is no topic with that number."), field="topic")
    contributor = None
    if data.get("contributor"):
        contributor = get_user_model().objects.filter(username=data["contributor"], is_active=True).first()
        if contributor is None:
            raise ValidationFailed(_("There is no member with that name."), field="contributor")
    return services.release_item_add(
        actor=request.user,
        release=found,
        source=data["source"],
        kind=data["kind"],
        title=data.get("title") or "",
        title_zh=data.get("title_zh") or "",
        topic=topic,
        contributor=contributor,
        outside_url=data.get("outside_url") or "",
        source_id=data.get("source_id"),
    )


@login_required
@require_POST
def item_remove(request, pk, item_pk):
    permissions.access_staff_pages(request.user)
    found = selectors.release_get(pk=pk)
    item = found.items.filter(pk=item_pk).first()
    if item is None:
        raise NotFound()
    try:
        services.release_item_remove(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed from the release."))
    return redirect("releases:workbench", pk=found.pk)


@login_required
@require_POST
def publish(request, pk):
    permissions.access_staff_pages(request.user)
    found = selectors.release_get(pk=pk)
    try:
        services.release_publish(actor=request.user, release=found)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("releases:workbench", pk=found.pk)
    messages.success(request, _("%(release)s is published.") % {"release": found.display_name})
    return redirect(found.get_absolute_url())
