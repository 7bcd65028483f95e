"""Ports of the .NET primitives the launcher and middleware use on configuration values.

Each function mirrors one BCL call closely enough that "Python rejects it" means ".NET throws";
where .NET is more lenient than the port (DateTime.TryParse), the port is stricter and says so.
"""

import base64
import calendar
import json
import re
import uuid
from dataclasses import dataclass

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT32 = (0, 2**32 - 1)

# ------------------------------------------------------------------ Convert.FromBase64String

_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def from_base64(text):
    """`Convert.FromBase64String`: standard alphabet, padding required, only ' ', \\t, \\r, \\n skipped.

    URL-safe characters ('-', '_') and unpadded input raise ValueError, as .NET raises FormatException.
    """
    if not isinstance(text, str):
        raise ValueError("not a string")
    stripped = re.sub(r"[ \t\r\n]", "", text)
    if len(stripped) % 4 or not _B64.fullmatch(stripped):
        raise ValueError("not a valid Base-64 string (standard alphabet, padded)")
    return base64.b64decode(stripped, validate=True)


# ------------------------------------------------------------------ System.Guid

_H = "[0-9A-Fa-f]"
_D = rf"{_H}{{8}}-{_H}{{4}}-{_H}{{4}}-{_H}{{4}}-{_H}{{12}}"
_GUID_FORMATS = [
    re.compile(rf"{_H}{{32}}"),  # N
    re.compile(_D),  # D
    re.compile(rf"\{{{_D}\}}"),  # B
    re.compile(rf"\({_D}\)"),  # P
    re.compile(  # X: {0x00000000,0x0000,0x0000,{0x00,...8 bytes}}
        rf"\{{0[xX]{_H}{{1,8}},0[xX]{_H}{{1,4}},0[xX]{_H}{{1,4}},\{{0[xX]{_H}{{1,2}}(?:,0[xX]{_H}{{1,2}}){{7}}\}}\}}"
    ),
]


def parse_guid(text):
    """`new Guid(string)` (what Newtonsoft calls for a Guid property): N, D, B, P or X format, trimmed.

    Python's `uuid.UUID` is more lenient (it accepts `urn:uuid:` and stray braces), so it is not used
    to decide validity.
    """
    if not isinstance(text, str):
        raise ValueError("not a string")
    s = text.strip()
    for number, pattern in enumerate(_GUID_FORMATS):
        if pattern.fullmatch(s):
            if number == 4:
                parts = [int(p, 16) for p in re.findall(r"0[xX]([0-9A-Fa-f]+)", s)]
                raw = parts[0].to_bytes(4, "big") + parts[1].to_bytes(2, "big") + parts[2].to_bytes(2, "big") + bytes(parts[3:])
                return uuid.UUID(bytes=raw)
            return uuid.UUID(re.sub(r"[^0-9A-Fa-f]", "", s))
    raise ValueError(f"'{text}' is not a GUID .NET can parse (N, D, B, P or X format)")


def parse_guid_stj(text):
    """System.Text.Json's Guid reader: exactly the 36-character "D" format, nothing trimmed."""
    if not isinstance(text, str) or len(text) != 36 or not re.fullmatch(_D, text):
        raise ValueError(f"{text!r} is not a GUID in the 36-character D format System.Text.Json requires")
    return uuid.UUID(text)


def guid_bytes(guid):
    """`Guid.ToByteArray()`: the first three groups little-endian, i.e. Python's `UUID.bytes_le`."""
    if not isinstance(guid, uuid.UUID):
        guid = parse_guid(str(guid))
    return guid.bytes_le


# ------------------------------------------------------------------ System.Uri

_DEFAULT_PORTS = {"http": 80, "https": 443, "net.tcp": 808, "ftp": 21, "ws": 80, "wss": 443}
_BAD_HOST = re.compile(r"[\s<>\"{}|\\^`/?#@]")


@dataclass(frozen=True)
class Uri:
    """What `new Uri(text)` gives: scheme and host lower-cased, port (-1 = none), and the rest."""

    scheme: str
    host: str
    port: int
    path: str
    has_authority: bool
    explicit_port: bool

    def __str__(self):
        """`Uri.ToString()` as far as the launchers compare URLs: normalised scheme, host and port."""
        if not self.has_authority:
            return f"{self.scheme}:{self.path}"
        port = f":{self.port}" if self.explicit_port and self.port != _DEFAULT_PORTS.get(self.scheme) else ""
        path = self.path or "/"
        return f"{self.scheme}://{self.host}{port}{path}"


def parse_uri(text):
    """`new Uri(text)` (UriKind.Absolute): raises ValueError where .NET raises UriFormatException.

    Ported behaviour: surrounding whitespace is trimmed; an absolute URI needs a scheme of two or more
    characters; with `//` an authority follows whose host must be non-empty and whose port must be a
    number 0-65535. A scheme without a port gets .NET's default (http 80, https 443, net.tcp 808) or -1
    for schemes .NET does not know (grpc, rest), exactly what the launcher later reads as `Uri.Port`.
    Implicit file paths (`/x`, `C:\\x`) are reported as not absolute: the launchers have no use for them.
    """
    if not isinstance(text, str):
        raise ValueError("not a string")
    s = text.strip()
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]+):", s)
    if not m:
        raise ValueError(f"'{text}' is not an absolute URI (Invalid URI: the format of the URI could not be determined)")
    scheme = m.group(1).lower()
    rest = s[m.end() :]
    if not rest.startswith("//"):
        return Uri(scheme, "", -1, rest, False, False)
    rest = rest[2:]
    end = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i != -1:
            end = min(end, i)
    authority, path = rest[:end], rest[end:]
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise ValueError(f"'{text}': invalid IPv6 host")
        host, after = authority[: close + 1], authority[close + 1 :]
    else:
        host, sep, port_text = authority.partition(":")
        after = f":{port_text}" if sep else ""
    if not host or _BAD_HOST.search(host):
        raise ValueError(f"'{text}': the hostname could not be parsed")
    port, explicit = _DEFAULT_PORTS.get(scheme, -1), False
    if after:
        if not after.startswith(":"):
            raise ValueError(f"'{text}': the hostname could not be parsed")
        port_text = after[1:]
        if port_text:
            if not port_text.isdigit() or int(port_text) > 65535:
                raise ValueError(f"'{text}': invalid port specified")
            port, explicit = int(port_text), True
    return Uri(scheme, host.lower(), port, path, True, explicit)


# ------------------------------------------------------------------ parsing primitives


def bool_try_parse(text):
    """`bool.TryParse`: 'true'/'false' in any case, surrounding whitespace allowed; None if not."""
    s = text.strip().lower()
    return {"true": True, "false": False}.get(s)


_INTEGER = re.compile(r"\s*[+-]?\d+\s*")  # NumberStyles.Integer


def int_try_parse(text, bounds):
    """`int/long.TryParse(s, NumberStyles.Integer, InvariantCulture)` within `bounds`; None if not."""
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if bounds[0] <= value <= bounds[1] else None


_DECIMAL = re.compile(r"\s*[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?\s*|\s*[+-]?\d+(\.\d+)?[eE][+-]?\d+\s*")


def decimal_try_parse(text):
    """`decimal.TryParse(NumberStyles.Number, Invariant)` or Newtonsoft's exponent form."""
    return bool(_DECIMAL.fullmatch(text)) and any(c.isdigit() for c in text)


_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
)
_MS_DATE = re.compile(r"/Date\(-?\d+(?:[+-]\d{4})?\)/")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?[AaPp][Mm])?)?")


def datetime_parses(text):
    """Newtonsoft's `ReadDateTimeString`: ISO 8601, `/Date(ms)/`, else `DateTime.TryParse(Invariant)`.

    The ISO and MS forms are ported exactly; the `DateTime.TryParse` fallback accepts far more
    than any port can follow, so only its common invariant forms (`MM/dd/yyyy [HH:mm[:ss]]`,
    `yyyy-MM-dd HH:mm:ss`) are accepted here. The port is therefore stricter, never more lenient.
    """
    s = text.strip()
    if _MS_DATE.fullmatch(s):
        return True
    m = _ISO.fullmatch(s)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _US.fullmatch(s)
        if not m:
            return False
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and year >= 1 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return False
    hour, minute = m.group(4), m.group(5)
    return hour is None or (int(hour) < 24 and int(minute) < 60 and (m.group(6) is None or int(m.group(6)) < 60))


def to_string(value):
    """`object.ToString()` of a value Newtonsoft put into a `Dictionary<string, object>`.

    Launcher 2.0 hands every package configuration value to the package as this string
    (HostCommand.cs: `c.Value.ToString()`): booleans become "True"/"False", objects and arrays their
    indented JSON text. Floats use the invariant culture here; on a machine with a German culture
    .NET writes "1,5". None has no ToString: the launcher throws (the caller reports that).
    """
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace("e", "E")
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return value


# ------------------------------------------------------------------ versions

SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_XR = r"(?:[xX*]|0|[1-9]\d*)"
_PARTIAL = rf"v?{_XR}(?:\.{_XR}(?:\.{_XR}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)?)?"
_SIMPLE = re.compile(rf"(?:<=|>=|<|>|=|~>?|\^)?\s*{_PARTIAL}")
_HYPHEN = re.compile(rf"\s*{_PARTIAL}\s+-\s+{_PARTIAL}\s*")


def is_exact_version(text):
    """A single SemVer 2.0 version (`1.3.45`, `1.3.46-rc1`), nothing that selects among several."""
    return isinstance(text, str) and bool(SEMVER.fullmatch(text))


def is_semver_range(text):
    """A range `SemanticVersioning.Range` (node-semver grammar) parses: `1.3.x`, `^1.3`, `>=1.2 <2`."""
    for part in text.split("||"):
        part = part.strip()
        if not part or _HYPHEN.fullmatch(part):
            continue
        tokens = re.findall(r"(?:<=|>=|<|>|=|~>?|\^)?\s*[^\s<>=~^]+", part)
        if "".join(tokens).replace(" ", "") != part.replace(" ", ""):
            return False
        if not all(_SIMPLE.fullmatch(t.strip()) for t in tokens):
            return False
    return True
