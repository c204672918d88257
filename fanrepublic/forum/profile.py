"""A member's topics on their profile (what the viewer may see of them)."""

from fanrepublic.members.profile import profile_section

from .selectors import topic_list


@profile_section(slot="main", template="forum/partials/profile_topics.html", order=10)
def topics(member, viewer):
    return {"topics": topic_list(viewer=viewer, author=member, sort="new")[:20]}
