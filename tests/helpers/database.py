"""The database URL for a subprocess a test starts (a worker, `manage.py`, a restore), built
from the test settings, so it reaches the server the tests use however it is reached: over
TCP with DATABASE_URL (CI), or through the socket folder of the embedded PostgreSQL a
newcomer gets with nothing set."""

from urllib.parse import quote, urlencode

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


def database_url(name=None, settings_dict=None):
    """A postgres:// URL for the test database (the default connection's, or
    `settings_dict`'s), or for the database `name` on the same server as that user."""
    db = settings_dict or connections[DEFAULT_DB_ALIAS].settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    path = quote(name or db["NAME"], safe="")
    host, port = db.get("HOST") or "", str(db.get("PORT") or "")
    if host.startswith("/"):  # a socket folder: it goes in the query, not the authority
        query = urlencode({"host": host, **({"port": port} if port else {})})
        return f"postgres://{credentials}/{path}?{query}"
    authority = host + (f":{port}" if port else "")
    return f"postgres://{credentials}{authority}/{path}"


def admin_connection():
    """An autocommit connection to the "postgres" database of the test database's server."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    )


def rows(dbname, table):
    """Every row of `table` in the database `dbname` on the same server, in key order."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=dbname) as c:
        return c.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
