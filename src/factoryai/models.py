"""Imports every domain's models so the metadata (and Alembic) sees all tables."""

from factoryai.accounts.models import ApiKey, LoginFailure, User
from factoryai.attendance.models import AttendanceRecord
from factoryai.cameras.models import Camera, CameraWorker, DeviceEvent
from factoryai.core.db import Base
from factoryai.identity.models import AccessLog, FaceEnrollment, PendingRecognition, UnknownAttendance
from factoryai.occupancy.models import (
    OccupancyAlert,
    OccupancyDailyAggregate,
    OccupancyLog,
    OccupancyMonthlyAggregate,
)
from factoryai.organization.models import Department, Employee, Shift
from factoryai.scheduler.models import JobRun
from factoryai.system.models import SystemLog
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry

__all__ = [
    "AccessLog",
    "ApiKey",
    "AttendanceRecord",
    "Base",
    "Camera",
    "CameraWorker",
    "Department",
    "DeviceEvent",
    "Employee",
    "FaceEnrollment",
    "JobRun",
    "LoginFailure",
    "OccupancyAlert",
    "OccupancyDailyAggregate",
    "OccupancyLog",
    "OccupancyMonthlyAggregate",
    "PendingRecognition",
    "Shift",
    "SystemLog",
    "UnknownAttendance",
    "User",
    "VehicleAlert",
    "VehicleLog",
    "WatchlistEntry",
]
