from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import NotFound

from .enums import kinds
from .messages import notification_text
from .selectors import notifications_for
from .services import notifications_mark_read, preferences_for, preferences_update


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications_for(member=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    items = [(n, notification_text(n.kind, n.params)) for n in page.object_list]
    return render(
        request, "notifications/list.html", {"page": page, "items": items, "unread_only": unread_only}
    )


@login_required
def open_notification(request, pk):
    """Follow a notification's link and mark it read."""
    note = notifications_for(member=request.user).filter(pk=pk).first()
    if note is None:
        raise NotFound()
    notifications_mark_read(member=request.user, ids=[note.pk])
    return redirect(note.url)


@login_required
@require_POST
def mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications_mark_read(member=request.user, ids=ids)
    next_url = request.POST.get("next")
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("notifications:list")


@login_required
def preferences(request):
    if request.method == "POST":
        choices = {
            kind.code: {
                "in_app": request.POST.get(f"{kind.code}-in_app") == "on",
                "email": request.POST.get(f"{kind.code}-email") == "on",
            }
            for kind in kinds(request.user)
        }
        preferences_update(member=request.user, choices=choices)
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:preferences")
    prefs = preferences_for(member=request.user)
    rows = [(kind, prefs[kind.code]) for kind in kinds(request.user)]
    return render(request, "notifications/preferences.html", {"rows": rows})
