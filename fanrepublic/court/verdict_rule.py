"""The jury's decision rule, "court-verdict-1" (docs/court.md, "The verdict"): pure
functions, no database, so the service that counts and the tests' reference agree on
one text.

A draft verdict is adopted when at least two thirds of the seated jury — senior fans and
legal staff alike, one ballot each — approve it: `approvals * 3 >= seated * 2`. The
ballot closes as soon as the result can no longer change (adopted, or too few ballots
left to reach two thirds), or when the deliberation's deadline passes, counting what
was cast (a juror who did not vote counts as not approving)."""

RULE = "court-verdict-1"


def needed(seated: int) -> int:
    """The fewest approvals that adopt a draft: two thirds of the seated, rounded up."""
    if seated < 1:
        raise ValueError("a jury has at least one seat")
    return -(-2 * seated // 3)


def result(*, approvals: int, rejections: int, seated: int, deadline_passed: bool = False) -> str | None:
    """ "adopted", "rejected", or None while the ballots still to come could change it."""
    if approvals < 0 or rejections < 0 or approvals + rejections > seated:
        raise ValueError("more ballots than seats")
    if approvals >= needed(seated):
        return "adopted"
    still_to_vote = seated - approvals - rejections
    if approvals + still_to_vote < needed(seated) or deadline_passed:
        return "rejected"
    return None
