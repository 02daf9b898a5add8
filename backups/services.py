"""Backups of the database and the shared files, and their restore (the platform guide's "backup processes").

``backup_create`` dumps every row of every table (one consistent snapshot) and
the shared-file directories into one archive with a manifest of SHA-256 hashes
(``archive.py``), then records the run (``BackupRun`` and a ``backup.created``
event) for the security checkup's "last successful backup".

``backup_restore`` verifies the whole archive first and refuses a damaged one
before touching the database. It then replaces every row in one transaction:
the activity log's guards let Django's ``flush`` past (``activity.flushing``),
the rows are loaded as they were, events the backup caught before their seal
are sealed, and the log must verify before anything commits. The shared files
are swapped in only once the database has committed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, time
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from activity.sealing import seal_pending
from activity.services import event_record
from activity.verification import chain_verify

from . import conf
from .archive import (
    DATABASE,
    FILES,
    ArchiveError,
    Member,
    archive_extract,
    archive_verify,
    archive_write,
    file_sha256,
    files_in,
)
from .models import BackupRun

Progress = Callable[[str], None]
PROGRESS_EVERY = 10_000  # rows between two progress lines


class RestoreRefused(Exception):
    """The archive cannot be restored here; the database and the files are as they were."""


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Keep microseconds: DjangoJSONEncoder cuts times to milliseconds, and the activity log hashes them whole."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _quiet(message: str) -> None:
    pass


def _models() -> list:
    """Return every concrete model, in an order that loads referenced rows first (as dumpdata does)."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _counted(rows: Iterable, *, label: str, start: int, total: int, progress: Progress) -> Iterator:
    done = start
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(f"{label}: {done:,} of {total:,} rows ({100 * done // max(total, 1)} %)")


def _database_dump(destination: Path, *, progress: Progress) -> int:
    """Write every row to ``destination`` as JSON Lines from one snapshot; return the number of rows."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: rows committed meanwhile are in no table, never in some.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        models = _models()
        counts = {model: model._default_manager.count() for model in models}
        total = sum(counts.values())
        progress(f"Database: {total:,} rows in {len(models)} tables.")
        done = 0
        with destination.open("w", encoding="utf-8") as handle:
            for model in models:
                rows = model._default_manager.order_by("pk").iterator(chunk_size=2000)
                serializers.serialize(
                    "jsonl",
                    _counted(rows, label="Database", start=done, total=total, progress=progress),
                    stream=handle,
                    cls=FullPrecisionEncoder,
                )
                done += counts[model]
    return total


def _panel_version() -> str:
    try:
        return metadata.version("modyo-admin")
    except metadata.PackageNotFoundError:
        return "unknown"


def default_output() -> Path:
    return conf.backup_dir() / f"modyo-admin-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"


def backup_create(*, output: Path | None = None, progress: Progress = _quiet) -> BackupRun:
    """Write an archive of the database and the shared files to ``output``; record and return the run.

    The archive holds password hashes, two-step secrets and the delivery key:
    it is written readable by its owner only, and belongs in encrypted storage.
    """
    started_at = timezone.now()
    output = Path(output) if output else default_output()
    output.parent.mkdir(parents=True, exist_ok=True)
    # Events committed a moment ago are sealed first, so the archive's log verifies as it stands.
    seal_pending()
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
        dump = Path(scratch) / DATABASE
        rows = _database_dump(dump, progress=progress)
        members = [Member(DATABASE, dump), *files_in(conf.file_dirs())]
        progress(f"Files: {len(members) - 1:,} shared files.")
        header = {
            "created_at": started_at.isoformat(),
            "database": connection.vendor,
            "migrations": _applied_migrations(),
            "panel_version": _panel_version(),
            "rows": rows,
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        archive_write(destination=partial, members=members, header=header)
    partial.replace(output)
    size, digest = output.stat().st_size, file_sha256(output)
    with transaction.atomic():
        run = BackupRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            path=str(output),
            size_bytes=size,
            sha256=digest,
            objects_count=rows,
            files_count=len(members) - 1,
        )
        event_record(
            action="backup.created",
            target=run,
            changes={"path": str(output), "size_bytes": size, "sha256": digest, "rows": rows},
        )
    progress(f"Backup written to {output} ({size:,} bytes, SHA-256 {digest}).")
    return run


def _load_rows(path: Path, *, total: int, progress: Progress) -> None:
    """Insert the dumped rows as they were (raw saves: no model logic, no signals acting on them)."""
    loaded = set()
    with path.open(encoding="utf-8") as handle, connection.constraint_checks_disabled():
        objects = serializers.deserialize("jsonl", handle, handle_forward_references=True)
        for item in _counted(objects, label="Restore", start=0, total=total, progress=progress):
            # INSERT only: the tables are empty, and the log's tables refuse even an UPDATE of no row.
            item.save(force_insert=True)
            loaded.add(type(item.object))
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _files_swap(extracted: Path) -> None:
    """Replace each shared-file directory with its copy from the archive (empty if it had none)."""
    for label, target in conf.file_dirs().items():
        source = extracted / FILES / label
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = target.with_name(f".{target.name}.before-restore")
        if previous.exists():
            shutil.rmtree(previous)
        if target.exists():
            target.rename(previous)
        if source.is_dir():
            shutil.move(str(source), str(target))
        else:
            target.mkdir()
        if previous.exists():
            shutil.rmtree(previous)


def backup_restore(*, path: Path, progress: Progress = _quiet) -> dict:
    """Replace the database and the shared files with the archive's; return its manifest.

    Raises ArchiveError (damaged archive) or RestoreRefused (another schema, a log that
    would not verify) before anything changes.
    """
    path = Path(path)
    manifest = archive_verify(path)
    progress(f"Archive verified: {len(manifest['members'])} members match the manifest.")
    here = _applied_migrations()
    if manifest.get("migrations") != here:
        missing = sorted(set(manifest.get("migrations") or []) - set(here))
        extra = sorted(set(here) - set(manifest.get("migrations") or []))
        detail = f"{missing[0]} is not applied here" if missing else f"{extra[0]} is not in the archive"
        raise RestoreRefused(
            f"The archive was made with another version of the database schema ({detail}). "
            "Restore it with the panel version that made it, then upgrade (migrate)."
        )
    archive_sha = file_sha256(path)
    with tempfile.TemporaryDirectory(prefix="modyo-admin-restore-") as directory:
        scratch = Path(directory)
        archive_extract(path, into=scratch)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Deferred foreign-key checks of rows written earlier in this transaction would block TRUNCATE.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            _load_rows(scratch / DATABASE, total=int(manifest.get("rows") or 0), progress=progress)
            seal_pending(wait=True)
            result = chain_verify()
            if not result.ok:
                raise RestoreRefused(f"The restored activity log does not verify: {result.summary()}")
            event_record(
                action="backup.restored",
                target_type="backuprun",
                target_label=path.name,
                changes={"created_at": manifest.get("created_at"), "sha256": archive_sha},
            )
            # Cached settings may be newer than the restored rows: every process reads them again.
            transaction.on_commit(cache.clear)
        _files_swap(scratch)
    progress(f"Restored {manifest.get('rows', 0):,} rows and the shared files from {path}.")
    return manifest


__all__ = ["ArchiveError", "RestoreRefused", "backup_create", "backup_restore"]
