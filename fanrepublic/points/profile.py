"""The operators' link to a member's wallet, in the profile's moderation box."""

from fanrepublic.members.profile import profile_section

from .permissions import can_manage_points


@profile_section(slot="moderation", template="points/profile_link.html", order=10)
def wallet_link(member, viewer):
    return {} if can_manage_points(viewer) else None
