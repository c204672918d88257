"""Badges on a member's profile, and the operators' grant form in its moderation box."""

from fanrepublic.members.profile import profile_section

from .models import Badge
from .permissions import can_grant_badges
from .selectors import badges_of


@profile_section(slot="card", template="badges/showcase.html", order=10)
def showcase(member, viewer):
    return {"held": list(badges_of(member=member))}


@profile_section(slot="moderation", template="badges/grant_form.html", order=20)
def grant_form(member, viewer):
    if not can_grant_badges(viewer):
        return None
    return {"badges": Badge.objects.order_by("position", "name")}
