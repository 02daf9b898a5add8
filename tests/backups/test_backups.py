"""Backup and restore (issue 14): a full round trip, and a damaged archive refused before anything changes.

The tests commit (transaction=True), as the commands do in production: the
restore empties and refills every table in its own transaction, and the
activity log must still verify afterwards. They run on SQLite and, in
``.ci/run``, on PostgreSQL, where the log's tables refuse TRUNCATE and DELETE
but for the guarded flush.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile
from pathlib import Path

import pyotp
import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PasswordPolicy, User
from accounts.roles import Role
from accounts.services.passwords import password_policy_update
from activity.models import Event, Seal
from activity.services import event_record
from activity.verification import chain_verify
from backups import selectors
from backups.archive import MANIFEST, archive_verify
from backups.services import FullPrecisionEncoder, backup_create
from content import services as content_services
from security import services as security_services
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ACTIVITY_ARCHIVE_DIR = str(tmp_path / "activity-archive")
    settings.BACKUP_DIR = str(tmp_path / "backups")
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "logo.svg").write_text("<svg/>")
    (tmp_path / "activity-archive").mkdir()
    (tmp_path / "activity-archive" / "events-2025.jsonl.gz").write_bytes(gzip.compress(b'{"sequence": 1}\n'))
    return tmp_path


@pytest.fixture
def installation(shared_dirs):
    """An installation with members, a two-step device, changed settings, content and an activity log."""
    owner = make_user(email="owner@example.com", role=Role.OWNER, full_name="Olivia Owner")
    make_user(email="mel@example.com", role=Role.MEMBER, full_name="Mel Member")
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    password_policy_update(acting_user=owner, min_length=14, require_special=True)
    security_services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins=["https://site.example"])
    security_services.delivery_secret_rotate(acting_user=owner)
    content_services.entry_create(
        acting_user=owner, title="Price list", slug="price-list", body="Members only.", visibility="private"
    )
    event_record(action="activity.seeded", target_label="a moment with microseconds")
    return {"owner": owner, "device": device, "secret": base64.b32encode(bytes.fromhex(device.key)).decode()}


def snapshot() -> dict[str, list]:
    """Every row of every table, as the serializer sees it (microseconds kept)."""
    rows = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            text = serializers.serialize("json", model._default_manager.order_by("pk"), cls=FullPrecisionEncoder)
            rows[model._meta.label] = json.loads(text)
    return rows


def without_backup_records(rows: dict, *, last_event: int, last_seal: int) -> dict:
    """Drop what the backup and the restore add after the dump: their runs, events and seals."""
    kept = dict(rows)
    kept["backups.BackupRun"] = []
    kept["activity.Event"] = [row for row in rows["activity.Event"] if row["pk"] <= last_event]
    kept["activity.Seal"] = [row for row in rows["activity.Seal"] if row["pk"] <= last_seal]
    return kept


def test_a_backup_restores_every_row_the_log_the_settings_devices_and_files(installation, shared_dirs):
    before = snapshot()
    last_event = Event.objects.order_by("-sequence").first().sequence
    last_seal = Seal.objects.order_by("-pk").first().pk  # every committed event is sealed (SQLite: at commit)
    archive = shared_dirs / "out" / "panel.tar.gz"

    call_command("backup", "--output", str(archive), verbosity=0)
    assert archive.exists()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds hashes and secrets
    before = without_backup_records(before, last_event=last_event, last_seal=last_seal)

    # Everything changes after the backup: a new member, the policy, a device gone, files changed.
    owner = installation["owner"]
    make_user(email="intruder@example.com", role=Role.OWNER)
    password_policy_update(acting_user=owner, min_length=8, require_special=False)
    TOTPDevice.objects.all().delete()
    (shared_dirs / "media" / "logos" / "logo.svg").write_text("<svg>changed</svg>")
    (shared_dirs / "media" / "new.txt").write_text("added after the backup")

    call_command("restore", str(archive), "--yes", verbosity=0)

    after = snapshot()
    assert without_backup_records(after, last_event=last_event, last_seal=last_seal) == before
    assert not User.objects.filter(email="intruder@example.com").exists()
    assert PasswordPolicy.objects.get().min_length == 14
    device = TOTPDevice.objects.get(user__email="owner@example.com")
    assert device.verify_token(pyotp.TOTP(installation["secret"]).now())
    assert (shared_dirs / "media" / "logos" / "logo.svg").read_text() == "<svg/>"
    assert not (shared_dirs / "media" / "new.txt").exists()
    assert gzip.decompress((shared_dirs / "activity-archive" / "events-2025.jsonl.gz").read_bytes())
    # The log verifies, and records the restore after the restored events.
    assert chain_verify().ok
    call_command("activity_verify")
    assert Event.objects.filter(action="backup.restored").count() == 1


def test_a_backup_run_is_recorded_for_the_checkup(installation, shared_dirs):
    assert selectors.backup_last_successful() is None
    run = backup_create(output=shared_dirs / "one.tar.gz")
    assert selectors.backup_last_successful() == run
    assert run.size_bytes == (shared_dirs / "one.tar.gz").stat().st_size
    assert len(run.sha256) == 64
    assert run.files_count == 2
    event = Event.objects.get(action="backup.created")
    assert event.target_id == str(run.pk)
    assert event.changes["sha256"] == run.sha256


def test_the_manifest_lists_the_sha256_of_every_member(installation, shared_dirs):
    run = backup_create(output=shared_dirs / "one.tar.gz")
    manifest = archive_verify(Path(run.path))
    assert set(manifest["members"]) == {
        "database.jsonl",
        "files/media/logos/logo.svg",
        "files/activity-archive/events-2025.jsonl.gz",
    }
    assert all(len(entry["sha256"]) == 64 for entry in manifest["members"].values())


def test_the_backup_shows_its_progress(installation, shared_dirs, capsys, monkeypatch):
    monkeypatch.setattr("backups.services.PROGRESS_EVERY", 5)
    call_command("backup", "--output", str(shared_dirs / "one.tar.gz"))
    out = capsys.readouterr().out
    assert "Database: " in out
    assert " rows (" in out and "%)" in out
    assert "Backup written to" in out


def _rewrite(archive: Path, damaged: Path, change) -> None:
    """Copy ``archive`` to ``damaged`` with ``change(name, data)`` applied to each member's bytes."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as target:
        for info in source:
            data = change(info.name, source.extractfile(info).read())
            if data is None:
                continue
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))


def _flip_a_byte(name, data):
    if name == "database.jsonl":
        return data.replace(b"owner@example.com", b"owner@examp1e.com", 1)
    return data


DAMAGES = {
    "a member changed": _flip_a_byte,
    "a member missing": lambda name, data: None if name.startswith("files/media") else data,
    "the manifest edited": lambda name, data: data.replace(b'"rows": ', b'"rows": 1', 1) if name == MANIFEST else data,
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_archive_is_refused_and_nothing_changes(installation, shared_dirs, damage):
    archive = shared_dirs / "good.tar.gz"
    backup_create(output=archive)
    damaged = shared_dirs / "damaged.tar.gz"
    _rewrite(archive, damaged, damage)
    make_user(email="after@example.com")
    before = snapshot()
    with pytest.raises(CommandError, match="Refused"):
        call_command("restore", str(damaged), "--yes", verbosity=0)
    assert snapshot() == before
    assert (shared_dirs / "media" / "logos" / "logo.svg").exists()


def test_a_truncated_archive_is_refused(installation, shared_dirs):
    archive = shared_dirs / "good.tar.gz"
    backup_create(output=archive)
    truncated = shared_dirs / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    before = snapshot()
    with pytest.raises(CommandError, match="damaged or truncated"):
        call_command("restore", str(truncated), "--yes", verbosity=0)
    assert snapshot() == before


def test_an_unlisted_member_is_refused(installation, shared_dirs):
    archive = shared_dirs / "good.tar.gz"
    backup_create(output=archive)
    extra = shared_dirs / "extra.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(extra, "w:gz") as target:
        for info in source:
            target.addfile(info, source.extractfile(info))
        info = tarfile.TarInfo("files/media/../../../etc/cron.d/x")
        info.size = 1
        target.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="safe name|does not list"):
        call_command("restore", str(extra), "--yes", verbosity=0)


def test_restore_asks_first_and_a_no_changes_nothing(installation, shared_dirs, monkeypatch):
    archive = shared_dirs / "good.tar.gz"
    backup_create(output=archive)
    make_user(email="after@example.com")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive), verbosity=0)
    assert User.objects.filter(email="after@example.com").exists()


def test_an_archive_of_another_schema_is_refused(installation, shared_dirs, monkeypatch):
    archive = shared_dirs / "good.tar.gz"
    backup_create(output=archive)
    monkeypatch.setattr("backups.services._applied_migrations", lambda: ["accounts.9999_future"])
    with pytest.raises(CommandError, match="another version of the database schema"):
        call_command("restore", str(archive), "--yes", verbosity=0)
    assert User.objects.filter(email="owner@example.com").exists()
