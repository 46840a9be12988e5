"""The test servers' processes (gunicorn, varnishd, pgbouncer): waiting for one to answer,
and stopping one."""

import subprocess
import time
import urllib.error
import urllib.request


def wait_healthy(process, url, name, log_path, interval=0.2, timeout=60):
    """Wait until `url` answers 2xx/3xx while `process` runs; RuntimeError with the end
    of its log if it exits or does not answer within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (127.0.0.1)
                return
        except (OSError, urllib.error.URLError):
            time.sleep(interval)
    raise RuntimeError(f"{name} did not answer: {log_path.read_text()[-2000:]}")


def stop(process, timeout=20):
    """Terminate `process` (if it still runs), killing it after `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
