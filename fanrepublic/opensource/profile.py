"""The contributor's record on their profile page (members' profile sections)."""

from fanrepublic.members.profile import profile_section

from . import selectors


@profile_section(slot="main", template="opensource/profile_section.html", order=40)
def contributions(member, viewer):
    record = selectors.profile_of(member)
    if not record["total"] and not record["titles"]:
        return None
    return record
