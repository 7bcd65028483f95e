"""Encryption of secrets at rest with the keys of SECRETS_ENCRYPTION_KEY (newest first)."""

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _fernet(tuple(settings.SECRETS_ENCRYPTION_KEYS))


def encrypt(text):
    return fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("A secret cannot be decrypted with the configured SECRETS_ENCRYPTION_KEY.") from error


def encrypt_json(data):
    return encrypt(json.dumps(data, sort_keys=True)) if data else ""


def decrypt_json(token):
    return json.loads(decrypt(token)) if token else {}
