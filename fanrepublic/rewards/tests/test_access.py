"""Who may use each store page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Store managers, operators and founders fulfil
orders; store managers and founders edit the catalogue; a member's orders are theirs."""

from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.points.services import points_award
from fanrepublic.rewards import services
from fanrepublic.rewards.tests.factories import RewardFactory

FULFILMENT = ("store_manager", "operator", "founder")
CATALOGUE = ("store_manager", "founder")


def reward(w):
    return w.once("reward", lambda: RewardFactory())


def order(w):
    """An open order of the member's, paid with points."""

    def build():
        points_award(member=w.member, points=1000, key=f"seed:{w.member.pk}", memo="seed")
        return services.reward_redeem(member=w.member, reward=reward(w), key="access", quantity=1)

    return w.once("order", build)


def order_pk(w):
    return {"pk": order(w).pk}


def order_id(w):
    return {"order_id": order(w).pk}


ACCESS = (
    page("rewards:catalogue", EVERYONE),
    page("rewards:detail", EVERYONE, args=lambda w: {"slug": reward(w).slug}),
    page("rewards:orders", SIGNED_IN, visitor=302),
    page("rewards:cancel", {MEMBER: 302}, args=order_pk, method="post", visitor=302),
    page("rewards:desk", FULFILMENT, visitor=302),
    page("rewards:desk_csv", FULFILMENT, visitor=302),
    page("rewards:desk_upload", FULFILMENT, args=(), method="post", ok=422, visitor=302, note="no file: 422"),
    page("rewards:fulfil", FULFILMENT, ok=302, args=order_pk, method="post", visitor=302),
    page(
        "rewards:refuse",
        FULFILMENT,
        ok=302,
        args=order_pk,
        method="post",
        data=lambda w: {"reason": "gone"},
        visitor=302,
    ),
    page("rewards:staff_catalogue", CATALOGUE, visitor=302),
    page("rewards:reward_new", CATALOGUE, visitor=302),
    page("rewards:reward_edit", CATALOGUE, args=lambda w: {"slug": reward(w).slug}, visitor=302),
    api("GET /api/v1/rewards", EVERYONE),
    api("GET /api/v1/rewards/{slug}", EVERYONE, args=lambda w: {"slug": reward(w).slug}),
    api("GET /api/v1/rewards/orders", SIGNED_IN, visitor=401),
    api(
        "POST /api/v1/rewards/{slug}/redeem",
        SIGNED_IN,
        ok=409,
        args=lambda w: {"slug": reward(w).slug},
        data=lambda w: {"idempotency_key": "k1"},
        visitor=401,
        note="members reach the service; nobody has the points here (409)",
    ),
    api("POST /api/v1/rewards/orders/{order_id}/cancel", {MEMBER: 200}, args=order_id, visitor=401),
    api("GET /api/v1/rewards/staff/orders", FULFILMENT, visitor=401),
    api(
        "POST /api/v1/rewards/orders/{order_id}/fulfil",
        FULFILMENT,
        args=order_id,
        data=lambda w: {"voucher_code": "ORANGE-1"},
        visitor=401,
    ),
    api(
        "POST /api/v1/rewards/orders/{order_id}/refuse",
        FULFILMENT,
        args=order_id,
        data=lambda w: {"reason": "gone"},
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
