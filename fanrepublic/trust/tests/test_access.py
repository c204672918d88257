"""Who may use each trust page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). The world's store manager runs one store with a chat
group and a service case; the case's customer is the world's member; the network's
operators and founders see everything and alone write rules and temperature settings."""

from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.stores.tests.factories import ContactFactory, StoreFactory

from .factories import ASKED_THREE_TIMES, ChatGroupFactory, RuleFactory, ServiceCaseFactory

NETWORK = ("operator", "founder")
CONSOLE = ("store_manager", *NETWORK)
CASE = (*CONSOLE, MEMBER)


def store(w):
    return w.once("store", lambda: StoreFactory(manager=w.user("store_manager")))


def group(w):
    return w.once("group", lambda: ChatGroupFactory(store=store(w), owner=store(w).manager))


def customer(w):
    def build():
        contact = ContactFactory(member=w.member)
        contact.stores.add(store(w))
        return contact

    return w.once("customer", build)


def case(w):
    return w.once(
        "case", lambda: ServiceCaseFactory(contact=customer(w), store=store(w), assignee=store(w).manager)
    )


def rule(w):
    return w.once("rule", RuleFactory)


def case_pk(w):
    return {"pk": case(w).pk}


def case_id(w):
    return {"case_id": case(w).pk}


def rule_id(w):
    return {"rule_id": rule(w).pk}


ACCESS = (
    page(
        "trust:wecom_callback",
        dict.fromkeys(EVERYONE, 400),
        note="WeCom's door: open to anyone, refused without a valid signature (test_chat)",
    ),
    page("trust:console", CONSOLE, visitor=302),
    page("trust:metrics", CONSOLE, visitor=302),
    page("trust:group", CONSOLE, args=lambda w: {"pk": group(w).pk}, visitor=302),
    page("trust:my_cases", SIGNED_IN, visitor=302),
    page("trust:case", CASE, args=case_pk, visitor=302),
    page(
        "trust:case_write",
        CASE,
        ok=302,
        method="post",
        args=case_pk,
        data=lambda w: {"text": "We have it in stock."},
        visitor=302,
    ),
    page(
        "trust:case_close",
        CONSOLE,
        ok=302,
        method="post",
        args=case_pk,
        data=lambda w: {"outcome": "resolved"},
        visitor=302,
        note="the customer sees the case but only staff close it",
    ),
    page(
        "trust:case_hand_over",
        CONSOLE,
        ok=302,
        method="post",
        args=case_pk,
        data=lambda w: {"to": str(store(w).manager.pk), "text": "Yours."},
        visitor=302,
    ),
    page("trust:rules", NETWORK, visitor=302),
    page("trust:rule_new", NETWORK, visitor=302),
    page("trust:rule", NETWORK, args=lambda w: {"pk": rule(w).pk}, visitor=302),
    page("trust:factors", NETWORK, visitor=302),
    api(
        "POST /api/v1/trust/messages",
        (),
        others=401,
        data=lambda w: {"messages": []},
        note="an integration's token only (test_chat)",
    ),
    api("GET /api/v1/trust/console/groups", CONSOLE, visitor=401),
    api("GET /api/v1/trust/console/questions", CONSOLE, visitor=401),
    api(
        "GET /api/v1/trust/customers/{contact_id}/temperature",
        CONSOLE,
        args=lambda w: {"contact_id": customer(w).pk},
        visitor=401,
    ),
    api("GET /api/v1/trust/rules", NETWORK, visitor=401),
    api("POST /api/v1/trust/rules", NETWORK, ok=201, data=lambda w: ASKED_THREE_TIMES, visitor=401),
    api(
        "PUT /api/v1/trust/rules/{rule_id}",
        NETWORK,
        args=rule_id,
        data=lambda w: ASKED_THREE_TIMES,
        visitor=401,
    ),
    api(
        "POST /api/v1/trust/rules/{rule_id}/switch",
        NETWORK,
        args=rule_id,
        data=lambda w: {"on": True},
        visitor=401,
    ),
    api("GET /api/v1/trust/rules/{rule_id}/dry-run", NETWORK, args=rule_id, visitor=401),
    api("GET /api/v1/trust/cases", CONSOLE, visitor=401),
    api("GET /api/v1/trust/cases/{case_id}", CASE, args=case_id, visitor=401),
    api(
        "POST /api/v1/trust/cases/{case_id}/entries",
        CASE,
        ok=201,
        args=case_id,
        data=lambda w: {"text": "Thanks!"},
        visitor=401,
    ),
    api(
        "POST /api/v1/trust/cases/{case_id}/close",
        CONSOLE,
        args=case_id,
        data=lambda w: {"outcome": "bought"},
        visitor=401,
    ),
    api(
        "POST /api/v1/trust/cases/{case_id}/hand-over",
        CONSOLE,
        args=case_id,
        data=lambda w: {"to": store(w).manager.pk},
        visitor=401,
    ),
    api("GET /api/v1/trust/metrics", CONSOLE, visitor=401),
)

test_access = access_test(ACCESS)
