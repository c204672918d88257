"""Points earned for a topic or reply link to it in the wallet's history (registered
with points/history.py when the app is ready)."""

from django.urls import reverse

from fanrepublic.points import history


@history.describes("forum.topic")
def describe_topics(ids: set[int]) -> dict[int, tuple[str, str]]:
    return {pk: (reverse("forum:topic", args=[pk]), "") for pk in ids}


@history.describes("forum.reply")
def describe_replies(ids: set[int]) -> dict[int, tuple[str, str]]:
    return {pk: (reverse("forum:reply", args=[pk]), "") for pk in ids}
