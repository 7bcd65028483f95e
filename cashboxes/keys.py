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
import hmac
import uuid
from functools import lru_cache

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

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


def storage_encrypt(guid, text):
    """`text` as the middleware's storage encryption writes it for a record with this id
    (fiskaltrust/middleware storage/src/fiskaltrust.storage.encryption/Encryption.cs: AES-128-CBC,
    PKCS#7, key = the first 16 bytes of the id's .NET bytes, the IV in front), base64.

    The queue decrypts a `connectionstring` that does not start with "raw:" this way, keyed by its
    own id (queue/src/fiskaltrust.Middleware.Storage.MySQL/MySQLBootstrapper.cs, EF alike): that
    is how a launcher which decrypts nothing (1.x) must hand it over. The French queue reads its
    SCU's PrivateKey this way, keyed by the SCU's id (Queue/Helpers/CryptoHelper.cs). The IV is an
    HMAC of the id and text under SECRET_KEY rather than random, so a package or a publication
    built twice has the same bytes without revealing anything about the text.
    """
    key = uuid.UUID(str(guid)).bytes_le
    data = text.encode()
    iv = hmac.new(settings.SECRET_KEY.encode(), key + data, hashlib.sha256).digest()[:16]
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode()


def new_signing_certificate(company_name, siret):
    """A P-256 key pair and the portal's own self-signed certificate for it, as France's virtual
    SCU needs them: (private key as stored, encrypted at rest; certificate, base64 DER).

    The certificate is the portal's, not one of fiskaltrust's certification authority: the queue
    signs with the key and archives the certificate (middleware queue/src/
    fiskaltrust.Middleware.Localization.QueueFR/ArchiveProcessor.cs) but does not check who issued it.
    """
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(CURVE)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, (company_name or siret)[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, f"SIRET {siret}"[:64]),
        ]
    )
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return crypto.encrypt(base64.b64encode(der).decode()), base64.b64encode(
        certificate.public_bytes(serialization.Encoding.DER)
    ).decode()


def certificate_serial(certificate_base64):
    """The serial number of a base64 DER certificate, in hex (it names the queue's archive file)."""
    from cryptography import x509

    return format(x509.load_der_x509_certificate(base64.b64decode(certificate_base64)).serial_number, "X")


def fr_private_key(scu_id, private_key_encrypted):
    """The PrivateKey of an init_ftSignaturCreationUnitFR record: the queue runs
    `new BigInteger(Convert.FromBase64String(UTF8(Encryption.Decrypt(Convert.FromBase64String(PrivateKey),
    scuId.ToByteArray()))))` and signs with it (queue/src/fiskaltrust.Middleware.Queue/Helpers/CryptoHelper.cs),
    so the value is the storage encryption (keyed by the SCU's id) of the base64 of the private
    scalar as BouncyCastle's BigInteger writes it: big-endian two's complement, minimal length."""
    key = key_pair(private_key_encrypted)[0]
    scalar = key.private_numbers().private_value
    minimal = scalar.to_bytes(scalar.bit_length() // 8 + 1, "big")
    return storage_encrypt(scu_id, base64.b64encode(minimal).decode())
