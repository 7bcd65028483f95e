"""Which values are secrets, and how they are hidden in logs and the audit trail."""

import re

REDACTED = "***"
REDACTED_CHANGED = "*** (changed)"
# Field and parameter names that hold secrets (API keys, PINs, tokens, passwords).
SECRET_NAME = re.compile(r"(password|secret|token|pin|apikey|api_key|accesstoken|access_token|key_hash)", re.I)
# Secrets as they may appear inside a logged message: "name=value" or "name": "value".
_INLINE = re.compile(
    r"""(?P<name>["']?\w*(?:password|secret|token|pin|apikey|api_key|accesstoken)\w*["']?\s*[:=]\s*)(?P<quote>["']?)[^"'\s,&}]+""",
    re.I,
)
_API_TOKEN = re.compile(r"pt_[A-Za-z0-9_-]{20,}")


def is_secret_name(name):
    return bool(SECRET_NAME.search(name))


def redact_dict(data, secret_fields=()):
    return {
        key: (REDACTED if (key in secret_fields or is_secret_name(key)) and value not in (None, "") else value)
        for key, value in data.items()
    }


def redact_text(text):
    text = _INLINE.sub(lambda m: f"{m.group('name')}{m.group('quote')}{REDACTED}", text)
    return _API_TOKEN.sub(REDACTED, text)
