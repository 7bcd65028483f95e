"""The released versions of the middleware packages the catalog offers, and the rule a
component's version follows.

Launcher 2.0 downloads a package by the `Version` its configuration names, verbatim, and caches
it by name and version, skipping the download while `version.txt` equals that text
(fiskaltrust/middleware-launcher src/fiskaltrust.Launcher/Download/PackageDownloader.cs,
DownloadPackageAsync and DownloadAsync; only the launcher's own `launcherVersion` is resolved as a
SemVer range). So a component pins one concrete version: "latest" (or a range) would be sent as
it is and freeze the machine on whatever its first download got.

Sources of the lists (newest first): the release tags of fiskaltrust/middleware
(`<area>/<package>/v<version>`, at commit eea0e59b) and the package lists of the release notes
(fiskaltrust/release-notes middleware/*.md, at commit ca2b3aa); stable releases, and release
candidates only where a package has no stable release (AT.ATrustSmartcard, IT.EpsonRTServer);
none below the minimum fiskaltrust's documentation names (MINIMUM, brief section 3.2). A package
without a known release (AT.PrimeSignHSM, the helpers other than the 1.x posapi helper) has no
default: the dealer enters the version fiskaltrust gives with it.
"""

import re

from django.utils.translation import gettext as _

RELEASED = {
    "fiskaltrust.Middleware.Queue.EF": (
        "1.3.85",
        "1.3.83",
        "1.3.81",
        "1.3.80",
        "1.3.79",
        "1.3.78",
        "1.3.77",
        "1.3.75",
        "1.3.71",
        "1.3.68",
        "1.3.67",
        "1.3.66",
        "1.3.64",
        "1.3.63",
        "1.3.59",
        "1.3.55",
        "1.3.53",
        "1.3.48",
        "1.3.46",
        "1.3.45",
        "1.3.44",
        "1.3.43",
        "1.3.42",
        "1.3.41",
        "1.3.40",
        "1.3.39",
        "1.3.36",
        "1.3.35",
        "1.3.34",
        "1.3.33",
        "1.3.32",
        "1.3.31",
        "1.3.30",
        "1.3.29",
        "1.3.28",
        "1.3.25",
        "1.3.24",
        "1.3.23",
        "1.3.22",
        "1.3.21",
        "1.3.20",
        "1.3.18",
        "1.3.16",
        "1.3.14",
        "1.3.12",
        "1.3.11",
        "1.3.10",
        "1.3.9",
        "1.3.8",
        "1.3.7",
        "1.3.6",
        "1.3.5",
        "1.3.4",
        "1.3.3",
        "1.3.2",
    ),
    "fiskaltrust.Middleware.Queue.MySQL": (
        "1.3.85",
        "1.3.80",
        "1.3.79",
        "1.3.78",
        "1.3.77",
        "1.3.75",
        "1.3.71",
        "1.3.68",
        "1.3.67",
        "1.3.66",
        "1.3.64",
        "1.3.63",
        "1.3.59",
        "1.3.55",
        "1.3.53",
        "1.3.48",
        "1.3.46",
        "1.3.45",
        "1.3.44",
        "1.3.43",
        "1.3.42",
        "1.3.41",
        "1.3.40",
        "1.3.39",
        "1.3.37",
        "1.3.36",
        "1.3.35",
        "1.3.34",
        "1.3.33",
        "1.3.32",
        "1.3.31",
        "1.3.30",
        "1.3.29",
        "1.3.28",
        "1.3.25",
        "1.3.24",
        "1.3.23",
        "1.3.22",
        "1.3.21",
        "1.3.20",
        "1.3.18",
        "1.3.16",
        "1.3.14",
    ),
    "fiskaltrust.Middleware.Queue.SQLite": (
        "1.3.85",
        "1.3.83",
        "1.3.80",
        "1.3.79",
        "1.3.78",
        "1.3.77",
        "1.3.75",
        "1.3.72",
        "1.3.71",
        "1.3.69",
        "1.3.68",
        "1.3.67",
        "1.3.66",
        "1.3.64",
        "1.3.63",
        "1.3.59",
        "1.3.55",
        "1.3.53",
        "1.3.48",
        "1.3.47",
        "1.3.46",
        "1.3.44",
        "1.3.43",
        "1.3.42",
        "1.3.41",
        "1.3.40",
        "1.3.39",
        "1.3.36",
        "1.3.35",
        "1.3.34",
        "1.3.33",
        "1.3.32",
        "1.3.31",
        "1.3.30",
        "1.3.29",
        "1.3.28",
        "1.3.25",
        "1.3.24",
        "1.3.23",
        "1.3.22",
        "1.3.21",
        "1.3.20",
        "1.3.18",
        "1.3.16",
        "1.3.14",
        "1.3.12",
        "1.3.11",
        "1.3.10",
        "1.3.9",
        "1.3.8",
        "1.3.6",
        "1.3.5",
        "1.3.4",
        "1.3.3",
        "1.3.2",
    ),
    "fiskaltrust.Middleware.SCU.AT.ATrustSmartcard": (
        "1.3.75-rc1",
        "1.3.71-rc1",
    ),
    "fiskaltrust.Middleware.SCU.DE.CryptoVision": (
        "1.3.49",
        "1.3.48",
        "1.3.34",
        "1.3.30",
        "1.3.26",
        "1.3.21",
        "1.3.19",
        "1.3.11",
        "1.3.9",
        "1.3.8",
    ),
    "fiskaltrust.Middleware.SCU.DE.DeutscheFiskal": (
        "1.3.87",
        "1.3.82",
        "1.3.71",
        "1.3.68",
        "1.3.66",
        "1.3.61",
        "1.3.57",
        "1.3.56",
        "1.3.55",
        "1.3.48",
        "1.3.46",
        "1.3.43",
        "1.3.41",
        "1.3.40",
        "1.3.39",
        "1.3.38",
        "1.3.35",
        "1.3.34",
        "1.3.31",
        "1.3.30",
        "1.3.27",
        "1.3.25",
        "1.3.24",
        "1.3.23",
        "1.3.21",
        "1.3.20",
        "1.3.18",
        "1.3.16",
        "1.3.14",
        "1.3.11",
    ),
    "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf": (
        "1.3.20",
        "1.3.19",
        "1.3.17",
        "1.3.16",
        "1.3.14",
        "1.3.9",
        "1.3.8",
    ),
    "fiskaltrust.Middleware.SCU.DE.Epson": (
        "1.3.71",
        "1.3.19",
        "1.3.15",
        "1.3.11",
    ),
    "fiskaltrust.Middleware.SCU.DE.FiskalyCertified": (
        "1.3.83",
        "1.3.81",
        "1.3.80",
        "1.3.75",
        "1.3.74",
        "1.3.59",
        "1.3.48",
        "1.3.42",
        "1.3.41",
        "1.3.40",
        "1.3.35",
        "1.3.26",
        "1.3.24",
        "1.3.23",
    ),
    "fiskaltrust.Middleware.SCU.DE.Swissbit": (
        "1.3.76",
        "1.3.65",
        "1.3.64",
        "1.3.63",
        "1.3.62",
        "1.3.59",
        "1.3.48",
        "1.3.41",
        "1.3.25",
        "1.3.21",
        "1.3.19",
        "1.3.16",
        "1.3.14",
        "1.3.11",
        "1.3.10",
        "1.3.9",
    ),
    "fiskaltrust.Middleware.SCU.DE.SwissbitCloud": (
        "1.3.87",
        "1.3.82",
        "1.3.71",
        "1.3.68",
        "1.3.66",
        "1.3.61",
        "1.3.57",
        "1.3.56",
        "1.3.55",
        "1.3.48",
        "1.3.46",
        "1.3.43",
        "1.3.41",
        "1.3.40",
        "1.3.39",
        "1.3.38",
        "1.3.35",
        "1.3.34",
        "1.3.31",
        "1.3.30",
        "1.3.27",
        "1.3.25",
        "1.3.24",
        "1.3.23",
        "1.3.21",
        "1.3.20",
        "1.3.18",
        "1.3.16",
        "1.3.14",
        "1.3.11",
    ),
    "fiskaltrust.Middleware.SCU.DE.SwissbitCloudV2": (
        "1.3.82",
        "1.3.81",
        "1.3.80",
        "1.3.78",
        "1.3.75",
        "1.3.71",
    ),
    "fiskaltrust.Middleware.SCU.IT.CustomRTPrinter": ("1.3.85",),
    "fiskaltrust.Middleware.SCU.IT.CustomRTServer": (
        "1.3.87",
        "1.3.85",
        "1.3.83",
        "1.3.53",
    ),
    "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter": (
        "1.3.86",
        "1.3.85",
        "1.3.83",
        "1.3.78",
        "1.3.67",
        "1.3.66",
        "1.3.60",
        "1.3.53",
    ),
    "fiskaltrust.Middleware.SCU.IT.EpsonRTServer": (
        "1.3.89-rc.0",
        "1.3.88-rc.0",
    ),
    "fiskaltrust.service.helper.posapi": ("1.2.25241.84793",),
}

# "Stable from version" of fiskaltrust's SCU pages (brief section 3.2).
MINIMUM = {
    "fiskaltrust.Middleware.SCU.DE.FiskalyCertified": "1.3.23",
    "fiskaltrust.Middleware.SCU.DE.SwissbitCloud": "1.3.11",
    "fiskaltrust.Middleware.SCU.DE.DeutscheFiskal": "1.3.11",
    "fiskaltrust.Middleware.SCU.DE.Swissbit": "1.3.1",
    "fiskaltrust.Middleware.SCU.DE.CryptoVision": "1.3.1",
    "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf": "1.3.6",
    "fiskaltrust.Middleware.SCU.DE.Epson": "1.3.10",
    "fiskaltrust.Middleware.SCU.IT.CustomRTPrinter": "1.3.85",
    "fiskaltrust.Middleware.SCU.IT.CustomRTServer": "1.3.45",
    "fiskaltrust.Middleware.SCU.IT.EpsonRTPrinter": "1.3.45",
}

# A concrete version: three numbers (1.3.85), four for the 1.2 packages (1.2.25241.84793), and
# maybe a pre-release label (1.3.75-rc1).
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?(-[0-9A-Za-z.-]+)?")


def released(package):
    """The known releases of a package, newest first."""
    return RELEASED.get(package, ())


def newest(package):
    """The version a new component of this package gets, or "" when none is known."""
    found = released(package)
    return found[0] if found else ""


def _numbers(version):
    return tuple(int(part) for part in version.split("-", 1)[0].split("."))


def problem(package, version):
    """Why a component cannot use this version (a message), or None."""
    if not version:
        return _("Enter the package version, such as 1.3.85: no released version of %(package)s is known to the portal.") % {
            "package": package
        }
    if not VERSION.fullmatch(version):
        return _(
            "Enter one concrete version such as %(example)s: the launcher downloads and caches a package by this exact "
            "text, so “latest” or a range would freeze the machine on its first download."
        ) % {"example": newest(package) or "1.3.85"}
    minimum = MINIMUM.get(package)
    if minimum and _numbers(version) < _numbers(minimum):
        return _("%(package)s is stable from version %(minimum)s.") % {"package": package, "minimum": minimum}
    return None
