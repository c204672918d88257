from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from fanrepublic.members.permissions import can_view_metrics

from .errors import NotFound
from .selectors import audit_entries


@never_cache
def health(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request):
    """The benchmark baseline: the cheapest response this Django stack can give, through
    the same middleware as every page (see benchmarks/)."""
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def audit_log(request):
    if not can_view_metrics(request.user):
        raise NotFound()
    entries = audit_entries(action=request.GET.get("action", ""), actor_username=request.GET.get("actor", ""))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
