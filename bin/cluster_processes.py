"""The processes bin/cluster starts: each in its own session, its pid recorded in
var/cluster/pids/ and its output in var/cluster/logs/, so `bin/cluster down` stops exactly
those; the waits and probes that tell when one is up; and the deploy/ templates they run
from, rendered."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "cluster"
PIDS, LOGS = VAR / "pids", VAR / "logs"


def pid_of(name):
    try:
        return int((PIDS / f"{name}.pid").read_text())
    except (OSError, ValueError):
        return None


def alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) is not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True


def start_process(name, argv, env=None):
    if alive(pid_of(name)):
        raise SystemExit(f"cluster: {name} is already running (pid {pid_of(name)})")
    PIDS.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"{name}.log", "ab") as out:
        process = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=env or dict(os.environ),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (PIDS / f"{name}.pid").write_text(str(process.pid))
    return process


def stop_process(name, sig=signal.SIGTERM, timeout=30):
    """Signal the process group recorded for `name`, wait, then SIGKILL what is left."""
    pid = pid_of(name)
    if alive(pid):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
        while alive(pid):
            time.sleep(0.05)
    (PIDS / f"{name}.pid").unlink(missing_ok=True)


def wait_for(check, what, timeout=60, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            raise SystemExit(f"cluster: {what} exited ({process.returncode}); see {LOGS}")
        time.sleep(0.1)
    raise SystemExit(f"cluster: {what} did not come up within {timeout}s; see {LOGS}")


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_status(url, timeout=5):
    try:
        with urlopen(url, timeout=timeout) as response:  # noqa: S310 (127.0.0.1)
            return response.status
    except HTTPError as exc:
        return exc.code
    except (URLError, OSError):
        return None


def render(template, values):
    text = (ROOT / "deploy" / template).read_text()
    missing = sorted(set(re.findall(r"\$\{([A-Z_0-9]+)\}", text)) - set(values))
    if missing:
        raise SystemExit(f"cluster: no value for {', '.join(missing)} in deploy/{template}")
    return re.sub(r"\$\{([A-Z_0-9]+)\}", lambda m: values[m.group(1)], text)
