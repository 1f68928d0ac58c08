"""``kesu backup`` and ``kesu restore``: the database, the uploaded files and the secret key in one archive.

Copying the SQLite file while Kesu runs loses what is still in its write-ahead
log (issue 15 §7), and a database without its uploads or without the secret
key that signed the survey links and sessions is half a backup. So:

* the database is copied consistently while Kesu keeps serving: SQLite through
  its online backup API (``sqlite3.Connection.backup``, which reads the WAL
  too), PostgreSQL with ``pg_dump --format=custom`` inside a snapshot whose
  row counts go into the manifest;
* the media folder is copied after the database, so every file a copied row
  names is already on disk (uploads store the file before their row commits);
* the secret key (file or ``KESU_SECRET_KEY``) goes in as ``secret_key``;
* ``manifest.json`` says what it is (Kesu version, database, migration state,
  time, rows per table) and holds the SHA-256 of every file.

``kesu restore`` checks every checksum first, refuses a data folder or database
that already has data, restores, then counts the rows against the manifest.

Neither needs Django's settings: they read the same environment variables
(``KESU_DATA_DIR``, ``KESU_DATABASE_URL``, ``KESU_MEDIA_DIR``,
``KESU_SECRET_KEY``) themselves, because loading the settings in an empty data
folder would generate a new secret key there before the restored one arrives.
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

FORMAT = 1
MANIFEST = "manifest.json"
SECRET_KEY_NAME = "secret_key"
SQLITE_NAME = "database/kesu.sqlite3"
PGDUMP_NAME = "database/kesu.pgdump"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Installation:
    """Where one Kesu keeps its data: the folder, the media folder, the database (Django-style settings dict)."""

    data_dir: Path
    media_dir: Path
    database: dict[str, Any]

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Installation:
        """The installation ``kesu up`` would use with this environment (the rules of kesu/settings.py)."""
        import dj_database_url

        env = os.environ if environ is None else environ
        data_dir = Path(env.get("KESU_DATA_DIR", Path.cwd() / "data")).resolve()
        url = env.get("KESU_DATABASE_URL", f"sqlite:///{data_dir / 'kesu.sqlite3'}")
        media_dir = Path(env.get("KESU_MEDIA_DIR", data_dir / "media")).resolve()
        return cls(data_dir=data_dir, media_dir=media_dir, database=dict(dj_database_url.parse(url)))

    @property
    def vendor(self) -> str:
        engine = self.database["ENGINE"]
        if engine.endswith("sqlite3"):
            return "sqlite"
        if engine.endswith("postgresql"):
            return "postgresql"
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / SECRET_KEY_NAME

    def describe(self) -> str:
        db = self.database
        if self.vendor == "sqlite":
            return f"SQLite {db['NAME']}"
        return f"PostgreSQL {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


# --- database access without Django ------------------------------------------------------------


def _pg_params(db: dict[str, Any], dbname: str | None = None) -> dict[str, Any]:
    params = {"dbname": dbname or db["NAME"], "host": db.get("HOST") or None, "port": db.get("PORT") or None,
              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    params.update({k: v for k, v in (db.get("OPTIONS") or {}).items() if k in {"sslmode", "sslrootcert"}})
    return {k: v for k, v in params.items() if v is not None}


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump / pg_restore: the password never appears on a command line."""
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD",
             "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "dbname": "PGDATABASE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[k]: str(v) for k, v in _pg_params(db).items()})
    return env


def _connect_pg(db: dict[str, Any], dbname: str | None = None, **kwargs):
    import psycopg

    return psycopg.connect(connect_timeout=10, **_pg_params(db, dbname), **kwargs)


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [r[0] for r in rows]


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _sqlite_tables(conn)}


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [r[0] for r in cursor.fetchall()]


def _pg_counts(cursor) -> dict[str, int]:
    from psycopg import sql

    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(rows):
        applied.setdefault(app, []).append(name)
    return applied


def row_counts(installation: Installation) -> dict[str, int]:
    """Rows per table of the installation's database now (what restore checks against the manifest)."""
    if installation.vendor == "sqlite":
        conn = sqlite3.connect(installation.database["NAME"])
        try:
            return _sqlite_counts(conn)
        finally:
            conn.close()
    with _connect_pg(installation.database) as conn, conn.cursor() as cursor:
        return _pg_counts(cursor)


def _pg_tool(name: str, server_major: int) -> str:
    """The ``pg_dump``/``pg_restore`` of the newest client at least as new as the server.

    An older pg_dump refuses a newer server; Debian installs each major version
    under /usr/lib/postgresql/N/bin and puts one of them on the PATH.
    """
    candidates = []
    if os.environ.get("KESU_PG_BIN"):
        candidates.append(str(Path(os.environ["KESU_PG_BIN"]) / name))
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                         key=lambda p: int(re.findall(r"/(\d+)/bin/", p)[0]) if re.findall(r"/(\d+)/bin/", p)
                         else 0, reverse=True)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        try:
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=True,
                                     timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        found = re.search(r"(\d+)(?:\.\d+)?", version)
        if found and int(found.group(1)) >= server_major:
            return candidate
    raise BackupError(
        f"{name} of PostgreSQL {server_major} or later was not found. Install the PostgreSQL client "
        f"(Debian: apt-get install postgresql-client-{server_major}) or set KESU_PG_BIN to its bin folder.")


# --- backup ------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A reader that hashes what it hands on, so the checksum is of the bytes in the archive."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str, files: dict[str, dict]) -> None:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(path.stat().st_mtime), 0o600
        reader = _Hashing(handle)
        # tarfile reads exactly ``size`` bytes: a file still growing is taken as it was when opened.
        tar.addfile(info, reader)
    files[name] = {"sha256": reader.digest.hexdigest(), "size": size}


def _add_bytes(tar: tarfile.TarFile, data: bytes, name: str, files: dict[str, dict] | None) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.datetime.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))
    if files is not None:
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _kesu_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kesu")
    except PackageNotFoundError:
        return "unknown"


def _media_files(media_dir: Path) -> Iterator[Path]:
    if media_dir.is_dir():
        for path in sorted(media_dir.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def _secret_key(installation: Installation) -> tuple[bytes | None, str | None]:
    if os.environ.get("KESU_SECRET_KEY"):
        return os.environ["KESU_SECRET_KEY"].encode(), "environment"
    if installation.secret_key_file.is_file():
        return installation.secret_key_file.read_bytes().strip(), "file"
    return None, None


@contextmanager
def _database_copy(installation: Installation, workdir: Path) -> Iterator[tuple[Path, str, dict]]:
    """(file, archive name, facts for the manifest) of a consistent copy of the database."""
    db = installation.database
    if installation.vendor == "sqlite":
        source_path = Path(db["NAME"])
        if not source_path.is_file():
            raise BackupError(f"There is no database at {source_path} to back up.")
        copy = workdir / "kesu.sqlite3"
        source = sqlite3.connect(source_path, timeout=60)
        target = sqlite3.connect(copy)
        try:
            # One step (pages=-1): a single read transaction, so the copy is one snapshot, WAL included,
            # while writers go on (WAL readers do not block them).
            source.backup(target)
            facts = {"rows": _sqlite_counts(target),
                     "migrations": _migrations(target.execute("SELECT app, name FROM django_migrations").fetchall()),
                     "server_version": sqlite3.sqlite_version}
        finally:
            target.close()
            source.close()
        yield copy, SQLITE_NAME, facts
        return
    dump = workdir / "kesu.pgdump"
    with _connect_pg(db, autocommit=True) as conn, conn.cursor() as cursor:
        server_major = conn.info.server_version // 10000
        pg_dump = _pg_tool("pg_dump", server_major)
        # The counts and the dump read one snapshot: the manifest's rows are exactly the dump's.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows = _pg_counts(cursor)
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = _migrations(cursor.fetchall())
        result = subprocess.run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                                 f"--file={dump}"], env=_pg_env(db), capture_output=True, text=True)
        cursor.execute("COMMIT")
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        facts = {"rows": rows, "migrations": migrations, "server_version": conn.info.server_version}
    yield dump, PGDUMP_NAME, facts


def backup(output: Path, *, installation: Installation | None = None, out: TextIO | None = None) -> dict:
    """Write one archive (tar.gz) of the installation to ``output``; returns its manifest.

    The archive is written beside ``output`` and renamed into place when
    complete, and is readable by its owner only (it holds the secret key).
    """
    installation = installation or Installation.from_environment()
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    files: dict[str, dict] = {}
    # The database copy is made beside the archive, on the disk chosen for it: /tmp may be too small for it.
    with tempfile.TemporaryDirectory(prefix=".kesu-backup-", dir=output.parent) as tmp:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                if out:
                    out.write(f"Copying the database ({installation.describe()})…\n")
                    out.flush()
                with _database_copy(installation, Path(tmp)) as (copy, name, facts):
                    _add_file(tar, copy, name, files)
                media = 0
                for path in _media_files(installation.media_dir):
                    _add_file(tar, path, "media/" + path.relative_to(installation.media_dir).as_posix(), files)
                    media += 1
                key, key_source = _secret_key(installation)
                if key is not None:
                    _add_bytes(tar, key, SECRET_KEY_NAME, files)
                manifest = {
                    "format": FORMAT,
                    "kesu_version": _kesu_version(),
                    "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                    "database": {"vendor": installation.vendor, "file": name,
                                 "server_version": facts["server_version"]},
                    "migrations": facts["migrations"],
                    "rows": facts["rows"],
                    "media_files": media,
                    "secret_key": key_source,
                    "files": files,
                }
                _add_bytes(tar, json.dumps(manifest, ensure_ascii=False, indent=1).encode(), MANIFEST, None)
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    if out:
        out.write(f"Backup written to {output} ({output.stat().st_size:,} bytes): "
                  f"{sum(manifest['rows'].values()):,} rows, {media:,} media files, "
                  f"secret key {'included' if key_source else 'not found'}.\n")
    return manifest


# --- restore -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unpack(archive: Path, into: Path) -> dict:
    """Extract the archive and check it against its manifest; returns the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a readable Kesu backup: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError) as error:
        raise BackupError(f"{archive} has no valid {MANIFEST}: it is not a Kesu backup.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is in backup format {manifest.get('format')}; this Kesu reads {FORMAT}.")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(files):
        extra, missing = sorted(present - set(files)), sorted(set(files) - present)
        raise BackupError(f"The archive does not match its manifest (missing: {missing[:5]}, extra: {extra[:5]}).")
    damaged = [name for name, facts in files.items() if _sha256(into / name) != facts["sha256"]]
    if damaged:
        raise BackupError(f"Checksum mismatch, the archive is damaged: {', '.join(damaged[:10])}.")
    return manifest


def _refuse_unless_empty(installation: Installation, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != installation.vendor:
        raise BackupError(f"This is a backup of a {vendor} database; the target is {installation.describe()}. "
                          f"Restore into the same kind of database (set or unset KESU_DATABASE_URL).")
    problems = []
    if installation.vendor == "sqlite":
        path = Path(installation.database["NAME"])
        if path.exists() and path.stat().st_size > 0:
            conn = sqlite3.connect(path)
            try:
                if _sqlite_tables(conn):
                    problems.append(f"the database {path} has tables")
            finally:
                conn.close()
    else:
        import psycopg

        try:
            with _connect_pg(installation.database) as conn, conn.cursor() as cursor:
                if _pg_tables(cursor):
                    problems.append(f"the database {installation.describe()} has tables")
        except psycopg.OperationalError as error:
            if "does not exist" not in str(error):
                raise BackupError(f"Cannot reach {installation.describe()}: {error}") from error
    if any(_media_files(installation.media_dir)):
        problems.append(f"the media folder {installation.media_dir} has files")
    if problems:
        raise BackupError("Refusing to restore over existing data: " + "; ".join(problems)
                          + ". Restore into an empty data folder and an empty (or new) database.")


def _create_pg_database(db: dict[str, Any]) -> None:
    import psycopg
    from psycopg import sql

    try:
        _connect_pg(db).close()
        return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    with _connect_pg(db, "postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def restore(archive: Path, *, installation: Installation | None = None, out: TextIO | None = None) -> dict:
    """Restore an archive of :func:`backup` into an empty installation; returns the manifest.

    Checks every checksum before touching anything, refuses a database or media
    folder that has data, and after restoring compares every table's row count
    with the manifest.
    """
    installation = installation or Installation.from_environment()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no file {archive}.")

    def say(text: str) -> None:
        if out:
            out.write(text + "\n")
            out.flush()

    installation.data_dir.mkdir(parents=True, exist_ok=True)
    # Unpacked inside the data folder: on its disk, so the files are moved into place, not copied twice.
    with tempfile.TemporaryDirectory(prefix=".kesu-restore-", dir=installation.data_dir) as tmp:
        unpacked = Path(tmp)
        manifest = _unpack(archive, unpacked)
        say(f"Archive checked: {len(manifest['files'])} files, Kesu {manifest['kesu_version']}, "
            f"{manifest['database']['vendor']}, made {manifest['created_at']}.")
        _refuse_unless_empty(installation, manifest)
        source = unpacked / manifest["database"]["file"]
        say(f"Restoring the database into {installation.describe()}…")
        if installation.vendor == "sqlite":
            target = Path(installation.database["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)  # an empty database's log must not be replayed over the copy
            shutil.move(source, target)
        else:
            db = installation.database
            _create_pg_database(db)
            with _connect_pg(db) as conn:
                server_major = conn.info.server_version // 10000
            pg_restore = _pg_tool("pg_restore", server_major)
            result = subprocess.run(
                [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                 "--no-password", f"--dbname={db['NAME']}", str(source)],
                env=_pg_env(db), capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        media = [name for name in manifest["files"] if name.startswith("media/")]
        for name in media:
            target = installation.media_dir / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(unpacked / name, target)
        say(f"Restored {len(media):,} media files into {installation.media_dir}.")
        if SECRET_KEY_NAME in manifest["files"]:
            key = (unpacked / SECRET_KEY_NAME).read_bytes()
            fd = os.open(installation.secret_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
            if os.environ.get("KESU_SECRET_KEY") and os.environ["KESU_SECRET_KEY"].encode() != key:
                say("Warning: KESU_SECRET_KEY is set and differs from the restored key, and it wins: survey "
                    "links and sessions of the backup stay valid only with the restored key (unset it).")
            say(f"Restored the secret key into {installation.secret_key_file}.")
    counts = row_counts(installation)
    wrong = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"The restored database does not have the backup's rows: {dict(list(wrong.items())[:5])}.")
    say(f"Restored {sum(counts.values()):,} rows in {len(counts)} tables; every count matches the backup. "
        f"Start Kesu with `kesu up`.")
    return manifest
