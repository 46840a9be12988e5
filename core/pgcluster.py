"""A throwaway PostgreSQL on loopback ports: a primary, with a streaming standby or alone.

The one way the project starts a PostgreSQL of its own: ``make cluster`` (bin/cluster), the
read-replica and PgBouncer tests (the ``pg_cluster`` fixture in tests/project/conftest.py)
and the database-outage test (a primary alone, ``standby=False``) all use `PgCluster`.
From a shell::

    python -m core.pgcluster start --dir var/cluster/pg --primary-port 5433 \\
        --replica-port 5434 [--database defenceblog] [--no-standby]
    python -m core.pgcluster status --dir var/cluster/pg
    python -m core.pgcluster stop --dir var/cluster/pg [--remove]

``start`` is idempotent: it creates the primary (``initdb``, ``wal_level=replica``, trust
authentication for loopback only) and the standby (``pg_basebackup -R``) the first time,
starts whichever is not running, waits until the standby streams, and prints the URLs
as ``DATABASE_URL=...`` and ``DATABASE_REPLICA_URL=...`` lines. The ports are recorded in
the directory, so later commands need only ``--dir``.

Only the standard library and psycopg: it imports nothing of Django or the apps.

The servers are the machine's own binaries (``--bindir``; default PG_BIN_DIR, else the
newest /usr/lib/postgresql/*/bin). PostgreSQL refuses to run as root, so as root every server
command runs as the ``postgres`` OS user (``runuser``) and the directory is handed to it.
The data is not crash-safe (``fsync=off``): it is for tests and a local cluster only.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def _default_bindir() -> str:
    """PG_BIN_DIR, else the newest server installed the Debian way."""
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    return os.environ.get("PG_BIN_DIR") or (
        installed[0] if installed else "/usr/lib/postgresql/15/bin"
    )


def _version(bindir: str) -> int:
    try:
        return int(Path(bindir).parent.name)
    except ValueError:
        return 0


DEFAULT_BINDIR = _default_bindir()
OS_USER = "postgres"

SERVER_SETTINGS = """
# --- written by core/pgcluster.py ---
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 5
wal_keep_size = '64MB'
hot_standby = on
hot_standby_feedback = on
max_connections = 100
fsync = off
full_page_writes = off
synchronous_commit = off
logging_collector = off
log_min_messages = warning
"""

HBA = """# written by core/pgcluster.py: loopback only, no passwords (throwaway cluster)
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


def binaries_available(bindir: str = DEFAULT_BINDIR) -> bool:
    """The server programs are installed, and (as root) there is runuser to drop to postgres."""
    return Path(bindir, "initdb").exists() and (
        os.geteuid() != 0 or shutil.which("runuser") is not None
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClusterError(RuntimeError):
    pass


@dataclass
class PgCluster:
    """A primary in ``<dir>/primary`` and, unless ``standby`` is off, a standby in
    ``<dir>/replica``."""

    directory: Path
    primary_port: int
    replica_port: int | None = None
    bindir: str = DEFAULT_BINDIR
    database: str = "postgres"
    standby: bool = True

    @classmethod
    def from_dir(cls, directory: str | Path, bindir: str = DEFAULT_BINDIR) -> PgCluster:
        """The cluster recorded in ``directory`` by an earlier ``start``."""
        state = Path(directory) / "cluster.json"
        try:
            data = json.loads(state.read_text())
        except (OSError, ValueError) as exc:
            raise ClusterError(f"No cluster recorded in {directory} ({exc}).") from exc
        return cls(
            Path(directory),
            data["primary_port"],
            data["replica_port"],
            bindir,
            data.get("database", "postgres"),
            data.get("standby", True),
        )

    # --- paths and URLs -------------------------------------------------------------
    @property
    def primary_dir(self) -> Path:
        return self.directory / "primary"

    @property
    def replica_dir(self) -> Path:
        return self.directory / "replica"

    def primary_url(self, database: str | None = None) -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/{database or self.database}"

    def replica_url(self, database: str | None = None) -> str:
        return f"postgres://postgres@127.0.0.1:{self.replica_port}/{database or self.database}"

    # --- running commands as the postgres OS user -----------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [os.path.join(self.bindir, args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OS_USER, "--", *command]
        result = subprocess.run(  # noqa: S603 (our own argument list, no shell)
            command, capture_output=True, text=True, check=False
        )
        if check and result.returncode != 0:
            raise ClusterError(
                f"{' '.join(args[:2])} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}"
            )
        return result

    def _hand_over(self, path: Path):
        """As root, give ``path`` to the postgres OS user (the servers run as it)."""
        if os.geteuid() == 0:
            shutil.chown(path, OS_USER, OS_USER)

    def _running(self, data_dir: Path) -> bool:
        if not (data_dir / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "status", "-D", str(data_dir), check=False).returncode == 0

    def _start_server(self, data_dir: Path, log_name: str):
        if self._running(data_dir):
            return
        log = self.directory / log_name
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(data_dir), "-l", str(log))

    def _stop_server(self, data_dir: Path, mode: str = "fast"):
        if self._running(data_dir):
            self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(data_dir))

    # --- the cluster ----------------------------------------------------------------
    def start(self) -> PgCluster:
        """Create what is missing, start what is stopped, wait for streaming."""
        if not Path(self.bindir, "initdb").exists():
            raise ClusterError(f"No PostgreSQL binaries in {self.bindir} (see --bindir).")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory = self.directory.resolve()
        self._hand_over(self.directory)
        (self.directory / "cluster.json").write_text(
            json.dumps(
                {
                    "primary_port": self.primary_port,
                    "replica_port": self.replica_port,
                    "database": self.database,
                    "standby": self.standby,
                }
            )
        )
        if not (self.primary_dir / "PG_VERSION").exists():
            self._init_primary()
        self.start_primary()
        if self.database != "postgres":
            self.create_database(self.database)
        if not self.standby:
            return self
        if not (self.replica_dir / "PG_VERSION").exists():
            self._init_replica()
        self.start_replica()
        return self

    def _init_primary(self):
        if self.primary_dir.exists():
            shutil.rmtree(self.primary_dir)  # a half-made data directory from a failed run
        self._run(
            "initdb",
            "-D",
            str(self.primary_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(SERVER_SETTINGS.format(port=self.primary_port))
        (self.primary_dir / "pg_hba.conf").write_text(HBA)

    def _init_replica(self):
        if self.replica_dir.exists():
            shutil.rmtree(self.replica_dir)
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.replica_dir),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        # -R wrote primary_conninfo and standby.signal; the copied postgresql.conf still
        # names the primary's port, which the auto.conf line overrides.
        auto_conf = self.replica_dir / "postgresql.auto.conf"
        with open(auto_conf, "a") as conf:
            conf.write(f"port = {self.replica_port}\n")

    def start_primary(self):
        self._start_server(self.primary_dir, "primary.log")

    def stop_primary(self, mode: str = "fast"):
        """The database goes away (its standby keeps trying to reconnect)."""
        self._stop_server(self.primary_dir, mode)

    def start_replica(self, timeout: float = 60):
        self._start_server(self.replica_dir, "replica.log")
        self.wait_for_streaming(timeout)

    def stop_replica(self, mode: str = "fast"):
        self._stop_server(self.replica_dir, mode)

    def stop(self, remove: bool = False, mode: str = "fast"):
        self._stop_server(self.replica_dir, mode)
        self._stop_server(self.primary_dir, mode)
        if remove:
            shutil.rmtree(self.directory, ignore_errors=True)

    def status(self) -> dict:
        report = {
            "primary": {"url": self.primary_url(), "running": self._running(self.primary_dir)}
        }
        if self.standby:
            report["replica"] = {
                "url": self.replica_url(),
                "running": self._running(self.replica_dir),
            }
        return report

    # --- SQL helpers (tests use them) -----------------------------------------------
    def _connect(self, port: int, database: str | None = None):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=port,
            user="postgres",
            dbname=database or self.database,
            autocommit=True,
            connect_timeout=5,
        )

    def primary_sql(self, sql: str, params=None, database: str | None = None):
        with self._connect(self.primary_port, database) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def replica_sql(self, sql: str, params=None, database: str | None = None):
        with self._connect(self.replica_port, database) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def create_database(self, name: str):
        exists = self.primary_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name], database="postgres"
        )
        if not exists:
            self.primary_sql(f'CREATE DATABASE "{name}"', database="postgres")

    def wait_for_streaming(self, timeout: float = 60):
        """Until the primary reports the standby as streaming."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                rows = self.primary_sql(
                    "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'"
                )
                if rows and self.replica_sql("SELECT pg_is_in_recovery()")[0][0]:
                    return
            except Exception:  # noqa: S110 - the standby is still starting
                pass
            time.sleep(0.2)
        raise ClusterError(f"The standby did not start streaming within {timeout:.0f}s.")

    def wait_for_replay(self, timeout: float = 30):
        """Until the standby has replayed everything the primary has written so far. The
        target is the WAL *insert* position: with synchronous_commit off, a commit returns
        before its record is written, so the write position (pg_current_wal_lsn) can still
        be short of it and the standby would be called caught up one commit early."""
        target = self.primary_sql("SELECT pg_current_wal_insert_lsn()")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            caught_up = self.replica_sql(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(target)]
            )[0][0]
            if caught_up:
                return
            time.sleep(0.05)
        raise ClusterError(f"The standby did not replay up to {target} within {timeout:.0f}s.")

    def pause_replay(self):
        self.replica_sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        self.replica_sql("SELECT pg_wal_replay_resume()")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="A throwaway PostgreSQL primary and streaming standby on loopback."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="create and start (idempotent); prints URLs")
    start.add_argument("--dir", required=True, type=Path)
    start.add_argument("--primary-port", type=int, help="default: recorded, else 5433")
    start.add_argument("--replica-port", type=int, help="default: recorded, else 5434")
    start.add_argument("--database", help="create this database on the primary too")
    start.add_argument("--no-standby", action="store_true", help="a primary alone")
    start.add_argument("--bindir", default=DEFAULT_BINDIR)
    for name, help_text in (("stop", "stop both servers"), ("status", "show state")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--dir", required=True, type=Path)
        sub.add_argument("--bindir", default=DEFAULT_BINDIR)
        if name == "stop":
            sub.add_argument("--remove", action="store_true", help="delete the data too")
    args = parser.parse_args(argv)

    try:
        if args.command == "start":
            try:
                recorded = PgCluster.from_dir(args.dir, args.bindir)
            except ClusterError:
                recorded = None
            cluster = PgCluster(
                args.dir,
                args.primary_port or (recorded.primary_port if recorded else 5433),
                args.replica_port or (recorded.replica_port if recorded else 5434),
                args.bindir,
                args.database or (recorded.database if recorded else "postgres"),
                not args.no_standby and (recorded.standby if recorded else True),
            )
            cluster.start()
            print(f"DATABASE_URL={cluster.primary_url()}")  # noqa: T201
            if cluster.standby:
                print(f"DATABASE_REPLICA_URL={cluster.replica_url()}")  # noqa: T201
        elif args.command == "stop":
            if not (args.dir / "cluster.json").exists():
                return 0  # nothing was started there: stopping is a no-op
            PgCluster.from_dir(args.dir, args.bindir).stop(remove=args.remove)
        else:
            print(json.dumps(PgCluster.from_dir(args.dir, args.bindir).status(), indent=2))  # noqa: T201
    except ClusterError as exc:
        print(f"pgcluster: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
