"""The portal's Ed25519 key that signs deployment packages (their MANIFEST.json).

The private key comes from PACKAGE_SIGNING_KEY (settings.PACKAGE_SIGNING_KEY: 32 raw bytes, see
portal.env.env_ed25519_key). Installers verify a package with the public key the portal publishes
(`public_key_pem()`), with openssl or Python; each package's README says how.
"""

import hashlib
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _key(raw):
    return Ed25519PrivateKey.from_private_bytes(raw)


def private_key():
    raw = settings.PACKAGE_SIGNING_KEY
    if raw is None:
        # Not at start-up: a portal without the key still runs, it only cannot sign packages.
        raise ImproperlyConfigured(
            "Environment variable PACKAGE_SIGNING_KEY is required to sign deployment packages when DEBUG is off: "
            "generate one with `openssl genpkey -algorithm ed25519` (PEM) and keep it as secret as SECRET_KEY."
        )
    return _key(bytes(raw))


def public_key():
    return private_key().public_key()


def public_key_pem() -> str:
    """The public key as a PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"), what openssl reads."""
    return public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint() -> str:
    """SHA-256 of the public key's DER form, in hex: `openssl pkey -pubin -outform DER | sha256sum`."""
    der = public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign(data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of data (raw, as `openssl pkeyutl -verify -rawin` takes it)."""
    return private_key().sign(bytes(data))


def verify(data, signature) -> bool:
    """Whether signature is the portal key's signature of data."""
    try:
        public_key().verify(bytes(signature), bytes(data))
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True
