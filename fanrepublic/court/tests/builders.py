"""Cases brought to a given step through the services, as users would (for the tests of
the hearing, the execution, the pages and the browser)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fanrepublic.court import hearing, selectors, services
from fanrepublic.court.enums import JurorState
from fanrepublic.court.models import Case, Juror
from fanrepublic.members.tests.factories import MemberFactory, founder, legal, operator

ACCOUNT = "The screen burned in after three months of normal use; the store refused a repair."
RESPONSE = "The panel is covered by the warranty; the store should have repaired it. We regret the refusal."
REASONS = (
    "The burn-in appeared within the warranty period under normal use, as the photographs show; "
    "the store's refusal had no ground in the warranty terms."
)


def senior(n=1, **kwargs):
    old = timezone.now() - timedelta(days=800)
    return [MemberFactory(trust_level=3, date_joined=old, **kwargs) for _ in range(n)]


@dataclass
class Hearing:
    case: Case
    clerk: object
    company: object
    founder: object
    jurors: list  # the seated, the foreperson first

    @property
    def claimant(self):
        return self.case.claimant

    @property
    def foreperson(self):
        return self.jurors[0]

    def refresh(self) -> "Hearing":
        self.case.refresh_from_db()
        return self


def admitted_case(*, claimant=None, respond=True):
    """A filed and admitted case with a company representative (who responded) and a
    founder on the site."""
    clerk, company, boss = legal(), operator(), founder()
    case = services.case_file(
        claimant=claimant or MemberFactory(),
        title="Burned-in screen",
        account=ACCOUNT,
        remedy_sought="Replace the phone and compensate me.",
    )
    case = services.case_admit(actor=clerk, case=case)
    if respond:
        case = hearing.case_respond(actor=company, case=case, response=RESPONSE)
    return case, clerk, company, boss


def seated_case(*, claimant=None, respond=True, fans=12, lawyers=3) -> Hearing:
    """A case whose jury of 10 senior fans and 2 legal staff was drawn and accepted."""
    senior(fans)
    for _ in range(lawyers):
        legal()
    case, clerk, company, boss = admitted_case(claimant=claimant, respond=respond)
    services.jury_draw(actor=clerk, case=case)
    for juror in Juror.objects.filter(draw__case=case, state=JurorState.INVITED).select_related("member"):
        services.juror_answer(member=juror.member, juror_id=juror.pk, accept=True)
    case.refresh_from_db()
    return Hearing(case, clerk, company, boss, [j.member for j in selectors.seated_jurors(case)])


REMEDIES = [
    {"kind": "replace", "amount": 0, "description": "Replace the phone with a new one of the same model."},
    {"kind": "compensate_points", "amount": 5_000, "description": "5,000 points for the trouble."},
    {"kind": "compensate_yuan", "amount": 20_000, "description": "¥200 for the weeks without a phone."},
]


def decided_case(*, remedies=REMEDIES, outcome="upheld", **kwargs) -> Hearing:
    """A seated case whose foreperson's draft was adopted by all twelve."""
    h = seated_case(**kwargs)
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome=outcome, reasons=REASONS, remedies=list(remedies)
    )
    for member in h.jurors:
        if h.refresh().case.status != "seated":
            break
        hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve")
    return h.refresh()


def final_case(**kwargs) -> Hearing:
    h = decided_case(**kwargs)
    hearing.verdict_accept(actor=h.claimant, case=h.case)
    hearing.verdict_accept(actor=h.company, case=h.case)
    return h.refresh()


def png_upload(name="screen.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_bytes(*, password: str = "") -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="receipt.pdf", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def settle(case, company, remedies=None):
    from fanrepublic.court import mediation

    proposal = mediation.settlement_propose(
        actor=company,
        case=case,
        terms="We replace the earbuds and add points for the trouble; the case ends here.",
        remedies=remedies if remedies is not None else REMEDIES[:2],
    )
    return mediation.settlement_answer(actor=case.claimant, settlement_id=proposal.pk, accept=True)


TERMS_FOR_TEST = "We replace the earbuds and add points for the trouble; the case ends here."
