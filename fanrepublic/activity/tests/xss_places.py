"""The stored-XSS suite's places for activity (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import PAYLOADS, fitting, joined, packs


@place(
    "events",
    "activity.Event.idempotency_key",
    "activity.Event.object_type",
    "activity.Event.object_id",
)
def ingested_events(pages: Pages):
    """What an integration sends with its events (its idempotency keys, object types
    and ids) and staff read in the admin's event log."""
    from fanrepublic.activity.models import Event
    from fanrepublic.activity.services import events_ingest
    from fanrepublic.activity.tests.factories import IntegrationFactory
    from fanrepublic.members.tests.factories import MemberFactory

    integration = IntegrationFactory(name=PAYLOADS[0].text, verbs=["store.visited"])
    fan = MemberFactory()
    keys, types, ids = packs(190), fitting(60), fitting(64)  # a key also carries its number
    items = [
        {
            "idempotency_key": f"{n} {joined(keys[n % len(keys)])}",
            "verb": "store.visited",
            "actor": fan.pk,
            "object_type": types[n % len(types)].text,
            "object_id": ids[-1 - n % len(ids)].text,
            "properties": {"store": "SH-01"},
        }
        for n in range(max(len(keys), len(types), len(ids)))
    ]
    with pages.committed():
        results = events_ingest(items=items, integration=integration)
    assert [r.status for r in results] == ["created"] * len(items), results
    events = list(Event.objects.filter(integration=integration).order_by("pk"))
    pages.admin(events[0], shows=markers(keys[0]))
    pages.admin_page(_reverse("admin:activity_event_changelist"), q="XSS", shows=markers(types + ids))
    pages.admin_page(_reverse("admin:activity_integration_changelist"), shows=markers(PAYLOADS[:1]))
