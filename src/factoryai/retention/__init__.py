"""Snapshot retention: the spec's nightly cleanup of old images and their references."""
