"""One pagination for every API list: a bounded page size and a bounded offset.

The page size is capped by ``KESU_API_MAX_PAGE_SIZE`` (500 by default): a client asking for more gets a 422
naming ``limit`` rather than a whole table (issue 15). The offset is capped well above any list's length
but inside every database's integer range, so a huge offset is a 422 instead of an overflow (a 500).
"""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from .types import INT_MAX

MAX_OFFSET = INT_MAX


class BoundedPagination(LimitOffsetPagination):
    """``limit`` 1…KESU_API_MAX_PAGE_SIZE (default NINJA_PAGINATION_PER_PAGE), ``offset`` 0…2^31-1."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.KESU_API_MAX_PAGE_SIZE,
                           description="Rows on the page (at most the server's maximum page size).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows skipped before the page.")

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=settings.KESU_API_MAX_PAGE_SIZE, **kwargs)


# The same bounds for a list that pages by hand (its items are built by the endpoint): ``limit: Limit = 50``.
Limit = Annotated[int, Field(ge=1, le=settings.KESU_API_MAX_PAGE_SIZE)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
