#!/usr/bin/env bash
# Makes sure what the test suite talks to is installed and running; fails loudly otherwise.
# Idempotent: a service that already answers is left alone.
set -euo pipefail

need_root() {
  if [ "$(id -u)" != 0 ]; then echo "ERROR: installing $1 needs root (apt-get)"; exit 1; fi
}

apt_install() {
  need_root "$*"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL at 127.0.0.1:5432 with trust auth for user postgres (DESIGN.md §4).
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing PostgreSQL"
  apt_install postgresql
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "ERROR: PostgreSQL is not accepting connections on 127.0.0.1:5432"; exit 1; }
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1" >/dev/null \
  || { echo "ERROR: cannot log in to PostgreSQL as 'postgres' on 127.0.0.1 (trust auth expected)"; exit 1; }
echo "PostgreSQL: ready"

# Mosquitto (MQTT) at 127.0.0.1:1883: alerts and gate events are tested against the real broker.
mqtt_up() { (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; }
if ! mqtt_up; then
  if ! command -v mosquitto >/dev/null 2>&1; then
    echo "installing Mosquitto"
    apt_install mosquitto
  fi
  echo "starting Mosquitto"
  if [ -f /etc/mosquitto/mosquitto.conf ]; then mosquitto -d -c /etc/mosquitto/mosquitto.conf; else mosquitto -d; fi
  for _ in $(seq 1 20); do mqtt_up && break; sleep 0.5; done
fi
mqtt_up || { echo "ERROR: no MQTT broker on 127.0.0.1:1883"; exit 1; }
echo "Mosquitto: ready"

# RTSP test camera (DESIGN.md §4): tests/video/rtsp_server.py runs under Debian's /usr/bin/python3, which has `gi`
# (the venv does not), with GStreamer's RTSP server, x264 (plugins-ugly) and FFmpeg decoders (libav); ffmpeg gives
# the tests ffprobe and short generated clips.
rtsp_packages=(gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-libav python3-gi ffmpeg)
rtsp_missing=()
for pkg in "${rtsp_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || rtsp_missing+=("$pkg")
done
if [ "${#rtsp_missing[@]}" -gt 0 ]; then
  echo "installing ${rtsp_missing[*]}"
  apt_install "${rtsp_missing[@]}"
fi
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer','1.0'); from gi.repository import GstRtspServer" \
  || { echo "ERROR: /usr/bin/python3 cannot import gi.repository.GstRtspServer (gir1.2-gst-rtsp-server-1.0, python3-gi)"; exit 1; }
/usr/bin/python3 -I "$(dirname "$0")/../tests/video/rtsp_server.py" --check \
  || { echo "ERROR: the RTSP test server cannot run (see the line above)"; exit 1; }
command -v ffprobe >/dev/null 2>&1 || { echo "ERROR: ffprobe is missing (Debian package ffmpeg)"; exit 1; }
echo "RTSP test server: ready"

# Browser for the dashboard's end-to-end tests (DESIGN.md §4): Debian's Chromium, driven by Playwright for Python
# (executable_path=/usr/bin/chromium: Playwright downloads no browser).
if ! dpkg -s chromium >/dev/null 2>&1; then
  echo "installing chromium"
  apt_install chromium
fi
/usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 \
  || { echo "ERROR: /usr/bin/chromium does not start (Debian package chromium)"; exit 1; }
echo "Chromium: ready ($(/usr/bin/chromium --version 2>/dev/null))"
