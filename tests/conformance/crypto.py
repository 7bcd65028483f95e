"""The cryptography a configuration must satisfy, ported byte for byte.

1. Launcher 2.0 (Helpers/Encryption.cs, Download/ConfigurationDownloader.cs): the access token is
   the base64 of the server's P-256 public point; the launcher sends its own P-256 public key
   (SubjectPublicKeyInfo DER, base64) in the body of the configuration GET; both sides derive
   SHA-256(ECDH shared secret) (`ECDiffieHellman.DeriveKeyMaterial`: "The SHA-256 hash of the shared
   secret", .NET docs for ECDiffieHellmanOpenSsl/Cng) and use it as an AES-256-CBC key, PKCS7, with
   IV = `cashboxId.ToByteArray()` (Python `UUID.bytes_le`).
2. The queue's own storage encryption (storage/src/fiskaltrust.storage.encryption/Encryption.cs),
   used for connection strings a launcher did not decrypt (no `raw:` prefix) and for the French
   SCU private key: AES-128-CBC with PKCS7 (BouncyCastle), key = the first 16 bytes of a secret
   (a GUID's ToByteArray), the IV is the first 16 bytes of the data.
"""

import base64
import hashlib
import os
import uuid

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .dotnet import from_base64, guid_bytes, parse_guid

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


# ------------------------------------------------------------------ access token (Encryption.cs)


class TokenError(ValueError):
    """The access token is not what CashboxConfigEncryption can turn into a public key."""


def parse_access_token(access_token):
    """`ParsePublicKey(Convert.FromBase64String(accessToken))`, returning the server's public key.

    Encryption.cs splits the bytes in halves after skipping byte 0 (it never looks at byte 0):
    only a 65-byte token gives the 32-byte X and Y that `ECDiffieHellman.Create` accepts for
    nistP256 (64 bytes overrun the buffer copy, other lengths give wrong coordinate sizes), and the
    import rejects a point that is not on the curve.
    """
    if not isinstance(access_token, str) or not access_token:
        raise TokenError("the access token is missing; CashboxConfigEncryption is constructed for every configuration")
    try:
        raw = from_base64(access_token)
    except ValueError:
        raise TokenError(
            "Convert.FromBase64String(accessToken) throws FormatException: the token must be standard, padded base64"
        )
    if len(raw) != 65:
        raise TokenError(f"the token decodes to {len(raw)} bytes; Encryption.cs needs 65 (0x04 | X | Y of a P-256 point)")
    x = int.from_bytes(raw[1:33], "big")
    y = int.from_bytes(raw[33:65], "big")
    try:
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError:
        raise TokenError("X|Y is not a point on P-256: ECDiffieHellman.Create(parameters) throws CryptographicException")


def access_token_for(server_public_key):
    """The access token for a server key pair: base64 of the uncompressed point (0x04 | X | Y)."""
    point = server_public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.b64encode(point).decode("ascii")


def _aes_key(private_key, public_key):
    # DeriveKeyMaterial == DeriveKeyFromHash(SHA256, no prepend/append) over the raw ECDH secret (X).
    return hashlib.sha256(private_key.exchange(ec.ECDH(), public_key)).digest()


def _iv(cashbox_id):
    return guid_bytes(cashbox_id if isinstance(cashbox_id, uuid.UUID) else parse_guid(str(cashbox_id)))


class DecryptError(ValueError):
    """`CashboxConfigEncryption.Decrypt` throws: not base64, bad length or bad PKCS7 padding."""


def aes_cbc_decrypt(key, iv, data):
    """AES-CBC with PKCS7 as `Aes.DecryptCbc` / BouncyCastle's PaddedBufferedBlockCipher do it."""
    if not data or len(data) % 16:
        raise DecryptError(f"{len(data)} bytes of cipher text is not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise DecryptError("Padding is invalid and cannot be removed (wrong key or IV)")


def aes_cbc_encrypt(key, iv, plaintext):
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


class LauncherClient:
    """A Launcher 2.0 as the configuration server sees it: its own P-256 ECDH key pair.

    The real launcher creates the pair once per CashBox (`CashboxConfigEncryption.CreateCurve`, stored
    protected in `client-<cashboxid>.ecdh`, Commands/Common.cs LoadCurve) and sends the public half with
    every configuration download.
    """

    def __init__(self, private_key=None):
        self.private_key = private_key or ec.generate_private_key(ec.SECP256R1())

    def public_key_x509(self):
        """`Convert.ToBase64String(curve.PublicKey.ExportSubjectPublicKeyInfo())`."""
        der = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode("ascii")

    def request_body(self):
        """The GET body, exactly as ConfigurationDownloader.cs interpolates it, UTF-8 (StringContent)."""
        return f'{{ "publicKeyX509": "{self.public_key_x509()}" }}'.encode()

    def decrypt(self, cashbox_id, access_token, value_base64):
        """`new CashboxConfigEncryption(cashboxId, accessToken, curve).Decrypt(valueBase64)`.

        Raises TokenError for a token Encryption.cs cannot parse and DecryptError for a value it cannot
        decrypt. The result is `Encoding.UTF8.GetString`, which never throws: invalid bytes become U+FFFD.
        """
        server_key = parse_access_token(access_token)
        try:
            data = from_base64(value_base64)
        except ValueError as error:
            raise DecryptError(f"Convert.FromBase64String(value) throws FormatException: {error}")
        plain = aes_cbc_decrypt(_aes_key(self.private_key, server_key), _iv(cashbox_id), data)
        return plain.decode("utf-8", errors="replace")


def encrypt_for(client_public_x509_b64, server_private_key, cashbox_id, plaintext):
    """Encrypt a queue configuration value the way the configuration server must for Launcher 2.0.

    ECDH(server private key, launcher public key from the request body) -> SHA-256 -> AES-256-CBC,
    PKCS7, IV = Guid.ToByteArray() of the CashBox id; returns base64 (standard, padded).
    """
    client_key = serialization.load_der_public_key(base64.b64decode(client_public_x509_b64))
    if not isinstance(client_key, ec.EllipticCurvePublicKey) or client_key.curve.name != "secp256r1":
        raise ValueError("the launcher key must be a P-256 public key")
    data = aes_cbc_encrypt(_aes_key(server_private_key, client_key), _iv(cashbox_id), plaintext.encode("utf-8"))
    return base64.b64encode(data).decode("ascii")


# ------------------------------------------------------------------ fiskaltrust.storage.encryption


def storage_decrypt(data, secret):
    """`Encryption.Decrypt(data, secret)`: key = secret[:16], IV = data[:16], AES-CBC/PKCS7 over the rest."""
    if len(data) < 16:
        raise DecryptError("shorter than the 16-byte IV")
    return aes_cbc_decrypt(secret[:16], data[:16], data[16:])


def storage_encrypt(plaintext, secret, iv=None):
    """`Encryption.Encrypt(data, secret)`: a random 16-byte IV (a new GUID upstream), prepended."""
    iv = iv or os.urandom(16)
    return iv + aes_cbc_encrypt(secret[:16], iv, plaintext)


def legacy_connection_string(queue_id, connection_string):
    """A connection string the queue itself decrypts (launchers that decrypt nothing, e.g. 1.x).

    MySQLBootstrapper/EfStorageBootstrapper/AzureTableStorageBootstrapper: unless the value starts with
    `raw:`, `Encryption.Decrypt(Convert.FromBase64String(value), queueId.ToByteArray())`.
    """
    return base64.b64encode(storage_encrypt(connection_string.encode("utf-8"), guid_bytes(queue_id))).decode("ascii")


def bouncy_bigint_bytes(number):
    """`Org.BouncyCastle.Math.BigInteger.ToByteArray()`: minimal two's complement, big-endian."""
    length = number.bit_length() // 8 + 1
    return number.to_bytes(length, "big", signed=True)


def fr_private_key_value(scu_fr_id, private_key):
    """The `PrivateKey` of an init_ftSignaturCreationUnitFR record for a P-256 key.

    CryptoHelper.CreateJwsToken reads it as
    `Convert.FromBase64String(UTF8(Encryption.Decrypt(Convert.FromBase64String(PrivateKey), scuFrId.ToByteArray())))`
    and `new BigInteger(...)` of that: so PrivateKey = base64(storage-encrypt(ascii(base64(D as BouncyCastle
    two's-complement bytes)), key = the SCU's own id)).
    """
    inner = base64.b64encode(bouncy_bigint_bytes(private_key.private_numbers().private_value))
    return base64.b64encode(storage_encrypt(inner, guid_bytes(scu_fr_id))).decode("ascii")


def read_fr_private_scalar(scu_fr_id, value):
    """Undo `fr_private_key_value` the way CryptoHelper does; returns D or raises ValueError."""
    data = from_base64(value)
    inner = storage_decrypt(data, guid_bytes(scu_fr_id)).decode("utf-8", errors="replace")
    raw = from_base64(inner)
    if not raw:
        raise ValueError("the decrypted key is empty (BouncyCastle: Zero length BigInteger)")
    return int.from_bytes(raw, "big", signed=True)
