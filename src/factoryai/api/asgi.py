"""Module-level app for process managers: `uvicorn factoryai.api.asgi:app --workers 4` (or gunicorn).

Settings come from the environment and FACTORYAI_CONFIG, as for the CLI. Each worker process has its own
engine and pool; everything that must be shared between them lives in the database.
"""

from __future__ import annotations

import os

from factoryai.api.app import create_app
from factoryai.core.config import load_settings
from factoryai.core.logging import configure_logging

settings = load_settings(os.environ.get("FACTORYAI_CONFIG") or None)
configure_logging(settings.logging)
# Several processes serve the API here: cameras are opened once, by workers, unless video.runtime says 'here'.
app = create_app(settings, cameras_here=settings.video.runtime == "here")
