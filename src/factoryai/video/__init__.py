"""Live video: camera capture, the object detector, overlays and MJPEG streaming."""
