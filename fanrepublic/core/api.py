"""Shared pieces of the REST API that know no app: typed ids and integers, partial
updates, pagination. Authentication (tokens, sessions) is the members app's:
fanrepublic/members/api_auth.py."""

from typing import Annotated, ClassVar

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import Strict, field_validator

# Every id the API accepts: a positive 64-bit integer, so a client's absurd number is a
# 422, never a database overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Numbers in a request body are JSON integers and nothing else: pydantic's lax mode would
# take `true` as 1 (and 2.0 or "2" as 2), which hides a client's bug (`"quantity": true`
# redeeming one reward). Every integer field of a body schema uses one of these two, so
# they are strict alike; path and query values arrive as text and keep Id above.
Int = Annotated[int, Strict()]
BodyId = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]


class PatchSchema(Schema):
    """A partial update: a field left out keeps its value. `null` is a value only for
    the fields named in NULLABLE (a cap that may be removed); for any other field it is
    refused with a 422 naming the field, never passed on to a NOT NULL column."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_allowed(cls, value, info):
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError(_("This field cannot be empty (null); leave it out to keep its value."))
        return value


class Pages(PageNumberPagination):
    """Page-number pagination with bounded input, so an absurd page is a 422, not a
    database overflow."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)
