"""A tiny real RTSP camera for tests (DESIGN.md §4), run with Debian's /usr/bin/python3 (it has `gi`).

Standalone on purpose: stdlib + gi only, never factoryai or anything from the venv (the harness in
rtsp_helpers.py runs it with `python3 -I`). Mounts, all H.264 with a key frame every second:

  /test   videotestsrc (moving ball + running clock, so consecutive frames differ), --width/--height/--fps
  /file   --file PATH decoded and re-streamed in a loop, like a live camera that never runs out

Stdout protocol, one flushed line each: `READY <port>` once listening, `CLIENT <n>` per new RTSP connection
(n = connections so far). Exit codes: 0 on SIGTERM/SIGINT, 2 when gi/GStreamer pieces are missing, 3 when the
port cannot be bound (the harness retries on 3).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer
except (ImportError, ValueError) as exc:  # ValueError: gi present but the typelib is not
    print(f"GStreamer RTSP server is not importable with {sys.executable}: {exc}", file=sys.stderr)
    sys.exit(2)

EXIT_MISSING = 2
EXIT_BIND = 3
# Tried in order; Debian's gst-libav has no H.264 encoder (avenc_h264 is absent there) but other builds may.
ENCODERS = ("x264enc", "openh264enc", "avenc_h264")


def say(line: str) -> None:
    print(line, flush=True)  # the harness reads stdout line by line, so every line must leave at once


def encoder(fps: int) -> str:
    """An H.264 encoder description with a key frame at least every second, so a new client gets a picture fast
    (a shared pipeline is already running when it joins)."""
    name = next((e for e in ENCODERS if Gst.ElementFactory.find(e) is not None), None)
    if name is None:
        print(f"no H.264 encoder: none of {', '.join(ENCODERS)} is installed", file=sys.stderr)
        sys.exit(EXIT_MISSING)
    if name == "x264enc":
        return f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate=2000"
    return f"{name} gop-size={fps}"


def payloader() -> str:
    # config-interval=-1: SPS/PPS with every key frame, or a client joining a running pipeline cannot decode.
    return "h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1"


def test_factory(width: int, height: int, fps: int) -> GstRtspServer.RTSPMediaFactory:
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f"! timeoverlay ! videoconvert ! video/x-raw,format=I420 ! {encoder(fps)} ! {payloader()} )"
    )
    factory.set_shared(True)  # one pipeline for every client, so connections are what the harness counts
    return factory


class LoopedFile:
    """Plays a video file forever in its own pipeline, paced in real time, and pushes each decoded frame into the
    appsrc of whatever /file media exists. Looping lives here, outside the RTSP media, because an EOS inside a
    media ends the RTSP session for every client; a flushing seek back to 0 on EOS keeps this side simple, and the
    appsrc restamps frames with its own clock, so the stream's timestamps never jump back at the loop point."""

    def __init__(self, path: str) -> None:
        self.pipeline = Gst.parse_launch(
            "filesrc name=src ! decodebin ! videoconvert ! video/x-raw,format=I420 "
            "! appsink name=sink sync=true emit-signals=true max-buffers=2 drop=true"
        )
        self.pipeline.get_by_name("src").set_property("location", path)
        self.pipeline.get_by_name("sink").connect("new-sample", self._on_sample)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self._on_message)
        self.caps: Gst.Caps | None = None
        self.fps = 10
        self._first = threading.Event()
        self._failed = False
        self._lock = threading.Lock()
        self._targets: list[Gst.Element] = []

    def start(self) -> None:
        """Blocks until the first frame is decoded, so the caps are known before any client asks for them."""
        self.pipeline.set_state(Gst.State.PLAYING)
        context = GLib.MainContext.default()
        for _ in range(1000):  # ~10 s; the bus watch needs the default context iterated to report errors
            if self._first.wait(0.01) or self._failed:
                break
            while context.pending():
                context.iteration(False)
        if self.caps is None:
            if not self._failed:
                print("the video file produced no frame within 10 s", file=sys.stderr)
            sys.exit(EXIT_MISSING)
        structure = self.caps.get_structure(0)
        ok, num, den = structure.get_fraction("framerate")
        if ok and num > 0 and den > 0:
            self.fps = max(1, round(num / den))

    def stop(self) -> None:
        self.pipeline.set_state(Gst.State.NULL)

    def factory(self) -> GstRtspServer.RTSPMediaFactory:
        factory = GstRtspServer.RTSPMediaFactory()
        # leaky-type=downstream: a media that stalls drops its oldest frames instead of growing without bound.
        factory.set_launch(
            "( appsrc name=feed is-live=true do-timestamp=true format=time max-bytes=8000000 leaky-type=downstream "
            f"! videoconvert ! video/x-raw,format=I420 ! {encoder(self.fps)} ! {payloader()} )"
        )
        factory.set_shared(True)
        factory.connect("media-configure", self._on_media)
        return factory

    def _on_media(self, _factory: GstRtspServer.RTSPMediaFactory, media: GstRtspServer.RTSPMedia) -> None:
        appsrc = media.get_element().get_by_name("feed")
        appsrc.set_property("caps", self.caps)
        with self._lock:
            self._targets.append(appsrc)
        media.connect("unprepared", lambda _m: self._forget(appsrc))

    def _forget(self, appsrc: Gst.Element) -> None:
        with self._lock:
            if appsrc in self._targets:
                self._targets.remove(appsrc)

    def _on_sample(self, sink: Gst.Element) -> Gst.FlowReturn:
        sample = sink.emit("pull-sample")
        if self.caps is None:
            self.caps = sample.get_caps()
            self._first.set()
        with self._lock:
            targets = list(self._targets)
        for appsrc in targets:
            # A fresh buffer without timestamps: appsrc (do-timestamp) stamps it with the media's running time.
            out = sample.get_buffer().copy()
            out.pts = out.dts = out.duration = Gst.CLOCK_TIME_NONE
            appsrc.emit("push-buffer", out)
        return Gst.FlowReturn.OK

    def _on_message(self, _bus: Gst.Bus, message: Gst.Message) -> None:
        if message.type == Gst.MessageType.EOS:
            self.pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT, 0)
        elif message.type == Gst.MessageType.ERROR and not self._failed:
            self._failed = True  # report the first error only; the rest are consequences
            err, debug = message.parse_error()
            print(f"file pipeline error: {err.message} ({debug})", file=sys.stderr, flush=True)


def stdin_event(loop: GLib.MainLoop) -> bool:
    if not os.read(sys.stdin.fileno(), 4096):  # EOF: the harness is gone
        loop.quit()
        return GLib.SOURCE_REMOVE
    return GLib.SOURCE_CONTINUE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--file", help="also serve this video file, looped, at /file")
    parser.add_argument("--check", action="store_true", help="only check that everything needed is installed")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes (the harness died)")
    args = parser.parse_args()

    Gst.init(None)
    encoder(args.fps)  # exits with a clear message when no H.264 encoder is installed
    if args.check:
        return 0

    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    mounts.add_factory("/test", test_factory(args.width, args.height, args.fps))
    looped: LoopedFile | None = None
    if args.file:
        looped = LoopedFile(args.file)
        looped.start()
        mounts.add_factory("/file", looped.factory())

    connections = 0

    def on_client(_server: GstRtspServer.RTSPServer, _client: GstRtspServer.RTSPClient) -> None:
        nonlocal connections
        connections += 1
        say(f"CLIENT {connections}")

    server.connect("client-connected", on_client)
    try:
        # create_source binds now and raises, unlike attach(), which only logs a warning and returns 0.
        source = server.create_source(None)
    except GLib.Error as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.message}", file=sys.stderr)
        return EXIT_BIND
    source.attach(None)

    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, lambda: (loop.quit(), GLib.SOURCE_REMOVE)[1])
    if args.watch_stdin:
        # The harness keeps our stdin open; when its process dies (even by SIGKILL) the pipe closes and we follow,
        # so a crashed test run leaves no camera behind.
        conditions = GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR
        GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, conditions, lambda *_: stdin_event(loop))
    say(f"READY {server.get_bound_port()}")
    try:
        loop.run()
    finally:
        source.destroy()
        if looped is not None:
            looped.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
