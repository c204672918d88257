"""The header is assembled from the apps' declared entries, and each role sees exactly
the staff links it may use: every link shown opens, every staff page hidden answers 404
(the review found every staff role seeing all eleven links, 26 of them 404 for it)."""

import pytest
from django.test import Client

from fanrepublic.core.capabilities import nav_entries, nav_for
from fanrepublic.members.tests.factories import (
    MemberFactory,
    engineer,
    founder,
    legal,
    operator,
    security,
    store_manager,
)

pytestmark = pytest.mark.django_db
ROLES = {
    "engineer": engineer,
    "operator": operator,
    "store_manager": store_manager,
    "security": security,
    "legal": legal,
    "founder": founder,
    "member": MemberFactory,
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_the_staff_links_it_may_use(client: Client, role):
    user = ROLES[role]()
    client.force_login(user)
    shown = dict((href, label) for label, href in nav_for("staff", user))
    page = client.get("/").content.decode()
    for entry in nav_entries("staff"):
        href = entry.href(user)
        status = client.get(href).status_code
        if href in shown:
            assert status == 200, f"{role} sees {entry.label} but gets {status}"
            assert f'href="{href}"' in page
        else:
            assert status == 404, f"{role} does not see {entry.label} but gets {status}"
    if role == "member":
        assert shown == {} and ">Staff<" not in page


def test_visitors_see_the_public_menus_and_no_account_or_staff_links(client):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    page = client.get("/").content.decode()
    for _label, href in nav_for("take_part", visitor) + nav_for("main", visitor):
        assert f'href="{href}"' in page and client.get(href).status_code == 200
    assert nav_for("account", visitor) == [] and nav_for("staff", visitor) == []


def test_the_take_part_menu_lists_every_participation_capability():
    labels = {str(e.label) for e in nav_entries("take_part")}
    assert labels == {
        "Changelog",
        "Bug bounty",
        "Betas",
        "Votes",
        "Committees",
        "Launch events",
        "Stores",
        "Chains",
        "Pre-orders",
        "Flash sales",
        "Ideas",
        "Open source",
        "Users' court",
    }


def test_a_members_account_menu(client):
    member = MemberFactory()
    client.force_login(member)
    page = client.get("/").content.decode()
    for _label, href in nav_for("account", member):
        assert f'href="{href}"' in page and client.get(href).status_code == 200
