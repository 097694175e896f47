"""Schema building blocks shared by every domain: strict input models and paginated lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from fastapi import Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

T = TypeVar("T")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL; say so up front instead of failing at the database.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class UpdateModel(InputModel):
    """PATCH bodies: absent fields stay as they are; null is accepted only where a field may be cleared."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for name in sorted(self.model_fields_set - self.nullable_fields):
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Number of rows matching the filters, over all pages.")
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


async def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Rows per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


# Ids arriving in paths and bodies are bounded so an absurd value is a 422/404, never a database overflow.
INT_ID_MAX = 2_147_483_647
RefId = Annotated[int, Field(ge=1, le=INT_ID_MAX)]
R = TypeVar("R", bound=BaseModel)


def to_page(schema: type[R], rows: Sequence[object], total: int, page: PageParams) -> Page[R]:
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


IdPath = Annotated[int, Path(ge=1, le=INT_ID_MAX)]
IdFilter = Annotated[int | None, Query(ge=1, le=INT_ID_MAX)]
SearchQuery = Annotated[str | None, Query(max_length=100, description="Case-insensitive substring search.")]
PageDep = Annotated[PageParams, Depends(page_params)]


class BoxRead(ReadModel):
    """A box in pixels of the image that was sent (faces, plates, vehicles)."""

    left: int
    top: int
    width: int
    height: int
