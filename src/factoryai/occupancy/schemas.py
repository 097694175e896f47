"""Occupancy bodies: samples in, live counts, roll-ups, drift and capacity alerts out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from factoryai.core.schemas import AwareIsoDateTime, InputModel, ReadModel

Count = Annotated[int, Field(ge=0, le=1_000_000)]


class OccupancySample(InputModel):
    camera_id: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    timestamp: AwareIsoDateTime = Field(description="When the count was taken, ISO-8601 with a UTC offset.")
    current_count: Count = Field(description="People in the zone at that instant.")
    entries: Count = Field(0, description="Entries since the camera's previous sample.")
    exits: Count = Field(0, description="Exits since the camera's previous sample.")


class OccupancyBatch(InputModel):
    samples: list[OccupancySample] = Field(
        min_length=1, description="Up to occupancy.max_batch samples; all are stored or none."
    )


class IngestResult(ReadModel):
    received: int
    stored: int
    duplicates: int = Field(description="Samples already stored (same camera and timestamp): a re-sent batch.")


class CurrentOccupancy(ReadModel):
    camera_id: str
    camera_name: str
    current_count: int | None = Field(description="The latest sample's count; null before the first sample.")
    as_of: datetime | None
    age_seconds: float | None = Field(description="How old the latest sample is: a silent counter shows here.")
    entries_today: int = Field(description="Since midnight, site time.")
    exits_today: int
    capacity: int | None
    over_capacity: bool


class HourlyOccupancy(ReadModel):
    camera_id: str
    occupancy_date: date
    hour: int
    avg_occupancy: float
    max_occupancy: int
    min_occupancy: int
    total_entries: int
    total_exits: int
    sample_count: int


class DailyOccupancy(ReadModel):
    camera_id: str
    occupancy_date: date
    avg_occupancy: float
    max_occupancy: int
    total_entries: int
    total_exits: int
    hours: int


class MonthlyOccupancy(ReadModel):
    camera_id: str
    year: int
    month: int
    avg_occupancy: float
    max_occupancy: int | None
    total_entries: int
    total_exits: int
    hours: int
    peak_date: date | None
    peak_hour: int | None
    peak_avg_occupancy: float | None


class HeatmapCell(ReadModel):
    weekday: int = Field(description="0 = Monday … 6 = Sunday.")
    hour: int
    avg_occupancy: float
    hours: int = Field(description="Hourly rows averaged into this cell.")


class DriftReset(ReadModel):
    reset_at: datetime
    discarded_count: int


class CameraDrift(ReadModel):
    camera_id: str
    resets: list[DriftReset]
    mean_abs_drift: float | None = Field(
        description="Average size of the discarded count: near 0 means a well-placed counting line."
    )


class OccupancyAlertRead(ReadModel):
    id: int
    camera_id: str
    capacity: int
    peak_count: int
    started_at: datetime
    ended_at: datetime | None
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None
