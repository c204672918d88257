"""Who may use each court page (fanrepublic/core/tests/access.py). Everyone reads how
the court works and every draw's public record; members file cases and see their own;
the parties, the jury and legal staff see a case, anyone else gets a 404; only legal
staff admit, refuse and draw; only the invited juror answers their invitation."""

from fanrepublic.core.tests.access import EVERYONE, SIGNED_IN, access_test, page

FORM = {
    "title": "Burned-in screen",
    "account": "The screen burned in after three months of normal use; the store refused a repair.",
    "remedy_sought": "Replace the phone.",
}


POLICY = {
    "min_trust_level": 3,
    "min_tenure_days": 90,
    "juror_cases_per_year": 3,
    "answer_hours": 48,
    "jury_fans": 10,
    "jury_legal": 2,
}


def case(w):
    from .factories import CaseFactory

    return w.once("case", lambda: CaseFactory(claimant=w.member))


def drawn(w):
    def build():
        from django.utils import timezone

        from .factories import JuryDrawFactory

        return JuryDrawFactory(case=case(w), drawn_at=timezone.now())

    return w.once("draw", build)


def invitation(w):
    def build():
        from .factories import JurorFactory

        return JurorFactory(draw=drawn(w), member=w.member, answer_by=_later())

    return w.once("juror", build)


def _later():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=2)


def admitted(w):
    def build():
        from django.utils import timezone

        from .factories import CaseFactory

        return CaseFactory(
            claimant=w.member, status="admitted", admitted_at=timezone.now(), clerk=w.user("legal")
        )

    return w.once("admitted", build)


def seated(w):
    """A case someone else brought, whose seated jury's foreperson is the member."""

    def build():
        from django.utils import timezone

        from .factories import CaseFactory, JurorFactory, JuryDrawFactory

        record = JuryDrawFactory(case=CaseFactory(status="seated"), drawn_at=timezone.now())
        JurorFactory(draw=record, member=w.member, state="accepted", position=1)
        return record.case

    return w.once("seated", build)


def evidence(w):
    from .factories import EvidenceFactory

    return w.once("evidence", lambda: EvidenceFactory(case=admitted(w)))


def ballot_open(w):
    from .factories import VerdictFactory

    return w.once("verdict", lambda: VerdictFactory(case=seated(w), foreperson=w.member))


def question(w, to):
    from .factories import QuestionFactory

    return w.once(f"question-{to}", lambda: QuestionFactory(case=admitted(w), to=to, state="forwarded"))


def obligation(w, **kwargs):
    def build():
        from django.utils import timezone

        from .factories import ObligationFactory, VerdictFactory

        verdict = VerdictFactory(case=admitted(w), state="adopted")
        return ObligationFactory(
            verdict=verdict, owner=w.user("operator"), executed_at=timezone.now(), **kwargs
        )

    return w.once(f"obligation-{kwargs}", build)


PARTIES = ("member", "operator", "founder")


def published_ruling(w):
    from .factories import RulingFactory

    return w.once("ruling", lambda: RulingFactory())


def ruling_draft(w):
    from .factories import RulingFactory

    return w.once("ruling-draft", lambda: RulingFactory(state="draft", published_at=None))


def proposal(w):
    from .factories import SettlementFactory

    return w.once("proposal", lambda: SettlementFactory(case=admitted(w), proposed_by=w.user("operator")))


def number(w):
    return {"number": case(w).number}


def draw_args(w):
    return {"number": drawn(w).case.number, "round": drawn(w).round}


ACCESS = (
    page("court:index", EVERYONE),
    page("court:stats", EVERYONE),
    page("court:rulings", EVERYONE),
    page("court:ruling", EVERYONE, args=lambda w: {"number": published_ruling(w).case.number}),
    page(
        "court:ruling_edit",
        ("legal",),
        args=lambda w: {"number": ruling_draft(w).case.number},
        visitor=302,
        note="legal staff anonymise and publish",
    ),
    page(
        "court:cite",
        PARTIES,
        ok=422,
        method="post",
        args=lambda w: {"number": admitted(w).number},
        visitor=302,
        note="the parties and the seated jury; no number: refused on the form",
    ),
    page("court:mine", SIGNED_IN, visitor=302),
    page("court:file", SIGNED_IN, visitor=302),
    page("court:file", SIGNED_IN, ok=302, method="post", data=lambda w: FORM, visitor=302),
    page("court:queue", ("legal",), visitor=302),
    page("court:case", ("member", "legal"), args=number, visitor=302, note="the claimant and legal staff"),
    page("court:admit", ("legal",), ok=302, method="post", args=number, visitor=302),
    page(
        "court:refuse",
        ("legal",),
        ok=422,
        method="post",
        args=number,
        data=lambda w: {"ground": "duplicate", "reason": "short"},
        visitor=302,
        note="reasons too short: refused on the form, for legal staff only",
    ),
    page("court:draw", ("legal",), ok=302, method="post", args=number, visitor=302),
    page(
        "court:answer",
        ("member",),
        ok=302,
        method="post",
        args=lambda w: {"pk": invitation(w).pk},
        data=lambda w: {"accept": "on"},
        visitor=302,
        note="only the juror invited",
    ),
    page("court:policy", ("operator", "founder"), visitor=302),
    page(
        "court:policy",
        ("operator", "founder"),
        ok=302,
        method="post",
        data=lambda w: {**POLICY, "reason": "A young community"},
        visitor=302,
    ),
    page(
        "court:evidence_add",
        PARTIES,
        ok=422,
        method="post",
        args=lambda w: {"number": admitted(w).number},
        visitor=302,
        note="the parties: the claimant, the company's representatives; no file: refused on the form",
    ),
    page(
        "court:evidence_file",
        (*PARTIES, "legal"),
        args=lambda w: {"number": admitted(w).number, "pk": evidence(w).pk},
        visitor=302,
    ),
    page(
        "court:respond",
        ("operator", "founder"),
        ok=422,
        method="post",
        args=lambda w: {"number": admitted(w).number},
        data=lambda w: {"response": "short"},
        visitor=302,
    ),
    page(
        "court:accept",
        PARTIES,
        ok=302,
        method="post",
        args=lambda w: {"number": admitted(w).number},
        visitor=302,
        note="no verdict yet: back to the case with the reason",
    ),
    page(
        "court:settle",
        PARTIES,
        ok=422,
        method="post",
        args=lambda w: {"number": admitted(w).number},
        data=lambda w: {"remedies-TOTAL_FORMS": "0", "remedies-INITIAL_FORMS": "0"},
        visitor=302,
        note="the parties; no terms: refused on the form",
    ),
    page(
        "court:settlement_answer",
        PARTIES,
        ok=302,
        method="post",
        args=lambda w: {"pk": proposal(w).pk},
        visitor=302,
        note="the parties: the claimant declines, the company withdraws its own",
    ),
    page(
        "court:appeal",
        PARTIES,
        ok=422,
        method="post",
        args=lambda w: {"number": admitted(w).number},
        visitor=302,
        note="the parties; no grounds: refused on the form",
    ),
    page("court:room", ("member", "legal"), args=lambda w: {"number": seated(w).number}, visitor=302),
    page(
        "court:room_post",
        ("member",),
        ok=422,
        method="post",
        args=lambda w: {"number": seated(w).number},
        visitor=302,
        note="the seated jury (legal staff read the room); an empty message is refused on the form",
    ),
    page(
        "court:room_ask",
        ("member",),
        ok=422,
        method="post",
        args=lambda w: {"number": seated(w).number},
        visitor=302,
        note="the seated jury only",
    ),
    page(
        "court:verdict_propose",
        ("member",),
        ok=422,
        method="post",
        args=lambda w: {"number": seated(w).number},
        data=lambda w: {"remedies-TOTAL_FORMS": "0", "remedies-INITIAL_FORMS": "0"},
        visitor=302,
        note="the seated jury (the service then checks the foreperson)",
    ),
    page(
        "court:ballot",
        ("member",),
        ok=302,
        method="post",
        args=lambda w: {"number": seated(w).number, "pk": ballot_open(w).pk},
        data=lambda w: {"choice": "approve"},
        visitor=302,
    ),
    page(
        "court:question_forward",
        ("legal",),
        ok=302,
        method="post",
        args=lambda w: {"pk": question(w, "company").pk},
        visitor=302,
    ),
    page(
        "court:question_answer",
        ("member",),
        ok=422,
        method="post",
        args=lambda w: {"pk": question(w, "claimant").pk},
        visitor=302,
        note="put to the claimant: only they answer",
    ),
    page(
        "court:question_answer",
        ("operator", "founder"),
        ok=422,
        method="post",
        args=lambda w: {"pk": question(w, "company").pk},
        visitor=302,
        note="put to the company: its representatives answer",
    ),
    page(
        "court:obligation_execute",
        ("operator", "founder"),
        ok=422,
        method="post",
        args=lambda w: {"pk": obligation(w).pk},
        visitor=302,
        note="its owner and the founder; no proof: refused on the form",
    ),
    page(
        "court:obligation_answer",
        ("member",),
        ok=302,
        method="post",
        args=lambda w: {"pk": obligation(w, state="executed").pk},
        data=lambda w: {"confirm": "on"},
        visitor=302,
        note="the claimant",
    ),
    page(
        "court:obligation_reopen",
        ("legal",),
        ok=302,
        method="post",
        args=lambda w: {"pk": obligation(w, state="disputed").pk},
        data=lambda w: {"reason": "Send the replacement again"},
        visitor=302,
    ),
    page("court:draw_page", EVERYONE, args=draw_args),
    page("court:draw_file", EVERYONE, args=draw_args),
)

test_access = access_test(ACCESS)
