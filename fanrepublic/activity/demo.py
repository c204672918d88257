"""The demo's integrations: systems outside the platform that send events, and what
each may send. Idempotent."""

from .models import Integration

# Systems outside the platform that send events, and what each may send.
INTEGRATIONS = [
    ("mi-home-app", "Mi Home app", "The brand's phone app: sessions.", "app", ["app.opened"]),
    (
        "beijing-flagship-pos",
        "Beijing flagship store POS",
        "The point of sale of the flagship store: visits and purchases.",
        "store",
        ["store.visited", "store.purchased"],
    ),
]


def seed(run) -> None:
    for slug, name, description, channel, verbs in INTEGRATIONS:
        Integration.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "channel": channel, "verbs": verbs}
        )
