"""Reading uploaded files with a size limit: the API answers 413 rather than holding an oversized image."""

from __future__ import annotations

from fastapi import UploadFile

from factoryai.core.errors import PayloadTooLargeError, ValidationFailedError


def read_upload(upload: UploadFile, max_mb: float, field: str) -> bytes:
    limit = int(max_mb * 1024 * 1024)
    data = upload.file.read(limit + 1)  # sync: endpoints that take images run in the threadpool
    name = upload.filename or field
    if len(data) > limit:
        raise PayloadTooLargeError(f"{name} is larger than {max_mb:g} MB", details={"field": field, "file": name})
    if not data:
        raise ValidationFailedError(f"{name} is empty", details={"field": field, "file": name})
    return data
