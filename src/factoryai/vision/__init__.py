"""Shared vision: the object detector and image decoding with its guards, used by identity, vehicles and video."""
