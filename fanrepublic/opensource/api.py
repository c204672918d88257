from datetime import datetime

from ninja import Field, Router, Schema

from fanrepublic.core.api import Id
from fanrepublic.members.api_auth import PUBLIC

from . import selectors

router = Router(tags=["opensource"])


class OpenRepositoryOut(Schema):
    id: int
    host: str
    full_name: str
    url: str
    description: str
    description_zh: str
    counted: int = Field(..., description="Contributions counted in it.")


class ContributorTitleOut(Schema):
    rank: str
    number: int | None
    member: str = Field(..., alias="member.username")
    awarded_at: datetime
    revoked: bool = Field(False, description="Whether a maintainer revoked it.")

    @staticmethod
    def resolve_revoked(obj) -> bool:
        return obj.revoked_at is not None


class OpenSourceContributionOut(Schema):
    id: int
    kind: str
    state: str
    title: str
    url: str
    number: int | None
    merged_at: datetime | None
    member: str | None = Field(None, alias="member.username")


@router.get("/repositories", response=list[OpenRepositoryOut], auth=PUBLIC)
def repositories(request):
    """The repositories the brand opened to members."""
    return list(selectors.repositories_open())


@router.get("/academicians", response=list[ContributorTitleOut], auth=PUBLIC)
def academicians(request):
    """The Academicians (院士) in the order they earned the title."""
    return list(selectors.academicians())


@router.get("/repositories/{pk}/contributions", response=list[OpenSourceContributionOut], auth=PUBLIC)
def contributions(request, pk: Id):
    """A repository's counted contributions, newest first (at most 100)."""
    found = selectors.repository_get(viewer=request.user, pk=pk)
    return list(selectors.contributions_counted(repository=found)[:100])
