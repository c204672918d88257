from celery import shared_task

from .services import trust_levels_recompute


@shared_task
def recompute_all_trust_levels() -> int:
    return trust_levels_recompute()


@shared_task
def recompute_trust_levels_for(member_ids: list[int]) -> int:
    return trust_levels_recompute(member_ids=member_ids)
