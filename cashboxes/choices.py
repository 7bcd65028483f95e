from django.db import models
from django.utils.translation import gettext_lazy as _


class MachineRole(models.TextChoices):
    POS = "pos", _("POS system (till)")
    SERVER = "server", _("Server / back office")
    TERMINAL_HOST = "terminal-host", _("Terminal host (main POS)")
    DATA_CENTRE = "data-centre", _("Data centre")


class Platform(models.TextChoices):
    WINDOWS = "windows", _("Windows")
    LINUX = "linux", _("Linux")
    MACOS = "macos", _("macOS")
    ANDROID = "android", _("Android")


class ComponentState(models.TextChoices):
    CREATED = "created", _("Created")
    IN_OPERATION = "in-operation", _("In operation")
    OUT_OF_OPERATION = "out-of-operation", _("Out of operation")


class LinkMode(models.TextChoices):
    NORMAL = "normal", _("Normal")
    BACKUP = "backup", _("Backup")
    DEACTIVATED = "deactivated", _("Deactivated")


class DeviceKind(models.TextChoices):
    HARDWARE = "hardware", _("Hardware (USB/SD)")
    NETWORK = "network", _("Network device")
    CLOUD = "cloud", _("Cloud service")
    VIRTUAL = "virtual", _("Virtual (certificate)")
