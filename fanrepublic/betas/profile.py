"""What a member keeps from beta programmes, on their profile."""

from fanrepublic.members.profile import profile_section

from .selectors import entitlements_of


@profile_section(slot="card", template="betas/entitlements.html", order=20)
def entitlements(member, viewer):
    return {"entitlements": list(entitlements_of(member=member))}
