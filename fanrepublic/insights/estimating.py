"""Computing and storing the interaction comparisons (effects.py): every single kind and
the default definition of co-creation on the schedule, a chosen definition on request."""

from dataclasses import asdict

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import effects
from .interactions import CO_CREATION, KINDS, key_of
from .models import InteractionEstimate

KEPT_PER_DEFINITION = 30


def estimate(kinds, *, end=None) -> InteractionEstimate:
    end = end or timezone.localdate()
    found = effects.compare(kinds, end=end)
    result = asdict(found) if found else {}
    with transaction.atomic():
        row = InteractionEstimate.objects.create(
            kinds=sorted(set(kinds)),
            key=key_of(kinds),
            window_end=end,
            computed_at=timezone.now(),
            treated=found.treated if found else 0,
            controls=found.controls if found else 0,
            result=result,
        )
        stale = InteractionEstimate.objects.filter(key=row.key).values_list("pk", flat=True)[
            KEPT_PER_DEFINITION:
        ]
        InteractionEstimate.objects.filter(pk__in=list(stale)).delete()
    return row


NPS_KEY = "nps-gap"


def estimate_nps_gap(*, end=None) -> InteractionEstimate:
    """Co-creators' NPS against other respondents', raw and matched (effects.py)."""
    end = end or timezone.localdate()
    found = effects.nps_comparison(end=end)
    return InteractionEstimate.objects.create(
        kinds=[],
        key=NPS_KEY,
        window_end=end,
        computed_at=timezone.now(),
        treated=found.treated if found else 0,
        controls=found.controls if found else 0,
        result=asdict(found) if found else {},
    )


@shared_task
def refresh_estimates(extra_kinds: list[str] | None = None) -> int:
    definitions = [(code,) for code in KINDS] + [CO_CREATION]
    if extra_kinds and tuple(sorted(extra_kinds)) not in {tuple(sorted(d)) for d in definitions}:
        definitions.append(tuple(extra_kinds))
    end = timezone.localdate()
    for kinds in definitions:
        estimate(kinds, end=end)
    estimate_nps_gap(end=end)
    return len(definitions)
