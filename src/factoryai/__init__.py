"""Factory AI: self-hosted camera platform for attendance, vehicle gate, occupancy and live video."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("factoryai")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
