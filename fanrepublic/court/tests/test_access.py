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


def number(w):
    return {"number": case(w).number}


def draw_args(w):
    return {"number": drawn(w).case.number, "round": drawn(w).round}


ACCESS = (
    page("court:index", EVERYONE),
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
    page("court:draw_page", EVERYONE, args=draw_args),
    page("court:draw_file", EVERYONE, args=draw_args),
)

test_access = access_test(ACCESS)
