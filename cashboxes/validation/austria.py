"""Rules for Austria (RKSV)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cashboxes.choices import LinkMode
from cashboxes.validation.registry import ERROR, rule


@rule("AT-BACKUP-SSCD", ERROR, "AT", gettext_lazy("A backup SSCD stands in for a normal one"))
def at_backup_sscd(estate):
    for queue in estate.active_queues("AT"):
        modes = {link["mode"] for link in estate.active_links(queue)}
        if LinkMode.BACKUP in modes and LinkMode.NORMAL not in modes:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has only backup SCUs; a backup stands in for a normal one.")
                % {"queue": estate.label("queue", queue)},
                _("Add a normal SCU link, or make one of the backup links normal."),
            )


@rule("AT-ENCRYPTION-KEY", ERROR, "AT", gettext_lazy("Every queue has its AES key"))
def at_encryption_key(estate):
    for queue in estate.active_queues("AT"):
        if queue["secrets"] is not None and "EncryptionKeyBase64" not in queue["secrets"]:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has no AES key (EncryptionKeyBase64) for its turnover counter.")
                % {"queue": estate.label("queue", queue)},
                _("Save the queue once in the portal to generate the key, then register it at FinanzOnline."),
            )
