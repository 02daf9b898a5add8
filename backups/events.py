from __future__ import annotations

from activity.registry import register

register("backup.created", "Backup made", "{actor} made the backup {target}", target="backuprun", weight=0)
register("backup.restored", "Backup restored", "{actor} restored the backup {target}", target="backuprun", weight=0)
