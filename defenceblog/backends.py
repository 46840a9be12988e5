"""Where the site keeps its data, from the environment (settings.py calls these): DATABASES
from DATABASE_URL, else the embedded PostgreSQL a newcomer gets with nothing set, with
DATABASE_REPLICA_URL for the read replica; CACHES from REDIS_URL. See docs/deploying.md."""

import os
from pathlib import Path

import dj_database_url


def database_from_url(
    url: str, connect_timeout: int, pooler: str = "", disable_server_side_cursors: bool = False
) -> dict:
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    # A database that does not answer is a 503 page within seconds, not a hung worker.
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", connect_timeout)
    if disable_server_side_cursors:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    if pooler == "pgbouncer":
        options["prepare_threshold"] = None
    else:
        prepared_statements(options)
    return database


def prepared_statements(options: dict) -> dict:
    """Connection options for core.statements' reader queries, prepared on the server
    (not through a pooler in transaction mode, which would lose them): psycopg prepares a
    statement bound on the server the first time it runs (Django's own cursors bind on the
    client and are never prepared), and PostgreSQL plans a prepared statement once
    (`force_generic_plan`: its parameters are only the time, a key and ids; planning the
    front page's per-section union took twice as long as running it)."""
    options.setdefault("prepare_threshold", 0)
    extra = "-c plan_cache_mode=force_generic_plan"
    options["options"] = f"{options['options']} {extra}" if options.get("options") else extra
    return options


def databases(
    base_dir: Path, pooler: str, disable_server_side_cursors: bool, replica_url: str
) -> dict:
    def from_url(url, connect_timeout):
        return database_from_url(url, connect_timeout, pooler, disable_server_side_cursors)

    if os.environ.get("DATABASE_URL"):
        found = {
            "default": from_url(
                os.environ["DATABASE_URL"], int(os.environ.get("DATABASE_CONNECT_TIMEOUT", 5))
            )
        }
    else:
        from defenceblog.embedded_db import database_settings

        found = {"default": database_settings(base_dir / "var" / "postgres")}
        prepared_statements(found["default"].setdefault("OPTIONS", {}))
    if replica_url:
        found["replica"] = from_url(
            replica_url, int(os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", 2))
        )
        # In tests the replica alias is the test database's mirror, which the router treats
        # as the primary itself (settings_test).
        found["replica"]["TEST"] = {"MIRROR": "default"}
    return found


def caches(redis_url: str) -> dict:
    """Redis at REDIS_URL, fail-soft: while Redis is down, reads miss and writes are
    dropped (core/cache.py), so pages render, sessions come from the database and rate
    limits fail open. Without it, each process's memory."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "defenceblog",
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", 0.5)),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", 0.5)),
            },
        }
    }
