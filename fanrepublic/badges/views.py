from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.members.permissions import can_moderate
from fanrepublic.members.selectors import member_get_public

from . import selectors, services
from .forms import GrantForm


def gallery(request):
    return render(request, "badges/gallery.html", {"badges": selectors.badge_gallery()})


@login_required
@require_POST
def grant(request, username):
    if not can_moderate(request.user):
        raise NotFound()
    member = member_get_public(username=username)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.badge_grant(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Badge granted."))
    else:
        messages.error(request, _("Choose a badge and give a reason."))
    return redirect("members:profile", username=member.username)
