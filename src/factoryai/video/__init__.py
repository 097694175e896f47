"""Live video: sources, capture, overlay, MJPEG fan-out, the camera runtime."""
