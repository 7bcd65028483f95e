"""Per-country rules of the queue's localizations: how each reads its SCU record and its queue record.

- DE (QueueDE): DESSCDProvider turns init_ftSignaturCreationUnitDE.Url into a client; the queue
  registers CashBoxIdentification as the TSE client id (RequestCommand.cs RegisterClientIdAsync),
  which TSEs limit to 30 bytes; the SCU switch reads Mode flags and ModeConfigurationJson.
- AT (QueueAT): ATSSCDProvider connects every SCU record with (Mode & 0xFF) < 99; the totalizer
  encryption uses EncryptionKeyBase64 as an AES key.
- FR (QueueFR): SignatureFactoryFR/CryptoHelper sign with the SCU record's PrivateKey;
  ArchiveProcessor writes CertificateBase64 to `{CertificateSerialNumber}.cer`.
- IT (QueueIT): ITSSCDProvider reads the SCU record Url; RT-server SCUs cut the till id out of
  CashBoxIdentification.
"""

import json
import re

from .core import join
from .crypto import P256_ORDER, DecryptError, read_fr_private_scalar
from .dotnet import from_base64, parse_guid, parse_uri
from .launcher import CLIENT_SCHEMES
from .records import COUNTRY_RECORDS, SCU_ID_FIELD
from .sources import DOCS, L_AT_CLIENTS, L_DE_CLIENTS, L_IT_CLIENTS, MIDDLEWARE, cite

_Q = "queue/src/fiskaltrust.Middleware.Localization."
DE_PROVIDER = cite(MIDDLEWARE, _Q + "QueueDE/Services/DESSCDProvider.cs")
DE_REQUEST = cite(MIDDLEWARE, _Q + "QueueDE/RequestCommands/RequestCommand.cs")
DE_SWITCH = cite(MIDDLEWARE, _Q + "QueueDE/RequestCommands/InitiateScuSwitchReceiptCommand.cs")
SWISSBIT_API = cite(MIDDLEWARE, "scu-de/src/fiskaltrust.Middleware.SCU.DE.Swissbit/Interop/NativeWormAPI.cs")
DOCS_CLIENT_ID = cite(DOCS, "poscreators/getting-started/middleware-integration.md") + " and faq/terms.md"
AT_PROVIDER = cite(MIDDLEWARE, _Q + "QueueAT/Services/ATSSCDProvider.cs")
AT_TOTALIZER = cite(MIDDLEWARE, _Q + "QueueAT/Helpers/TotalizerEncryptionHelper.cs")
FR_CRYPTO = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Queue/Helpers/CryptoHelper.cs")
FR_ARCHIVE = cite(MIDDLEWARE, _Q + "QueueFR/ArchiveProcessor.cs")
IT_PROVIDER = cite(MIDDLEWARE, _Q + "QueueIT/ITSSCDProvider.cs")
IT_CUSTOM_RT_SERVER = cite(MIDDLEWARE, "scu-it/src/fiskaltrust.Middleware.SCU.IT.CustomRTServer/CustomRTServerSCU.cs")
IT_EPSON_RT_SERVER = cite(MIDDLEWARE, "scu-it/src/fiskaltrust.Middleware.SCU.IT.EpsonRTServer/EpsonRTServerSCU.cs")

SWITCH_SOURCE, SWITCH_TARGET = 0x00010000, 0x00020000  # QueueDE/Constants/Modes.cs
TSE_CLIENT_ID_BYTES = 30  # NativeWormAPI.cs worm_tse_registerClient: "Maximum length is 30 bytes."
# ASN.1 PrintableString: fiskaltrust's docs ask for a "printable string" as the TSE client id.
PRINTABLE_STRING = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]+")
CLIENT_SOURCES = {"DE": L_DE_CLIENTS, "AT": L_AT_CLIENTS, "IT": L_IT_CLIENTS}


def check(document, views, findings, *, launcher):
    for view in views:
        rule = {"DE": _de, "AT": _at, "FR": _fr, "IT": _it}.get(view.country)
        if rule:
            rule(view, document, findings, launcher)


def record_url(url):
    """`GetUriForSignaturCreationUnit` (identical in DESSCDProvider, ATSSCDProvider, ITSSCDProvider).

    The Url is tried as a JSON string array (the first `grpc://` entry, else the first entry); if that
    throws for any reason (not JSON, empty array, a null entry) the raw string is used. Then
    `new Uri(url)`. Returns (chosen string, Uri); raises ValueError like `new Uri` throws.
    """
    if url is None:
        raise ValueError("Url is null: `new Uri(null)` throws ArgumentNullException")
    chosen = url
    try:
        urls = json.loads(url)
    except ValueError:
        urls = None
    if isinstance(urls, list) and urls and all(isinstance(u, (str, int, float)) and not isinstance(u, bool) for u in urls):
        urls = [u if isinstance(u, str) else json.dumps(u) for u in urls]
        chosen = next((u for u in urls if u.startswith("grpc://")), urls[0])
    return chosen, parse_uri(chosen)


def _scu_records(view, country):
    _, _, scu_key, _ = COUNTRY_RECORDS[country]
    return scu_key, view.records.get(scu_key) or []


def _referenced_scu(view, country):
    """(path, record) of the SCU record the queue's country record points at, or (None, None)."""
    _, own = view.country_record()
    _, _, scu_key, ref_field = COUNTRY_RECORDS[country]
    if own is None or ref_field is None:
        return None, None
    reference = own.get(ref_field)
    for index, scu in enumerate(view.records.get(scu_key) or []):
        if reference and scu.get(SCU_ID_FIELD[scu_key]) and same_guid(scu.get(SCU_ID_FIELD[scu_key]), reference):
            return join(view.path(scu_key), index), scu
    return None, None


def same_guid(a, b):
    try:
        return parse_guid(a) == parse_guid(b)
    except (ValueError, TypeError):
        return False


def _scu_url(view, path, scu, findings, launcher, country, provider, consequence):
    try:
        chosen, uri = record_url(scu.get("Url"))
    except ValueError as error:
        findings.add("scu-url", join(path, "Url"), f"{error}; {consequence}", provider)
        return None
    if launcher == "2.0" and uri.scheme not in CLIENT_SCHEMES:
        findings.add(
            "scu-url",
            join(path, "Url"),
            f"scheme '{uri.scheme}' ({chosen}): Launcher 2.0's client factory throws 'only supports gRPC, REST and "
            f"SOAP communication' ({', '.join(sorted(CLIENT_SCHEMES))}); {consequence}",
            CLIENT_SOURCES[country],
        )
    return uri


# ------------------------------------------------------------------ Germany


def _de(view, document, findings, launcher):
    index, own = view.country_record()
    if own is not None:
        _client_id(view, join(view.path("init_ftQueueDE"), index), own.get("CashBoxIdentification"), findings)
    path, scu = _referenced_scu(view, "DE")
    if scu is None:
        return
    _scu_url(
        view,
        path,
        scu,
        findings,
        launcher,
        "DE",
        DE_PROVIDER,
        "RegisterCurrentScuAsync throws and the queue cannot reach its TSE (no receipt is signed)",
    )
    _scu_switch(view, path, scu, findings)


def _client_id(view, path, client_id, findings):
    where = join(path, "CashBoxIdentification")
    if not isinstance(client_id, str) or not client_id:
        findings.add(
            "de-client-id",
            where,
            "empty: the initial-operation receipt registers it as the TSE client id (RegisterClientIdAsync) and the "
            "TSE rejects an empty id",
            DE_REQUEST,
        )
        return
    size = len(client_id.encode("utf-8"))
    if size > TSE_CLIENT_ID_BYTES:
        findings.add(
            "de-client-id",
            where,
            f"{size} bytes (UTF-8): RequestCommand.cs registers CashBoxIdentification as the TSE client id, and "
            f"TSEs take at most {TSE_CLIENT_ID_BYTES} bytes (Swissbit worm_tse_registerClient; BSI TR-03153): "
            "the initial-operation receipt fails",
            SWISSBIT_API,
        )
    if not PRINTABLE_STRING.fullmatch(client_id):
        findings.add(
            "de-client-id-charset",
            where,
            f"{client_id!r} is not a printable string (ASN.1 PrintableString: letters, digits, space and "
            "' ( ) + , - . / : = ?): fiskaltrust's docs require one because it is the TSE client id",
            DOCS_CLIENT_ID,
        )


def _scu_switch(view, path, scu, findings):
    """InitiateScuSwitchReceiptCommand: a SwitchSource SCU needs ModeConfigurationJson {"TargetScuId"}
    naming a SwitchTarget SCU whose ModeConfigurationJson {"SourceScuId"} points back."""
    mode = scu.get("Mode") if isinstance(scu.get("Mode"), int) else 0
    if not mode & SWITCH_SOURCE:
        return
    where = join(path, "ModeConfigurationJson")
    target_id = _json_guid(scu.get("ModeConfigurationJson"), "TargetScuId")
    _, scus = _scu_records(view, "DE")
    target = next((s for s in scus if target_id and same_guid(s.get("ftSignaturCreationUnitDEId"), str(target_id))), None)
    source_id = scu.get("ftSignaturCreationUnitDEId")
    back = _json_guid(target.get("ModeConfigurationJson"), "SourceScuId") if target else None
    target_mode = target.get("Mode") if target and isinstance(target.get("Mode"), int) else 0
    if target is None or not target_mode & SWITCH_TARGET or back is None or not same_guid(str(back), source_id):
        findings.add(
            "de-scu-switch",
            where,
            "the SCU is flagged SwitchSource (0x00010000) but no SwitchTarget SCU (0x00020000) in "
            'init_ftSignaturCreationUnitDE is named by {"TargetScuId"} and names it back with {"SourceScuId"}: '
            'the initiate-SCU-switch receipt throws "The target SCU is not set up correctly"',
            DE_SWITCH,
        )


def _json_guid(text, name):
    try:
        data = json.loads(text) if isinstance(text, str) and text else None
        return parse_guid(data[name]) if isinstance(data, dict) and isinstance(data.get(name), str) else None
    except ValueError:
        return None


# ------------------------------------------------------------------ Austria


def _at(view, document, findings, launcher):
    scu_key, scus = _scu_records(view, "AT")
    for index, scu in enumerate(scus):
        mode = scu.get("Mode") if isinstance(scu.get("Mode"), int) else 0
        if (mode & 0xFF) >= 99:
            continue  # deactivated: ATSSCDProvider skips it
        _scu_url(
            view,
            join(view.path(scu_key), index),
            scu,
            findings,
            launcher,
            "AT",
            AT_PROVIDER,
            "ATSSCDProvider's Task.WhenAll fails, the error is only logged and NO SCU is connected: nothing is signed",
        )
    index, own = view.country_record()
    key = own.get("EncryptionKeyBase64") if own else None
    if isinstance(key, str) and key:
        where = join(join(view.path("init_ftQueueAT"), index), "EncryptionKeyBase64")
        try:
            size = len(from_base64(key))
        except ValueError as error:
            size, problem = None, str(error)
        else:
            problem = None if size in (16, 24, 32) else f"{size} bytes is not an AES key size (16, 24 or 32)"
        if problem:
            findings.add(
                "at-encryption-key",
                where,
                f"{problem}: the initial-operation receipt's totalizer encryption check throws "
                '("The specified encryption key cannot be used"); leave it empty to let the queue generate one',
                AT_TOTALIZER,
            )


# ------------------------------------------------------------------ France


def _fr(view, document, findings, launcher):
    path, scu = _referenced_scu(view, "FR")
    if scu is None:
        return
    scu_id = scu.get("ftSignaturCreationUnitFRId")
    key = scu.get("PrivateKey")
    where = join(path, "PrivateKey")
    if not isinstance(key, str) or not key:
        findings.add(
            "fr-private-key",
            where,
            "missing: CryptoHelper.CreateJwsToken runs Convert.FromBase64String(privateKey) for every signature and "
            "throws ArgumentNullException: a record without a key cannot sign",
            FR_CRYPTO,
        )
    else:
        try:
            scalar = read_fr_private_scalar(parse_guid(scu_id), key)
        except (ValueError, DecryptError, TypeError) as error:
            findings.add(
                "fr-private-key",
                where,
                f"CryptoHelper cannot import it ({error}): the format is base64(Encryption.Encrypt(ascii(base64("
                "BouncyCastle BigInteger bytes of D)), key = ftSignaturCreationUnitFRId.ToByteArray()))",
                FR_CRYPTO,
            )
        else:
            if not 0 < scalar < P256_ORDER:
                findings.add(
                    "fr-private-key",
                    where,
                    "decrypts, but D is not a P-256 private scalar (1 <= D < n): the JWS signatures match no key",
                    FR_CRYPTO,
                )
    certificate = scu.get("CertificateBase64")
    try:
        valid = isinstance(certificate, str) and bool(certificate) and bool(from_base64(certificate))
    except ValueError:
        valid = False
    if not valid:
        findings.add(
            "fr-certificate",
            join(path, "CertificateBase64"),
            "missing or not base64: ArchiveProcessor writes Convert.FromBase64String(CertificateBase64) into every "
            "archive and throws",
            FR_ARCHIVE,
        )
    serial = scu.get("CertificateSerialNumber")
    if not isinstance(serial, str) or not serial.strip() or re.search(r'[<>:"/\\|?*\x00-\x1f]', serial):
        findings.add(
            "fr-certificate",
            join(path, "CertificateSerialNumber"),
            "missing or not usable as a file name: it goes into every JWS payload and names the archive's "
            "'{CertificateSerialNumber}.cer'",
            FR_ARCHIVE,
        )


# ------------------------------------------------------------------ Italy


def _it(view, document, findings, launcher):
    path, scu = _referenced_scu(view, "IT")
    if scu is None:
        return
    uri = _scu_url(
        view,
        path,
        scu,
        findings,
        launcher,
        "IT",
        IT_PROVIDER,
        "RegisterCurrentScuAsync throws and every receipt fails",
    )
    package = _it_scu_package(document, uri, launcher)
    index, own = view.country_record()
    till = own.get("CashBoxIdentification") if own else None
    where = join(join(view.path("init_ftQueueIT"), index), "CashBoxIdentification")
    name = (package.name or "") if package else ""
    length = len(till) if isinstance(till, str) else 0
    if name.endswith(".IT.EpsonRTServer") and length != 8:
        findings.add(
            "it-cashbox-identification",
            where,
            f"{till!r} has {length} characters: the Epson RT Server SCU needs exactly 8 (4-character store id + "
            "4-character till id) and throws on initialization",
            IT_EPSON_RT_SERVER,
        )
    elif name.endswith(".IT.CustomRTServer") and length < 8:
        findings.add(
            "it-cashbox-identification",
            where,
            f"{till!r} has {length} characters: the Custom RT Server SCU takes Substring(0, 4) as shop and "
            "Substring(4, 4) as cash register name and throws on the initial-operation receipt",
            IT_CUSTOM_RT_SERVER,
        )


def _it_scu_package(document, uri, launcher):
    """The SCU package the IT queue talks to: on Android always the first IT SCU (ITSSCDClientFactory
    returns `_scus.First()`), elsewhere the package of this CashBox whose Url is the record's URL."""
    scus = [p for p in document.of("scu") if (p.name or "").startswith("fiskaltrust.Middleware.SCU.IT.")]
    if launcher == "android":
        return scus[0] if scus else None
    if uri is None:
        return None
    for package in scus:
        for url in package.urls or []:
            try:
                if str(parse_uri(url)) == str(uri):
                    return package
            except ValueError:
                continue
    return None
