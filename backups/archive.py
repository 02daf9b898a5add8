"""The backup archive: a gzip-compressed tar with a manifest of every member's SHA-256.

Layout::

    manifest.json                 format, creation time, schema (applied migrations),
                                  {"name": {"sha256", "size"}} for every other member,
                                  and the SHA-256 of these fields themselves
    database.jsonl                every row of every table, one JSON object a line
    files/<directory>/<path>      the shared-file directories (backups.conf.file_dirs)

Reading checks the whole archive before anything uses it: every member named
in the manifest is present with its size and hash, nothing else is present,
and every member is a plain file with a relative name (no links, no ``..``),
so a damaged or crafted archive is refused as a whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = "modyo-admin-backup/1"
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FILES = "files"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive is damaged, incomplete or not a backup of this panel; nothing was restored."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Member:
    """A file to put in the archive under ``name``."""

    name: str
    source: Path


def files_in(directories: dict[str, Path]) -> Iterator[Member]:
    """Yield every regular file under each directory, named ``files/<directory name>/<relative path>``."""
    for label, directory in sorted(directories.items()):
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield Member(f"{FILES}/{label}/{path.relative_to(directory).as_posix()}", path)


def archive_write(*, destination: Path, members: list[Member], header: dict) -> None:
    """Write the archive: the manifest (``header`` plus each member's hash and size) first, then the members."""
    entries = {}
    for member in members:
        entries[member.name] = {"sha256": file_sha256(member.source), "size": member.source.stat().st_size}
    body = {"format": FORMAT, **header, "members": entries}
    manifest = json.dumps({**body, "manifest_sha256": _manifest_digest(body)}, indent=2, sort_keys=True).encode()
    with tarfile.open(destination, "w:gz") as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(manifest))
        for member in members:
            info = archive.gettarinfo(str(member.source), arcname=member.name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with member.source.open("rb") as handle:
                archive.addfile(info, handle)


def _manifest_digest(body: dict) -> str:
    """Return the SHA-256 of the manifest's own fields, so that an edited manifest is refused too."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def archive_verify(path: Path) -> dict:
    """Return the manifest once every member matches it; raise ArchiveError naming the first problem."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise ArchiveError("The archive does not start with a manifest: it is not a backup of this panel.")
            try:
                manifest = json.loads(archive.extractfile(first).read())
            except ValueError:
                raise ArchiveError("The manifest is not valid JSON: the archive is damaged.") from None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ArchiveError(f"The manifest is not of the format {FORMAT}.")
            body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
            if manifest.get("manifest_sha256") != _manifest_digest(body):
                raise ArchiveError("The manifest does not match its own SHA-256: the archive is damaged.")
            expected = manifest.get("members") or {}
            seen = set()
            for info in archive:
                if info.offset == first.offset:
                    continue
                if not info.isfile() or not _safe_name(info.name):
                    raise ArchiveError(f"The archive holds {info.name!r}, which is not a plain file with a safe name.")
                entry = expected.get(info.name)
                if entry is None or info.name in seen:
                    raise ArchiveError(f"The archive holds {info.name!r}, which its manifest does not list once.")
                digest = hashlib.sha256()
                handle = archive.extractfile(info)
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                if info.size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
                    raise ArchiveError(
                        f"{info.name} does not match its SHA-256 in the manifest: the archive is damaged."
                    )
                seen.add(info.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise ArchiveError(f"There is no file at {path}.") from None
        raise ArchiveError(
            f"The archive cannot be read ({type(error).__name__}): it is damaged or truncated."
        ) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"The archive lacks {missing[0]}, which its manifest lists: it is incomplete.")
    if DATABASE not in seen:
        raise ArchiveError("The archive holds no database dump.")
    return manifest


def archive_extract(path: Path, *, into: Path) -> None:
    """Extract a verified archive's members under ``into`` (names were checked by archive_verify)."""
    with tarfile.open(path, "r:gz") as archive:
        archive.extractall(into, filter="data")  # noqa: S202 - names and types were verified first
