from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """Where a case stands: filed, admitted (the company answers), the jury drawn and
    seated (it deliberates and votes on the foreperson's verdict), the verdict given
    (open to the parties' acceptance), final (the remedies executed) and closed."""

    FILED = "filed", _("Filed, waiting for admission")
    INADMISSIBLE = "inadmissible", _("Not admitted")
    ADMITTED = "admitted", _("Admitted")
    DRAWN = "drawn", _("Jury drawn, jurors answering")
    SEATED = "seated", _("Jury seated, deliberating")
    DECIDED = "decided", _("Verdict given")
    APPEALED = "appealed", _("Appealed: a larger jury is to be drawn")
    FINAL = "final", _("Final, remedies being executed")
    CLOSED = "closed", _("Closed")


# A case is under way (its steps have deadlines) in these.
OPEN = (
    CaseStatus.ADMITTED,
    CaseStatus.DRAWN,
    CaseStatus.SEATED,
    CaseStatus.DECIDED,
    CaseStatus.APPEALED,
    CaseStatus.FINAL,
)
# Before a verdict is final the parties may still settle.
BEFORE_VERDICT = (CaseStatus.ADMITTED, CaseStatus.DRAWN, CaseStatus.SEATED, CaseStatus.APPEALED)


class Side(models.TextChoices):
    """The two parties: the member who brought the case, and the company."""

    CLAIMANT = "claimant", _("The claimant")
    COMPANY = "company", _("The company")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Claim upheld")
    DISMISSED = "dismissed", _("Claim dismissed")
    SETTLED = "settled", _("Settled in mediation")


class SettlementState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for the other party")
    ACCEPTED = "accepted", _("Accepted: the case is settled")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RemedyKind(models.TextChoices):
    """What a verdict can order the company to do. `amount` is in fen for yuan, whole
    points for points, and unused for the others."""

    REPLACE = "replace", _("Replace the product")
    REPAIR = "repair", _("Repair the product")
    REFUND = "refund", _("Refund (yuan)")
    COMPENSATE_YUAN = "compensate_yuan", _("Compensation in yuan")
    COMPENSATE_POINTS = "compensate_points", _("Compensation in points")
    APOLOGY = "apology", _("Public apology")
    POLICY_CHANGE = "policy_change", _("Policy change")


# Remedies paid through the ledger (never by hand), and the currency of each.
PAID = {
    RemedyKind.REFUND: "CNY",
    RemedyKind.COMPENSATE_YUAN: "CNY",
    RemedyKind.COMPENSATE_POINTS: "PTS",
}


class VerdictState(models.TextChoices):
    BALLOT = "ballot", _("Ballot open")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")


class BallotChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class QuestionState(models.TextChoices):
    ASKED = "asked", _("Waiting for the clerk")
    FORWARDED = "forwarded", _("Put to the party")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Not forwarded by the clerk")
    CLOSED = "closed", _("Closed: the hearing ended")


class ObligationState(models.TextChoices):
    OPEN = "open", _("To be executed")
    EXECUTED = "executed", _("Executed, waiting for the claimant")
    CONFIRMED = "confirmed", _("Confirmed by the claimant")
    DISPUTED = "disputed", _("Disputed by the claimant")


class Ground(models.TextChoices):
    """Why legal staff do not admit a case (shown to the claimant with their words)."""

    OUT_OF_SCOPE = "out_of_scope", _("Out of the court's scope")
    DUPLICATE = "duplicate", _("The same matter as another case")
    NEEDS_INFORMATION = "needs_information", _("Needs more information")


class JurorKind(models.TextChoices):
    FAN = "fan", _("Senior fan")
    LEGAL = "legal", _("Legal staff")


class JurorState(models.TextChoices):
    RESERVE = "reserve", _("In reserve")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Did not answer in time")
    DISCHARGED = "discharged", _("Discharged: the case was settled")


# Jurors who answered "yes", or may still: a seat is theirs.
HOLDING = (JurorState.INVITED, JurorState.ACCEPTED)


class RulingState(models.TextChoices):
    DRAFT = "draft", _("Draft, being anonymised")
    PUBLISHED = "published", _("Published")
