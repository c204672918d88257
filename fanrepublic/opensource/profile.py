"""The contributor's record on their profile page (members' profile sections)."""

from fanrepublic.members.profile import profile_section

from . import permissions, selectors


@profile_section(slot="main", template="opensource/profile_section.html", order=40)
def contributions(member, viewer):
    record = selectors.profile_of(member)
    if not record["total"] and not record["titles"]:
        return None
    # Why a title was revoked is for the member and programme staff, not every reader.
    viewer_id = getattr(viewer, "pk", None)
    return {**record, "show_reasons": viewer_id == member.pk or permissions.is_programme_staff(viewer)}
