"""Who does what in the court.

- A member (not suspended) files cases against the company and sees their own.
- Legal staff admit or refuse cases, hold the draw and act as clerk; they see every case.
- The company's representatives (community operators, the founder) answer admitted
  cases, bring the company's evidence, answer the jury's questions, accept verdicts and
  execute remedies they own; they see admitted cases.
- Jurors of a case see it while they hold a place on its jury; seated jurors and legal
  staff read the jury room, where the foreperson's draft verdicts are voted on.
- Everyone sees a draw's public record: the commitment, then the pool and the result.
Everything else about a case answers 404 (selectors.case_for)."""

from fanrepublic.members.enums import StaffRole


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and not user.is_suspended)


def is_legal(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(StaffRole.LEGAL))


def can_file(user) -> bool:
    return is_member(user)


def can_set_policy(user) -> bool:
    """The jury rules are the operator's (and the founder's) to set."""
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def speaks_for_company(user) -> bool:
    """Who answers for the company in court. Not legal staff: they run the court (the
    clerk) and sit on juries."""
    return bool(user and user.is_authenticated and user.has_role(StaffRole.OPERATOR, StaffRole.FOUNDER))


def is_founder(user) -> bool:
    """The founder answers for late remedies and may execute any of them."""
    return bool(user and user.is_authenticated and user.has_role(StaffRole.FOUNDER))
