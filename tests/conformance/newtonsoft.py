"""A port of how Newtonsoft.Json 12.0.3 converts JSON values into typed .NET properties.

Ported from JsonReader.cs (ReadAsInt32/ReadAsBoolean/ReadAsDecimal/ReadAsDateTime/ReadAsString),
JsonTextReader.cs (ParseReadNumber) and JsonSerializerInternalReader.cs (EnsureType,
CoerceEmptyStringToNull, property matching): see sources.NEWTONSOFT. Summary of what throws:

- null for a non-nullable value type (bool, int, long, Guid, DateTime, decimal, enum).
- int (ReadAsInt32): a float literal, a boolean, an out-of-range number, a non-integer string.
- long/uint (Read + Convert.ChangeType): a non-integer string, out of range. Floats are rounded and
  booleans become 1/0 (Convert.ToInt64(bool)), so those pass, as they do in .NET.
- bool (ReadAsBoolean): a string other than true/false (any case); numbers pass (non-zero = true).
- Guid: anything but a string `new Guid(string)` parses; "" only for Guid?.
- DateTime: a number or boolean, or a string no date parser accepts; "" only for DateTime?.
- string (ReadAsString): an object or array (numbers and booleans are turned into text).
- An empty string is null for nullable types (CoerceEmptyStringToNull) and an error otherwise.

Property names match exactly first, then case-insensitively; unknown properties are ignored.
"""

from dataclasses import dataclass, field, replace

from .core import join
from .dotnet import (
    INT32,
    INT64,
    UINT32,
    bool_try_parse,
    datetime_parses,
    decimal_try_parse,
    int_try_parse,
    parse_guid,
)
from .sources import N_INTERNAL_READER


@dataclass(frozen=True)
class NetType:
    """A .NET type as far as deserialization cares."""

    name: str
    kind: str
    nullable: bool = False
    names: tuple = ()  # enum member names
    item: "NetType | None" = None  # element type of a list
    model: "Model | None" = None  # properties of a class


@dataclass(frozen=True)
class Model:
    """A .NET class: property name -> type, the file it comes from, getter-only properties."""

    name: str
    fields: dict
    source: str
    readonly: tuple = ()
    ignore_null_values: bool = False  # NullValueHandling.Ignore in the JsonSerializerSettings

    def match(self, key):
        """Newtonsoft's GetClosestMatchProperty: exact name first, then OrdinalIgnoreCase."""
        if key in self.fields:
            return key
        lowered = key.lower()
        for name in self.fields:
            if name.lower() == lowered:
                return name
        return None


def nullable(t):
    return replace(t, nullable=True, name=f"{t.name}?")


STRING = NetType("string", "string", nullable=True)
BOOL = NetType("bool", "bool")
INT = NetType("int", "int32")
LONG = NetType("long", "int64")
UINT = NetType("uint", "uint32")
DECIMAL = NetType("decimal", "decimal")
GUID = NetType("Guid", "guid")
DATETIME = NetType("DateTime", "datetime")
OBJECT_DICT = NetType("Dictionary<string, object>", "dict", nullable=True)
BOOL_DICT = NetType("Dictionary<string, bool>", "bool_dict", nullable=True)


def enum(name, *names):
    return NetType(name, "enum", names=names)


def list_of(item, name=None):
    return NetType(name or f"List<{item.name}>", "list", nullable=True, item=item)


def record(model):
    return NetType(model.name, "record", nullable=True, model=model)


STRING_ARRAY = list_of(STRING, "string[]")


@dataclass
class Sink:
    """Where `validate` reports: type errors (Newtonsoft throws) and unread properties (dropped)."""

    errors: list = field(default_factory=list)  # (path, message)
    unread: list = field(default_factory=list)  # (path, message)


def _describe(value):
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}..."'
    if value is None:
        return "{null}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return str(value)


def _token(value):
    if isinstance(value, dict):
        return "StartObject"
    if isinstance(value, list):
        return "StartArray"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    return "String"


def conversion_error(value, t):
    """Why Newtonsoft cannot put `value` into a property of type `t`, or None when it can.

    Records and lists are handled by `validate`; this covers scalar properties.
    """
    if value is None:
        return None if t.nullable else f"Error converting value {{null}} to type '{t.name}'"
    kind = t.kind
    bad = f"Error converting value {_describe(value)} to type '{t.name}'"
    if isinstance(value, str) and value == "" and kind not in ("string", "dict", "bool_dict"):
        # CoerceEmptyStringToNull for Nullable<T>; ReadAsInt32/Boolean/Decimal/DateTime return null too.
        return None if t.nullable else f"Error converting value \"\" to type '{t.name}' (empty string is null)"
    if kind == "string":
        return None if not isinstance(value, (dict, list)) else f"Error reading string. Unexpected token: {_token(value)}"
    if kind == "bool":
        if isinstance(value, (bool, int, float)):
            return None
        if isinstance(value, str):
            return None if bool_try_parse(value) is not None else f"Could not convert string to boolean: {value}"
        return f"Error reading boolean. Unexpected token: {_token(value)}"
    if kind == "int32":
        if isinstance(value, bool):
            return "Unexpected character encountered while parsing value: t/f (a boolean is not an Int32)"
        if isinstance(value, int):
            return None if INT32[0] <= value <= INT32[1] else f"JSON integer {value} is too large or small for an Int32"
        if isinstance(value, float):
            return f"Input string '{value}' is not a valid integer"
        if isinstance(value, str):
            return None if int_try_parse(value, INT32) is not None else f"Could not convert string to integer: {value}"
        return f"Error reading integer. Unexpected token: {_token(value)}"
    if kind in ("int64", "uint32"):
        bounds = INT64 if kind == "int64" else UINT32
        if isinstance(value, bool):
            return None  # Convert.ChangeType(true, typeof(long)) == 1
        if isinstance(value, (int, float)):
            return None if bounds[0] <= round(value) <= bounds[1] else f"{bad} (overflow)"
        if isinstance(value, str):
            return None if int_try_parse(value, bounds) is not None else bad
        return bad
    if kind == "decimal":
        if isinstance(value, (bool, dict, list)):
            return f"Error reading decimal. Unexpected token: {_token(value)}"
        if isinstance(value, (int, float)):
            return None if abs(value) < 7.9e28 else f"Could not convert to decimal: {value}"
        return None if decimal_try_parse(value) else f"Could not convert string to decimal: {value}"
    if kind == "guid":
        if not isinstance(value, str):
            return f"{bad} (a Guid must be a string)"
        try:
            parse_guid(value)
        except ValueError:
            return f"{bad} (not a GUID)"
        return None
    if kind == "datetime":
        if not isinstance(value, str):
            return f"Error reading date. Unexpected token: {_token(value)}"
        return None if datetime_parses(value) else f"Could not convert string to DateTime: {value}"
    if kind == "enum":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return bad
        if isinstance(value, int):
            return None  # Enum.ToObject accepts any integer
        names = [n.strip().lower() for n in value.split(",")]
        if all(n in {m.lower() for m in t.names} for n in names) or int_try_parse(value, INT32) is not None:
            return None
        return f"Requested value '{value}' was not found in {t.name} ({', '.join(t.names)})"
    if kind == "dict":
        return None if isinstance(value, dict) else f"{bad} (expected a JSON object)"
    if kind == "bool_dict":
        if not isinstance(value, dict):
            return f"{bad} (expected a JSON object)"
        for key, item in value.items():
            error = conversion_error(item, BOOL)
            if error:
                return f"{key}: {error}"
        return None
    raise AssertionError(f"unknown kind {kind}")


def validate(value, t, path, sink):
    """Walk `value` as Newtonsoft would deserialize it into `t`; report into `sink`."""
    if t.kind == "list":
        if value is None:
            return
        if not isinstance(value, list):
            sink.errors.append((path, f"Cannot deserialize {_describe(value)} into '{t.name}': a JSON array is required"))
            return
        for index, item in enumerate(value):
            if item is None and t.item.kind == "record":
                sink.errors.append(
                    (join(path, index), "a null entry: the code that iterates the list throws NullReferenceException")
                )
                continue
            validate(item, t.item, join(path, index), sink)
        return
    if t.kind == "record":
        if value is None:
            return
        if not isinstance(value, dict):
            sink.errors.append((path, f"Cannot deserialize {_describe(value)} into '{t.name}': a JSON object is required"))
            return
        model = t.model
        for key, item in value.items():
            where = join(path, key)
            name = model.match(key)
            if name is None:
                sink.unread.append((where, f"{model.name} has no property '{key}': Newtonsoft drops it ({model.source})"))
                continue
            if name in model.readonly:
                sink.unread.append((where, f"{model.name}.{name} is get-only: the value is read and dropped"))
                continue
            if item is None and model.ignore_null_values:
                continue
            validate(item, model.fields[name], where, sink)
        return
    error = conversion_error(value, t)
    if error:
        sink.errors.append((path, error))


SOURCE = N_INTERNAL_READER
