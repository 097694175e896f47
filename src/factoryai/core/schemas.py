"""Schema building blocks shared by every domain: strict input models and paginated lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from fastapi import Depends, Path, Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")

# --- strict scalars -------------------------------------------------------------------------------------------------
# pydantic's lax mode reads 0/1/"yes"/"on" as booleans, a number as a Unix time and true as the id 1: {"dry_run": 0}
# on the snapshot cleanup really deleted, and ?date=0 meant 1970-01-01. These types accept only the written forms,
# alike in bodies, queries and forms (where values arrive as text). Every route uses them instead of bool, date,
# datetime and time; tests/api/test_strict_types.py walks the app to check it.

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?")


def _strict_bool(value: Any) -> Any:
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise PydanticCustomError("bool_strict", "Input should be true or false (not 0, 1 or another word)")


def _strict_date(value: Any) -> Any:
    if (isinstance(value, date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and _DATE.fullmatch(value)
    ):
        return value
    raise PydanticCustomError("date_strict", "Input should be a date written YYYY-MM-DD")


def _strict_datetime(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _DATETIME.fullmatch(value)):
        return value
    raise PydanticCustomError(
        "datetime_strict", "Input should be an ISO-8601 date and time, e.g. 2026-01-05T08:00:00+05:30"
    )


def _strict_time(value: Any) -> Any:
    if isinstance(value, time) or (isinstance(value, str) and _TIME.fullmatch(value)):
        return value
    raise PydanticCustomError("time_strict", "Input should be a time written HH:MM or HH:MM:SS")


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a whole number, not true or false")
    return value


Bool = Annotated[bool, BeforeValidator(_strict_bool)]
IsoDate = Annotated[date, BeforeValidator(_strict_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_strict_datetime)]
AwareIsoDateTime = Annotated[AwareDatetime, BeforeValidator(_strict_datetime)]
IsoTime = Annotated[time, BeforeValidator(_strict_time)]
STRICT_VALIDATORS = frozenset({_strict_bool, _strict_date, _strict_datetime, _strict_time})

# --- text people type -----------------------------------------------------------------------------------------------
# Names are compared, sorted, exported and shown to other people, so each is stored in one Unicode form (NFC: "é"
# typed as one character or as e + accent is the same name) and may not hide characters: a zero-width space or a
# right-to-left override makes "Admin" and "Ad\u200bmin", or a name that displays backwards, look alike.
# Format and control characters (Unicode Cf/Cc, which include every bidirectional control and the BOM), surrogates
# and line/paragraph separators are refused. The one exception is the zero-width joiner and non-joiner right after
# a virama, where Devanagari, Malayalam and other Indic scripts need them to spell a name (IDNA's CONTEXTJ rule).

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})
_VIRAMA = 9  # canonical combining class of a virama
_LINE_BREAKS = frozenset("\n\r\t")


def _clean(value: str, allowed: frozenset[str]) -> str:
    value = unicodedata.normalize("NFC", value)
    for i, ch in enumerate(value):
        if ch in allowed or unicodedata.category(ch) not in _REFUSED_CATEGORIES:
            continue
        if ch in _JOINERS and i > 0 and unicodedata.combining(value[i - 1]) == _VIRAMA:
            continue
        raise PydanticCustomError(
            "invisible_character",
            "must not contain invisible or control characters (found {character} at position {position})",
            {"character": f"U+{ord(ch):04X}", "position": i + 1},
        )
    return value


def _clean_name(value: str) -> str:
    return _clean(value, frozenset())


def _clean_text(value: str) -> str:
    return _clean(value, _LINE_BREAKS)


def name_type(max_length: int, min_length: int = 1) -> Any:
    """One-line text a person types: stripped, NFC, nothing invisible."""
    constraints = StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    return Annotated[str, constraints, AfterValidator(_clean_name)]


def text_type(max_length: int, min_length: int = 0) -> Any:
    """Free text (reasons, notes, descriptions): as a name, but line breaks and tabs are allowed."""
    constraints = StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    return Annotated[str, constraints, AfterValidator(_clean_text)]


Name = name_type(100)


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

    @field_validator("*", mode="after")
    @classmethod
    def _null_only_where_it_clears(cls, value: Any, info: ValidationInfo) -> Any:
        # Per field, so the 422 names it (a null that reached the database was a 409 that named nothing).
        if value is None and info.field_name not in cls.nullable_fields:
            raise ValueError("cannot be null: leave the field out to keep its value")
        return value

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
RefId = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=1, le=INT_ID_MAX)]
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
