"""A CashBox's key pair, whose public half is the access token, and the encryption of the
configuration values Launcher 2.0 decrypts.

Launcher 2.0 reads the access token as the base64 of an uncompressed P-256 point (65 bytes,
0x04 | X | Y), derives with its own key pair the SHA-256 of the ECDH secret and decrypts with it,
AES-256-CBC, PKCS#7, IV = the CashBox id in .NET Guid byte order, every queue Configuration value
whose key is `connectionstring` or ends in `_encrypted` (fiskaltrust/middleware-launcher
src/fiskaltrust.Launcher/Helpers/Encryption.cs, Configuration/CashBoxConfigurationExt.cs). So the
portal keeps one P-256 key pair per CashBox, the private key encrypted at rest, and encrypts
those values for the public key the launcher sends with its request.
"""

import base64
import binascii
import hashlib
import uuid
from functools import lru_cache

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from portal import crypto

CURVE = ec.SECP256R1()
ENCRYPTED_SUFFIX = "_encrypted"


def new_private_key():
    """A new key pair, as stored: its private key (PKCS#8 DER, base64) encrypted at rest."""
    key = ec.generate_private_key(CURVE)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return crypto.encrypt(base64.b64encode(der).decode())


@lru_cache(maxsize=4096)
def key_pair(encrypted):
    """(private key, access token) of a stored private key. Kept per process: a rotation
    stores a new value, so a cached pair is never stale."""
    der = base64.b64decode(crypto.decrypt(encrypted))
    key = serialization.load_der_private_key(der, password=None)
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key, base64.b64encode(point).decode()


def access_token(encrypted):
    """The access token of a stored private key: the base64 of its uncompressed public point."""
    return key_pair(encrypted)[1]


def is_encrypted_key(name):
    """Launcher 2.0 decrypts these queue Configuration keys (CashBoxConfigurationExt.cs)."""
    lowered = name.lower()
    return lowered == "connectionstring" or lowered.endswith(ENCRYPTED_SUFFIX)


def launcher_public_key(x509_base64):
    """The launcher's P-256 public key from the base64 SubjectPublicKeyInfo it sends as
    `publicKeyX509`; ValueError with a message for the launcher's operator otherwise."""
    if not isinstance(x509_base64, str) or not x509_base64:
        raise ValueError("publicKeyX509 must be the base64 of a P-256 public key (SubjectPublicKeyInfo DER).")
    try:
        key = serialization.load_der_public_key(base64.b64decode(x509_base64, validate=True))
    except (binascii.Error, ValueError, UnsupportedAlgorithm):
        raise ValueError("publicKeyX509 is not the base64 of a public key (SubjectPublicKeyInfo DER).")
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != CURVE.name:
        raise ValueError("publicKeyX509 must be a P-256 (secp256r1) key.")
    return key


def value_encrypter(private_key, launcher_key, cashbox_id):
    """A function text -> base64 ciphertext that the launcher with `launcher_key` decrypts."""
    aes_key = hashlib.sha256(private_key.exchange(ec.ECDH(), launcher_key)).digest()
    iv = uuid.UUID(str(cashbox_id)).bytes_le  # .NET Guid.ToByteArray()

    def encrypt(text):
        padder = padding.PKCS7(algorithms.AES.block_size).padder()
        data = padder.update(text.encode()) + padder.finalize()
        encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
        return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()

    return encrypt
