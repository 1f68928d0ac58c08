"""``kesu backup`` / ``kesu restore``: a consistent copy while Kesu serves writes, checked, restored only into empty.

The round trip runs on the database the suite runs on (SQLite, or PostgreSQL
when KESU_DATABASE_URL points there): a second process keeps recording
complaints through the service while the backup is taken. Tables the writer
does not touch must come back with exactly the source's row count; the tables
it writes come back as the snapshot the backup took — the manifest's counts,
taken inside that snapshot, between the counts before and after, every
restored complaint present in the source — and every attachment with the same
SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kesu.core.backup import BackupError, Installation, backup, restore, row_counts

PG_SOURCE, PG_TARGET = "kesu_backup_src", "kesu_backup_dst"


def _sqlite_installation(folder: Path) -> Installation:
    return Installation.from_environment({"KESU_DATA_DIR": str(folder)})


def _tiny_sqlite(folder: Path) -> Installation:
    """A database with a migration table and one table, without Django: enough for the archive's rules."""
    installation = _sqlite_installation(folder)
    folder.mkdir(parents=True)
    conn = sqlite3.connect(installation.database["NAME"])
    conn.executescript("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT);"
                       "INSERT INTO django_migrations (app, name) VALUES ('core', '0001_initial');"
                       "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b');")
    conn.commit()
    conn.close()
    (folder / "secret_key").write_text("the-key")
    (installation.media_dir / "complaints").mkdir(parents=True)
    (installation.media_dir / "complaints" / "a.png").write_bytes(b"\x89PNG" + b"1" * 100)
    return installation


def test_a_backup_holds_rows_still_in_the_write_ahead_log_that_a_file_copy_misses(tmp_path):
    installation = _tiny_sqlite(tmp_path / "src")
    path = installation.database["NAME"]
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # a busy server: the log is not folded back yet
    writer.execute("INSERT INTO t (v) VALUES ('committed, in the WAL only')")
    shutil.copyfile(path, tmp_path / "copied.sqlite3")
    copied = sqlite3.connect(tmp_path / "copied.sqlite3")
    assert copied.execute("SELECT count(*) FROM t").fetchone()[0] == 2  # the issue: the last row is lost
    copied.close()
    manifest = backup(tmp_path / "b.tar.gz", installation=installation)
    writer.close()
    assert manifest["rows"]["t"] == 3
    target = _sqlite_installation(tmp_path / "dst")
    restore(tmp_path / "b.tar.gz", installation=target)
    assert row_counts(target)["t"] == 3


def test_an_archive_has_a_manifest_with_version_database_migrations_and_a_checksum_per_file(tmp_path):
    installation = _tiny_sqlite(tmp_path / "src")
    manifest = backup(tmp_path / "b.tar.gz", installation=installation)
    assert (tmp_path / "b.tar.gz").stat().st_mode & 0o077 == 0  # it holds the secret key
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        names = set(tar.getnames())
        stored = json.loads(tar.extractfile("manifest.json").read())
        media = tar.extractfile("media/complaints/a.png").read()
    assert names == {"manifest.json", "database/kesu.sqlite3", "media/complaints/a.png", "secret_key"}
    assert stored == manifest
    assert manifest["database"]["vendor"] == "sqlite" and manifest["migrations"] == {"core": ["0001_initial"]}
    assert manifest["kesu_version"] and manifest["created_at"] and manifest["secret_key"] == "file"
    assert manifest["files"]["media/complaints/a.png"]["sha256"] == hashlib.sha256(media).hexdigest()


def test_it_refuses_to_restore_over_a_database_or_media_folder_that_has_data(tmp_path):
    installation = _tiny_sqlite(tmp_path / "src")
    backup(tmp_path / "b.tar.gz", installation=installation)
    with pytest.raises(BackupError, match="Refusing to restore over existing data: the database .* has tables; "
                                          "the media folder .* has files"):
        restore(tmp_path / "b.tar.gz", installation=installation)
    target = _sqlite_installation(tmp_path / "dst")
    (target.media_dir).mkdir(parents=True)
    (target.media_dir / "left.png").write_bytes(b"x")
    with pytest.raises(BackupError, match="the media folder .* has files"):
        restore(tmp_path / "b.tar.gz", installation=target)
    assert not Path(target.database["NAME"]).exists()


def test_it_refuses_an_archive_whose_file_does_not_match_its_checksum(tmp_path):
    installation = _tiny_sqlite(tmp_path / "src")
    backup(tmp_path / "b.tar.gz", installation=installation)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tmp_path / "b.tar.gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/complaints/a.png":
                data = data[:-1] + b"2"
            target.addfile(member, io.BytesIO(data))
    destination = _sqlite_installation(tmp_path / "dst")
    with pytest.raises(BackupError, match="Checksum mismatch, the archive is damaged: media/complaints/a.png"):
        restore(tampered, installation=destination)
    assert not Path(destination.database["NAME"]).exists()


def test_it_refuses_a_backup_of_another_kind_of_database(tmp_path):
    installation = _tiny_sqlite(tmp_path / "src")
    backup(tmp_path / "b.tar.gz", installation=installation)
    postgres = Installation.from_environment({"KESU_DATA_DIR": str(tmp_path / "dst"),
                                              "KESU_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
    with pytest.raises(BackupError, match="backup of a sqlite database"):
        restore(tmp_path / "b.tar.gz", installation=postgres)


def test_the_kesu_command_backs_up_restores_and_says_why_it_refuses(tmp_path, monkeypatch, capsys):
    from kesu.cli import main

    _tiny_sqlite(tmp_path / "src")
    for name in ("KESU_DATABASE_URL", "KESU_MEDIA_DIR", "KESU_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KESU_DATA_DIR", str(tmp_path / "src"))
    assert main(["backup", "--output", str(tmp_path / "b.tar.gz")]) == 0
    assert "3 rows, 1 media files, secret key included" in capsys.readouterr().out
    monkeypatch.setenv("KESU_DATA_DIR", str(tmp_path / "dst"))
    assert main(["restore", str(tmp_path / "b.tar.gz")]) == 0
    assert "every count matches the backup" in capsys.readouterr().out
    assert (tmp_path / "dst" / "secret_key").read_text() == "the-key"
    assert main(["restore", str(tmp_path / "b.tar.gz")]) == 1
    assert "Restore failed: Refusing to restore over existing data" in capsys.readouterr().out


# --- the round trip while Kesu serves writes ----------------------------------------------------


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _drop_pg(*names: str) -> None:
    import psycopg

    from kesu.core.backup import _connect_pg

    with _connect_pg(settings.DATABASES["default"], "postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))


def _create_pg(name: str) -> None:
    import psycopg

    from kesu.core.backup import _connect_pg

    with _connect_pg(settings.DATABASES["default"], "postgres", autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def _environment(folder: Path, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KESU_")}
    env["KESU_DATA_DIR"] = str(folder)
    if url:
        env["KESU_DATABASE_URL"] = url
    return env


def _wait_for(path: Path, at_least: int = 1, timeout: float = 180.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = int(path.read_text() or 0)
        except (FileNotFoundError, ValueError):
            value = 0
        if value >= at_least:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{path} did not reach {at_least}")


def _rows(installation: Installation, query: str) -> set[tuple]:
    if installation.vendor == "sqlite":
        conn = sqlite3.connect(installation.database["NAME"])
        try:
            return set(conn.execute(query).fetchall())
        finally:
            conn.close()
    from kesu.core.backup import _connect_pg

    with _connect_pg(installation.database) as conn:
        return set(conn.execute(query).fetchall())


def _media(installation: Installation) -> dict[str, str]:
    return {p.relative_to(installation.media_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in installation.media_dir.rglob("*") if p.is_file()}


# Rows that live between a change's commit and its hand-on (an event waits for a moment): a snapshot may hold
# one that neither count before nor after it saw.
QUEUES = frozenset({"core_pendingevent"})


@pytest.mark.slow
@pytest.mark.django_db
def test_a_backup_taken_while_complaints_are_recorded_restores_identically_into_an_empty_installation(tmp_path):
    if _on_postgres():
        _drop_pg(PG_SOURCE, PG_TARGET)
        _create_pg(PG_SOURCE)  # the target is left for restore to create
        src_url, dst_url = _pg_url(PG_SOURCE), _pg_url(PG_TARGET)
    else:
        src_url = dst_url = None
    src_env, dst_env = _environment(tmp_path / "src", src_url), _environment(tmp_path / "dst", dst_url)
    source, target = Installation.from_environment(src_env), Installation.from_environment(dst_env)
    signals = tmp_path / "signals"
    signals.mkdir()
    writer = None
    try:
        subprocess.run([sys.executable, "-m", "kesu.cli", "manage", "migrate", "-v0"], env=src_env, check=True)
        writer = subprocess.Popen([sys.executable, "-m", "kesu.core.tests.backup_writer", str(signals)],
                                  env=src_env)
        _wait_for(signals / "ready")
        before = row_counts(source)
        (signals / "go").write_text("1")
        _wait_for(signals / "written", 3)
        manifest = backup(tmp_path / "backup.tar.gz", installation=source)
        # The writer goes on after the backup: the archive is a snapshot, not the end state.
        _wait_for(signals / "written", _wait_for(signals / "written") + 3)
        (signals / "stop").write_text("1")
        assert writer.wait(timeout=120) == 0
        after = row_counts(source)

        restore(tmp_path / "backup.tar.gz", installation=target)
        restored = row_counts(target)
        assert restored == manifest["rows"]
        for table, count in restored.items():
            if table in QUEUES:
                continue
            assert before[table] <= count <= after[table], table
            if before[table] == after[table]:
                assert count == after[table], table  # a table no one wrote: exactly the source's rows
        assert before["complaints_complaint"] < restored["complaints_complaint"] < after["complaints_complaint"]
        complaints = "SELECT id, number, description FROM complaints_complaint"
        assert _rows(target, complaints) <= _rows(source, complaints)
        hashes = "SELECT file, sha256 FROM complaints_complaintattachment"
        assert len(_rows(target, hashes)) == 2 and _rows(target, hashes) == _rows(source, hashes)
        assert _media(target) == _media(source) and len(_media(target)) == 2
        for name, sha256 in _rows(target, hashes):
            assert _media(target)[name] == sha256
        assert (target.data_dir / "secret_key").read_text() == (source.data_dir / "secret_key").read_text()
        # The restored installation is as migrated as the source: `kesu up` has nothing to redo.
        applied = "SELECT app, name FROM django_migrations"
        assert _rows(target, applied) == _rows(source, applied) and len(_rows(target, applied)) > 50
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
            writer.wait()
        if _on_postgres():
            _drop_pg(PG_SOURCE, PG_TARGET)
