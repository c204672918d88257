"""The stored-XSS suite's places for the court (see fanrepublic/core/tests/xss.py): the
corpus filed as cases through the service and refused with reasons, and every page that
shows them checked, as the claimant, legal staff and the jury see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "court.Case.number": "made by the service: the year and the row's number",
    "court.Case.ground": "a choice of Ground, checked by the service",
    "court.Juror.pseudonym": "an HMAC in hex, made by the service",
    "court.JuryDraw.commitment": "a SHA-256 in hex, made by the service",
    "court.JuryDraw.pool_digest": "a SHA-256 in hex, made by the service",
    "court.JuryDraw.pseudonym_key": "random hex made by the service, never shown",
    "court.JuryDraw.seed": "random hex made by the service, shown once revealed",
}
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        ["court:admit", "court:refuse", "court:draw", "court:answer"],
        "POST only: redirects to a page that is visited",
    ),
    "court:draw_file": "JSON of hex pseudonyms and digests only (served as an attachment)",
}


@place("court_policy", "court.CourtPolicy.reason")
def court_policy(pages: Pages):
    from fanrepublic.court import services
    from fanrepublic.members.tests.factories import operator

    staff = operator()
    values = {"min_trust_level": 3, "min_tenure_days": 90, "juror_cases_per_year": 3}
    values |= {"answer_hours": 48, "jury_fans": 10, "jury_legal": 2}
    for group in packs(200):
        services.policy_set(actor=staff, reason=" ".join(p.text for p in group), **values)
        pages.check(staff, _reverse("court:policy"), shows=markers(group)[:1])


@place(
    "court",
    "court.Case.title",
    "court.Case.account",
    "court.Case.remedy_sought",
    "court.Case.decision_reason",
)
def court(pages: Pages):
    from fanrepublic.court import services
    from fanrepublic.members.tests.factories import MemberFactory, legal

    clerk = legal()
    claimant = MemberFactory()
    titles, accounts, remedies = packs(200), packs(10_000, sep="\n"), packs(2_000, sep="\n")
    for n, group in enumerate(accounts):
        title = " ".join(p.text for p in titles[n % len(titles)])
        account = "What happened, in order:\n" + "\n".join(p.text for p in group)
        remedy = "I ask for: " + "\n".join(p.text for p in remedies[n % len(remedies)])
        case = services.case_file(
            claimant=claimant, title=title, account=account[:10_000], remedy_sought=remedy[:2_000]
        )
        shows = markers(group)[:1] + markers(titles[n % len(titles)])[:1]
        pages.check(claimant, _reverse("court:case", case.number), shows=shows)
        pages.check(clerk, _reverse("court:case", case.number), shows=shows)
        if n % 2:
            reason = "Not admitted, because: " + "\n".join(p.text for p in remedies[n % len(remedies)])
            services.case_refuse(actor=clerk, case=case, ground="out_of_scope", reason=reason[:2_000])
            pages.check(
                claimant, _reverse("court:case", case.number), shows=markers(remedies[n % len(remedies)])[:1]
            )
        else:
            services.case_admit(actor=clerk, case=case)
    pages.check(claimant, _reverse("court:mine"))
    pages.check(clerk, _reverse("court:queue"))
    pages.check(None, _reverse("court:index"))
    pages.check(claimant, _reverse("court:file"))
    first = claimant.court_cases.order_by("pk").first()
    pages.check(None, _reverse("court:draw_page", first.number, 1))
