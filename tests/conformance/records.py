"""Typed ports of the classes the launchers and the queue deserialize a configuration into.

- `ftCashBoxConfiguration` / `PackageConfiguration` (fiskaltrust.storage.serialization V0): the root
  document every launcher reads with Newtonsoft.
- The storage models (fiskaltrust.storage V0, `storage/src/fiskaltrust.storage/Models/*.cs`) the
  queue's BaseStorageBootStrapper reads from each `init_*` key, and the master data
  (`Models/MasterData/*.cs`). The queue references these through a ProjectReference
  (queue/src/Directory.Build.props), so the models at the pinned commit are the ones in use.

Each field carries its .NET type; `newtonsoft.validate` applies Newtonsoft's conversion rules.
"""

from .newtonsoft import (
    BOOL,
    DATETIME,
    DECIMAL,
    GUID,
    INT,
    LONG,
    OBJECT_DICT,
    STRING,
    STRING_ARRAY,
    Model,
    list_of,
    nullable,
    record,
)
from .sources import M_CASHBOX_CONFIGURATION, M_MODELS, M_PACKAGE_CONFIGURATION, MIDDLEWARE, cite

GUID_N = nullable(GUID)
DATETIME_N = nullable(DATETIME)


def _model(name, fields, path=None, **kwargs):
    return Model(name, fields, cite(MIDDLEWARE, f"{M_MODELS}{path or name}.cs"), **kwargs)


# ------------------------------------------------------------------ the document itself

PACKAGE_CONFIGURATION = Model(
    "PackageConfiguration",
    {"Id": GUID, "Package": STRING, "Version": STRING, "Configuration": OBJECT_DICT, "Url": STRING_ARRAY},
    M_PACKAGE_CONFIGURATION,
)
PACKAGES = list_of(record(PACKAGE_CONFIGURATION), "PackageConfiguration[]")

CASHBOX_CONFIGURATION = Model(
    "ftCashBoxConfiguration",
    {
        "helpers": PACKAGES,
        "ftCashBoxId": GUID,
        "ftSignaturCreationDevices": PACKAGES,
        "ftQueues": PACKAGES,
        "TimeStamp": LONG,
    },
    M_CASHBOX_CONFIGURATION,
)

# ------------------------------------------------------------------ storage models (init_* records)

FT_CASHBOX = _model("ftCashBox", {"ftCashBoxId": GUID, "TimeStamp": LONG})

# ftQueue.Timeout carries [DefaultValue(1500)], but Newtonsoft ignores DefaultValue when reading
# (DefaultValueHandling.Include): a record without Timeout gets 0.
FT_QUEUE = _model(
    "ftQueue",
    {
        "ftQueueId": GUID,
        "ftCashBoxId": GUID,
        "ftCurrentRow": LONG,
        "ftQueuedRow": LONG,
        "ftReceiptNumerator": LONG,
        "ftReceiptTotalizer": DECIMAL,
        "ftReceiptHash": STRING,
        "StartMoment": DATETIME_N,
        "StopMoment": DATETIME_N,
        "CountryCode": STRING,
        "Timeout": INT,
        "TimeStamp": LONG,
    },
)

FT_QUEUE_AT = _model(
    "ftQueueAT",
    {
        "ftQueueATId": GUID,
        "CashBoxIdentification": STRING,
        "EncryptionKeyBase64": STRING,
        "SignAll": BOOL,
        "ClosedSystemKind": STRING,
        "ClosedSystemValue": STRING,
        "ClosedSystemNote": STRING,
        "LastSettlementMonth": INT,
        "LastSettlementMoment": DATETIME_N,
        "LastSettlementQueueItemId": GUID_N,
        "SSCDFailCount": INT,
        "SSCDFailMoment": DATETIME_N,
        "SSCDFailQueueItemId": GUID_N,
        "SSCDFailMessageSent": DATETIME_N,
        "UsedFailedCount": INT,
        "UsedFailedMomentMin": DATETIME_N,
        "UsedFailedMomentMax": DATETIME_N,
        "UsedFailedQueueItemId": GUID_N,
        "UsedMobileCount": INT,
        "UsedMobileMoment": DATETIME_N,
        "UsedMobileQueueItemId": GUID_N,
        "MessageCount": INT,
        "MessageMoment": DATETIME_N,
        "LastSignatureHash": STRING,
        "LastSignatureZDA": STRING,
        "LastSignatureCertificateSerialNumber": STRING,
        "ftCashNumerator": LONG,
        "ftCashTotalizer": DECIMAL,
        "TimeStamp": LONG,  # QueueLocalization base class
    },
)

FT_QUEUE_DE = _model(
    "ftQueueDE",
    {
        "ftQueueDEId": GUID,
        "ftSignaturCreationUnitDEId": GUID_N,
        "LastHash": STRING,
        "CashBoxIdentification": STRING,
        "SSCDFailCount": INT,
        "SSCDFailMoment": DATETIME_N,
        "SSCDFailQueueItemId": GUID_N,
        "UsedFailedCount": INT,
        "UsedFailedMomentMin": DATETIME_N,
        "UsedFailedMomentMax": DATETIME_N,
        "UsedFailedQueueItemId": GUID_N,
        "DailyClosingNumber": INT,
        "TimeStamp": LONG,
    },
)


def _fr_fields():
    """ftQueueFR.cs, region by region (Ticket, Payment Prove, Invoice, Function, Bill, Log, Archive...)."""
    ci = ["Normal", "Reduced1", "Reduced2", "ReducedS", "Zero", "Unknown"]
    pi = ["Cash", "NonCash", "Internal", "Unknown"]
    fields = {"ftQueueFRId": GUID, "ftSignaturCreationUnitFRId": GUID, "Siret": STRING, "CashBoxIdentification": STRING}

    def totals(prefix, with_ci=True):
        if with_ci:
            fields.update({f"{prefix}CITotal{c}": DECIMAL for c in ci})
        fields.update({f"{prefix}PITotal{p}": DECIMAL for p in pi})

    for block in ("T", "P", "I"):
        fields.update({f"{block}Numerator": LONG, f"{block}Totalizer": DECIMAL})
        totals(block, with_ci=block != "P")
        fields[f"{block}LastHash"] = STRING
    fields.update({"GNumerator": LONG, "GLastHash": STRING})
    for period in ("Shift", "Day", "Month", "Year"):
        fields[f"G{period}Totalizer"] = DECIMAL
        totals(f"G{period}")
        fields.update({f"GLast{period}Moment": DATETIME_N, f"GLast{period}QueueItemId": GUID_N})
    fields.update({"BNumerator": LONG, "BTotalizer": DECIMAL})
    totals("B")
    fields["BLastHash"] = STRING
    fields.update({"LNumerator": LONG, "LLastHash": STRING})
    fields.update({"ANumerator": LONG, "ALastHash": STRING, "ATotalizer": DECIMAL})
    totals("A")
    fields.update({"ALastMoment": DATETIME_N, "ALastQueueItemId": GUID_N})
    for block in ("X", "C"):
        fields.update({f"{block}Numerator": LONG, f"{block}Totalizer": DECIMAL, f"{block}LastHash": STRING})
    fields.update(
        {
            "UsedFailedCount": INT,
            "UsedFailedMomentMin": DATETIME_N,
            "UsedFailedMomentMax": DATETIME_N,
            "UsedFailedQueueItemId": GUID_N,
            "MessageCount": INT,
            "MessageMoment": DATETIME_N,
            "TimeStamp": LONG,
        }
    )
    return fields


FT_QUEUE_FR = _model("ftQueueFR", _fr_fields())

# ftQueueIT has two get-only aliases (ftQueueId, ftSignaturCreationUnitId): values for them are dropped.
FT_QUEUE_IT = _model(
    "ftQueueIT",
    {
        "ftQueueITId": GUID,
        "ftSignaturCreationUnitITId": GUID_N,
        "LastHash": STRING,
        "CashBoxIdentification": STRING,
        "SSCDFailCount": INT,
        "SSCDFailMoment": DATETIME_N,
        "SSCDFailQueueItemId": GUID_N,
        "UsedFailedCount": INT,
        "UsedFailedMomentMin": DATETIME_N,
        "UsedFailedMomentMax": DATETIME_N,
        "UsedFailedQueueItemId": GUID_N,
        "TimeStamp": LONG,
        "ftQueueId": GUID,
        "ftSignaturCreationUnitId": GUID_N,
    },
    readonly=("ftQueueId", "ftSignaturCreationUnitId"),
)

SCU_AT = _model(
    "ftSignaturCreationUnitAT",
    {
        "ftSignaturCreationUnitATId": GUID,
        "Url": STRING,
        "ZDA": STRING,
        "SN": STRING,
        "CertificateBase64": STRING,
        "Mode": INT,
        "TimeStamp": LONG,
    },
)
SCU_DE = _model(
    "ftSignaturCreationUnitDE",
    {
        "ftSignaturCreationUnitDEId": GUID,
        "Url": STRING,
        "TimeStamp": LONG,
        "TseInfoJson": STRING,
        "Mode": INT,
        "ModeConfigurationJson": STRING,
    },
)
SCU_FR = _model(
    "ftSignaturCreationUnitFR",
    {
        "ftSignaturCreationUnitFRId": GUID,
        "Siret": STRING,
        "PrivateKey": STRING,
        "CertificateBase64": STRING,
        "CertificateSerialNumber": STRING,
        "TimeStamp": LONG,
    },
)
SCU_IT = _model(
    "ftSignaturCreationUnitIT", {"ftSignaturCreationUnitITId": GUID, "TimeStamp": LONG, "Url": STRING, "InfoJson": STRING}
)

# ------------------------------------------------------------------ master data

ACCOUNT = _model(
    "AccountMasterData",
    {
        "AccountId": GUID,
        "AccountName": STRING,
        "Street": STRING,
        "Zip": STRING,
        "City": STRING,
        "Country": STRING,
        "TaxId": STRING,
        "VatId": STRING,
    },
    "MasterData/AccountMasterData",
)
OUTLET = _model(
    "OutletMasterData",
    {
        "OutletId": GUID,
        "OutletName": STRING,
        "Street": STRING,
        "Zip": STRING,
        "City": STRING,
        "Country": STRING,
        "VatId": STRING,
        "LocationId": STRING,
    },
    "MasterData/OutletMasterData",
)
AGENCY = _model(
    "AgencyMasterData",
    {
        "AgencyId": GUID,
        "Name": STRING,
        "Street": STRING,
        "Zip": STRING,
        "City": STRING,
        "Country": STRING,
        "TaxId": STRING,
        "VatId": STRING,
    },
    "MasterData/AgencyMasterData",
)
POS_SYSTEM = _model(
    "PosSystemMasterData",
    {
        "PosSystemId": GUID,
        "Brand": STRING,
        "Model": STRING,
        "SoftwareVersion": STRING,
        "BaseCurrency": STRING,
        "Type": STRING,
    },
    "MasterData/PosSystemMasterData",
)
MASTER_DATA = _model(
    "MasterDataConfiguration",
    {
        "Account": record(ACCOUNT),
        "Outlet": record(OUTLET),
        "Agencies": list_of(record(AGENCY), "IEnumerable<AgencyMasterData>"),
        "PosSystems": list_of(record(POS_SYSTEM), "IEnumerable<PosSystemMasterData>"),
    },
    "MasterData/MasterDataConfiguration",
)

# ------------------------------------------------------------------ what BaseStorageBootStrapper reads

# key -> (type, record model); every value is `config[key].ToString()` re-parsed with
# JsonConvert.DeserializeObject<T>, so it may be JSON or a JSON-encoded string of it.
INIT_KEYS = {
    "init_ftQueue": list_of(record(FT_QUEUE)),
    "init_ftQueueAT": list_of(record(FT_QUEUE_AT)),
    "init_ftQueueDE": list_of(record(FT_QUEUE_DE)),
    "init_ftQueueFR": list_of(record(FT_QUEUE_FR)),
    "init_ftQueueIT": list_of(record(FT_QUEUE_IT)),
    "init_ftCashBox": record(FT_CASHBOX),
    "init_ftSignaturCreationUnitAT": list_of(record(SCU_AT)),
    "init_ftSignaturCreationUnitDE": list_of(record(SCU_DE)),
    "init_ftSignaturCreationUnitFR": list_of(record(SCU_FR)),
    "init_ftSignaturCreationUnitIT": list_of(record(SCU_IT)),
    "init_masterData": record(MASTER_DATA),
}
# Read by the bootstrapper for the other markets; no typed port here (their queues are other packages),
# but they are read keys, not unread ones.
OTHER_INIT_KEYS = (
    "init_ftQueueBE",
    "init_ftQueueES",
    "init_ftQueueGR",
    "init_ftQueueME",
    "init_ftSignaturCreationUnitBE",
    "init_ftSignaturCreationUnitES",
    "init_ftSignaturCreationUnitGR",
    "init_ftSignaturCreationUnitME",
)

# CountryCode -> (queue record key, its id field, SCU record key, the queue's SCU reference field)
COUNTRY_RECORDS = {
    "AT": ("init_ftQueueAT", "ftQueueATId", "init_ftSignaturCreationUnitAT", None),
    "DE": ("init_ftQueueDE", "ftQueueDEId", "init_ftSignaturCreationUnitDE", "ftSignaturCreationUnitDEId"),
    "FR": ("init_ftQueueFR", "ftQueueFRId", "init_ftSignaturCreationUnitFR", "ftSignaturCreationUnitFRId"),
    "IT": ("init_ftQueueIT", "ftQueueITId", "init_ftSignaturCreationUnitIT", "ftSignaturCreationUnitITId"),
}
SCU_ID_FIELD = {
    "init_ftSignaturCreationUnitAT": "ftSignaturCreationUnitATId",
    "init_ftSignaturCreationUnitDE": "ftSignaturCreationUnitDEId",
    "init_ftSignaturCreationUnitFR": "ftSignaturCreationUnitFRId",
    "init_ftSignaturCreationUnitIT": "ftSignaturCreationUnitITId",
}
