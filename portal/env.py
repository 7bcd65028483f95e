"""Strict parsing of settings from the environment.

A malformed value stops start-up with an ImproperlyConfigured error that names the
variable, so a typo in a deployment never runs with a silently different setting.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _raw(name, default=None):
    value = os.environ.get(name)
    return default if value is None else value.strip()


def _fail(name, value, expected):
    raise ImproperlyConfigured(f"Environment variable {name}={value!r} is invalid: expected {expected}.")


def env_bool(name, default):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    _fail(name, value, "one of 1/0, true/false, yes/no, on/off")


def env_int(name, default, minimum=0):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        _fail(name, value, "a whole number")
    if number < minimum:
        _fail(name, value, f"a number of at least {minimum}")
    return number


def env_list(name, default):
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        _fail(name, value, "a comma-separated list without empty items")
    return items


def env_str(name, default=None):
    return _raw(name, default)


def env_url(name, default):
    value = _raw(name, default)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        _fail(name, value, "an http(s) URL such as https://portal.example.com/")
    return value if value.endswith("/") else value + "/"


def env_path(name, default):
    value = _raw(name)
    if value is None:
        return Path(default)
    if not value:
        _fail(name, value, "a directory path")
    return Path(value).expanduser().resolve()


def env_database(name, default):
    value = _raw(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # dj-database-url raises several kinds of error
        _fail(name, value, f"a database URL such as postgres://user@host:5432/name or sqlite:///path ({error})")
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        config.pop("CONN_MAX_AGE", None)
        config.pop("CONN_HEALTH_CHECKS", None)
        config["OPTIONS"] = {"timeout": 20}
    elif engine.endswith("postgresql"):
        if not config.get("NAME"):
            _fail(name, value, "a PostgreSQL URL that names the database")
    else:
        _fail(name, value, "a postgres:// or sqlite:// URL")
    return config


def env_redis(name):
    value = _raw(name)
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        _fail(name, value, "a URL such as redis://127.0.0.1:6379/0")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        _fail(name, value, "a URL with a numeric port")
    return value


def env_email(name, default="console://"):
    """EMAIL_URL -> Django's MAILERS: console://, locmem://, dummy://, file:///path or
    smtp://user:pass@host:port (smtps:// for TLS from the start, smtp+tls:// for STARTTLS)."""
    value = _raw(name, default)
    parts = urlsplit(value)
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme in simple:
        return {"default": {"BACKEND": simple[parts.scheme]}}
    if parts.scheme == "file":
        if not parts.path:
            _fail(name, value, "file:///a/directory")
        return {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": parts.path}}}
    if parts.scheme in {"smtp", "smtps", "smtp+tls"}:
        try:
            port = parts.port
        except ValueError:
            _fail(name, value, "an SMTP URL with a numeric port")
        if not parts.hostname:
            _fail(name, value, "an SMTP URL with a host, such as smtp://user:password@mail.example.com:587")
        query = parse_qs(parts.query)
        options = {
            "host": parts.hostname,
            "port": port or (465 if parts.scheme == "smtps" else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": parts.scheme == "smtp+tls" or query.get("tls") == ["1"],
            "timeout": 20,
        }
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}
    _fail(name, value, "console://, locmem://, dummy://, file:///path, smtp://, smtps:// or smtp+tls://")


def env_fernet_keys(name, fallback_seed=None):
    """Keys for encrypting secrets at rest: one or more Fernet keys, newest first.

    Without the variable (allowed only in DEBUG) a key is derived from SECRET_KEY so that a
    first look on a fresh machine works; production must set its own.
    """
    value = _raw(name)
    if not value:
        if fallback_seed is None:
            raise ImproperlyConfigured(
                f"Environment variable {name} is required when DEBUG is off: "
                "generate one with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
            )
        import base64
        import hashlib

        return [base64.urlsafe_b64encode(hashlib.sha256(fallback_seed.encode()).digest()).decode()]
    keys = [key.strip() for key in value.split(",")]
    for key in keys:
        try:
            Fernet(key)
        except Exception:
            _fail(name, "***", "comma-separated Fernet keys (32 url-safe base64-encoded bytes each)")
    return keys


def env_ed25519_key(name, fallback_seed=None):
    """An Ed25519 private key as its 32 raw bytes, or None.

    The value is a PEM private key (PKCS#8 or OpenSSH, unencrypted; line breaks may be written
    as the two characters \\n, as one-line environment files need) or the base64 (standard or
    url-safe) of the 32 raw bytes. Without the variable, DEBUG derives a key from SECRET_KEY
    (fallback_seed) so that a fresh machine works; otherwise the result is None and
    portal.signing refuses to sign until the variable is set. The message of a malformed value
    never repeats the value: it is a private key.
    """
    import base64
    import binascii
    import hashlib

    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    expected = "an Ed25519 private key: PEM (unencrypted) or the base64 of its 32 raw bytes"
    value = _raw(name)
    if not value:
        if fallback_seed is None:
            return None
        return hashlib.sha256(b"portal package signing key\0" + fallback_seed.encode()).digest()
    if value.startswith("-----BEGIN"):
        pem = value.replace("\\n", "\n").encode()
        loader = serialization.load_ssh_private_key if b"OPENSSH" in pem else serialization.load_pem_private_key
        try:
            key = loader(pem, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            _fail(name, "***", expected)
        if not isinstance(key, Ed25519PrivateKey):
            _fail(name, "***", expected + " (this PEM holds another kind of key)")
        return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    text = value.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        _fail(name, "***", expected)
    if len(raw) != 32:
        _fail(name, "***", expected + f" (this decodes to {len(raw)} bytes)")
    return raw
