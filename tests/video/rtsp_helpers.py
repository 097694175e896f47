"""A real RTSP camera for tests: starts tests/video/rtsp_server.py under Debian's /usr/bin/python3 (DESIGN.md §4).

The venv has no `gi`, so the server is a separate process; that also lets tests kill, freeze and restart the
camera the way a real one fails. Each RtspServer listens on its own free port, so xdist workers never collide.
"""

from __future__ import annotations

import collections
import functools
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).resolve().with_name("rtsp_server.py")
DEBIAN_PACKAGES = (
    "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly "
    "gstreamer1.0-libav python3-gi"
)
EXIT_BIND = 3  # rtsp_server.py: the port could not be bound


class RtspServerError(RuntimeError):
    """The server did not start; the message carries its exit status and stderr."""


@functools.cache
def rtsp_available() -> str | None:
    """None when the RTSP test server can run here, else one line saying why (the same line every time, so the
    skips of all RTSP tests fold into one summary line)."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        detail = f"{SYSTEM_PYTHON} is missing"
    else:
        try:
            result = subprocess.run(
                [SYSTEM_PYTHON, "-I", str(SERVER_SCRIPT), "--check"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except subprocess.TimeoutExpired:
            detail = "the availability check timed out"
        else:
            if result.returncode == 0:
                return None
            lines = (result.stderr or result.stdout).strip().splitlines()
            detail = lines[-1] if lines else f"exit status {result.returncode}"
    return (
        f"needs the GStreamer RTSP server for {SYSTEM_PYTHON} (Debian: {DEBIAN_PACKAGES}; "
        f"scripts/ensure-test-services.sh installs them): {detail}"
    )


def require_rtsp() -> None:
    """Skips the calling test when the RTSP server cannot run here; fails instead where
    FACTORYAI_REQUIRE_SHARED_DATA=1 (CI), which must never silently skip what it is there to run."""
    reason = rtsp_available()
    if reason is None:
        return
    if os.environ.get("FACTORYAI_REQUIRE_SHARED_DATA", "") == "1":
        pytest.fail(f"{reason} (FACTORYAI_REQUIRE_SHARED_DATA=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class RtspServer:
    """One RTSP camera process. `/test` is a moving test pattern; with `file`, `/file` re-streams that video looped.

    start() picks a free port (kept across restart()), kill() and freeze() imitate a camera that dies or hangs,
    clients() counts the RTSP connections the current process has accepted.
    """

    def __init__(
        self,
        *,
        width: int = 640,
        height: int = 360,
        fps: int = 15,
        file: Path | str | None = None,
        host: str = "127.0.0.1",
        start_timeout: float = 30.0,
    ) -> None:
        self.width = width
        self.height = height
        self.fps = fps
        self.file = Path(file) if file is not None else None
        self.host = host
        self.start_timeout = start_timeout
        self.port: int | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._readers: list[threading.Thread] = []
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._clients = 0
        self._stderr: collections.deque[str] = collections.deque(maxlen=200)

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> RtspServer:
        """Starts on a new free port (or the port of a previous start) and waits for READY."""
        if self.running:
            raise RtspServerError("the RTSP server is already running")
        if self.file is not None and not self.file.is_file():
            raise FileNotFoundError(f"video file for the RTSP server is missing: {self.file}")
        if self.port is not None:
            return self._start_on_same_port()
        last: RtspServerError | None = None
        for _ in range(5):  # a port picked free can be taken by someone else before the server binds it
            self.port = free_port(self.host)
            try:
                self._spawn()
                return self
            except _BindError as exc:
                last = exc
        self.port = None
        raise RtspServerError(f"no free port could be bound after 5 tries: {last}")

    def restart(self) -> RtspServer:
        """Stops the server if it still runs and starts it again on the same port, as a rebooted camera would."""
        self.stop()
        return self.start() if self.port is None else self._start_on_same_port()

    def _start_on_same_port(self) -> RtspServer:
        # The old connections may linger in TIME_WAIT; GstRtspServer binds with SO_REUSEADDR, but keep retrying for a
        # while in case something (another worker's client, the kernel) still holds the port.
        deadline = time.monotonic() + 15
        while True:
            try:
                self._spawn()
                return self
            except _BindError as exc:
                if time.monotonic() > deadline:
                    raise RtspServerError(f"port {self.port} stayed busy for 15 s: {exc}") from None
                time.sleep(0.25)

    def stop(self) -> None:
        """SIGTERM (after SIGCONT, so a frozen server can act on it), then SIGKILL if it does not exit in 10 s."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._reap()

    def kill(self) -> None:
        """SIGKILL: the camera dies abruptly, its TCP connections are reset by the kernel."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        self._reap()

    def freeze(self) -> None:
        """SIGSTOP: the camera hangs; its TCP connections stay open but nothing more arrives."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    # -- queries ---------------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def url(self, mount: str = "test") -> str:
        if self.port is None:
            raise RtspServerError("the RTSP server was never started")
        return f"rtsp://{self.host}:{self.port}/{mount.lstrip('/')}"

    def clients(self) -> int:
        """RTSP connections accepted so far by the current (or last) server process."""
        with self._lock:
            return self._clients

    def stderr(self) -> str:
        return "".join(self._stderr)

    # -- context manager -------------------------------------------------------------------------------------

    def __enter__(self) -> RtspServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------------------------------------

    def _command(self) -> list[str]:
        command = [SYSTEM_PYTHON, "-I", str(SERVER_SCRIPT), "--watch-stdin", "--host", self.host]
        command += ["--port", str(self.port), "--width", str(self.width), "--height", str(self.height)]
        command += ["--fps", str(self.fps)]
        if self.file is not None:
            command += ["--file", str(self.file)]
        return command

    def _spawn(self) -> None:
        """Starts the process and waits for READY; raises _BindError when the port is taken."""
        command = self._command()
        self._ready.clear()
        self._stderr.clear()
        with self._lock:
            self._clients = 0
        # -I: Debian's python must not see the venv's PYTHONPATH or user site. stdin stays open as a lifeline: the
        # server exits when it closes, so a test process that dies takes its camera with it.
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._proc = proc
        self._readers = [
            threading.Thread(target=self._read_stdout, args=(proc,), daemon=True),
            threading.Thread(target=self._read_stderr, args=(proc,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        deadline = time.monotonic() + self.start_timeout
        while not self._ready.wait(0.05):
            if proc.poll() is not None or time.monotonic() > deadline:
                timed_out = proc.poll() is None
                if timed_out:
                    proc.kill()
                proc.wait()
                self._reap()
                status = f"no READY within {self.start_timeout:.0f} s" if timed_out else f"exit {proc.returncode}"
                message = f"RTSP test server did not start ({status}): {' '.join(command)}\n{self.stderr()}"
                if proc.returncode == EXIT_BIND and not timed_out:
                    raise _BindError(message)
                raise RtspServerError(message)

    def _read_stdout(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            word, _, value = line.strip().partition(" ")
            if word == "READY":
                self._ready.set()
            elif word == "CLIENT":
                with self._lock:
                    self._clients = int(value)

    def _read_stderr(self, proc: subprocess.Popen[str]) -> None:
        # Always drained: a full stderr pipe would block GStreamer's logging and with it the camera.
        assert proc.stderr is not None
        for line in proc.stderr:
            self._stderr.append(line)

    def _reap(self) -> None:
        for reader in self._readers:
            reader.join(timeout=5)
        proc = self._proc
        if proc is not None and proc.stdin is not None:
            proc.stdin.close()
        for stream in (proc.stdout, proc.stderr) if proc is not None else ():
            if stream is not None:
                stream.close()
        self._readers = []

    def _signal(self, signum: int) -> None:
        if not self.running:
            raise RtspServerError("the RTSP server is not running")
        assert self._proc is not None
        self._proc.send_signal(signum)


class _BindError(RtspServerError):
    """The server exited because its port was taken."""
