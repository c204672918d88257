"""What the activity app adds: the event log itself, and the verbs that only integrations
send (stores, the mobile app, chat tools). Every other verb is declared by the app that
records it, and integrations may not send those."""

from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field, StringConstraints

from fanrepublic.core.capabilities import Api, Capability, DemoStep, ExternalProperties, Verb

Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Amount = Annotated[str, StringConstraints(pattern=r"^\d{1,10}(\.\d{1,2})?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class AppOpened(ExternalProperties):
    platform: Literal["ios", "android", "harmonyos", "web", "car"]
    app_version: Annotated[str, StringConstraints(max_length=32)] = ""


class StoreVisited(ExternalProperties):
    store: Code


class StorePurchased(ExternalProperties):
    order: Code
    total: Amount
    currency: Currency = "CNY"
    store: Code | None = None
    items: Annotated[int, Field(ge=1, le=10_000)] = 1


class ChatMessageSent(ExternalProperties):
    group: Code
    kind: Literal["text", "image", "voice", "video", "file", "link"] = "text"
    length: Annotated[int, Field(ge=0, le=100_000)] = 0


CAPABILITY = Capability(
    label="activity",
    api=Api("/events", "fanrepublic.activity.api:router"),
    verbs=(
        Verb("app.opened", _("A member opened the brand's app."), external=True, properties=AppOpened),
        Verb(
            "store.visited", _("A member visited a physical store."), external=True, properties=StoreVisited
        ),
        Verb(
            "store.purchased",
            _("A member bought something in a store or the online shop."),
            external=True,
            properties=StorePurchased,
        ),
        Verb(
            "chat.message.sent",
            _("A member wrote in a brand chat group."),
            external=True,
            properties=ChatMessageSent,
        ),
    ),
    demo=(DemoStep("activity", "fanrepublic.activity.demo:seed"),),
)
