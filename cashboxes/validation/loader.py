"""Loading what to validate: `load(scope)` reads a CashBox, an outlet, an operator or the
operators a dealer looks after into a snapshot of plain data, in a fixed number of queries
whatever the size. It holds the names of the secrets that are set, never their values.
"""

import uuid
from dataclasses import dataclass
from functools import cache

from cashboxes import catalog
from cashboxes.choices import ComponentState, LinkMode

# Components in this state no longer sign: the client counts and most rules leave them out.
RETIRED = ComponentState.OUT_OF_OPERATION


def _secret_names(token):
    """The names of the secrets that are set, or None when they cannot be decrypted."""
    from portal import crypto

    try:
        return sorted(crypto.decrypt_json(token))
    except ValueError:
        return None


@cache
def _catalog_secret_names():
    names = set()
    for country in catalog.COUNTRIES.values():
        for option in country.signing_options:
            names |= option.secret_names
        for package in country.queue_packages:
            names |= {p.name for p in package.parameters if p.secret}
        names |= {p.name for p in country.queue_parameters if p.secret}
    return frozenset(names)


def _component_rows(queryset, *extra):
    secret_names = _catalog_secret_names()
    rows = []
    fields = ("id", "operator_id", "outlet_id", "cashbox_id", "description", "package", "version", "urls", "parameters")
    for row in queryset.order_by().values(*fields, "secrets_encrypted", "state", *extra):
        token = row.pop("secrets_encrypted")
        row["secrets"] = _secret_names(token) if token else []
        # Defensive: a secret that ended up among the plain parameters stays out of the snapshot.
        row["parameters"] = {k: v for k, v in (row["parameters"] or {}).items() if k not in secret_names}
        row["urls"] = list(row["urls"] or [])
        rows.append(_plain(row))
    return rows


def _plain(row):
    """UUIDs as text, dates as ISO text: a snapshot is JSON-serialisable."""
    for key, value in row.items():
        if isinstance(value, uuid.UUID):
            row[key] = str(value)
        elif hasattr(value, "isoformat"):
            row[key] = value.isoformat()
    return row


@dataclass(frozen=True)
class Operators:
    """What to validate for a dealer: every operator it looks after (an active link), and its
    own configuration when it is an operator too. An Organization alone stands for its own
    configuration only."""

    dealer: object  # portal.models.Organization

    @property
    def pk(self):
        return self.dealer.pk


def _scope(scope):
    """(type, label, operator filter, outlet id or None, focus CashBox id or None)."""
    from django.db.models import Q

    from cashboxes.models import CashBox, Outlet
    from portal.choices import LinkStatus
    from portal.models import OperatorLink, Organization

    if isinstance(scope, CashBox):
        return "cashbox", scope.description, lambda f: Q(**{f: scope.operator_id}), scope.outlet_id, scope.pk
    if isinstance(scope, Outlet):
        return "outlet", str(scope), lambda f: Q(**{f: scope.operator_id}), scope.pk, None
    if isinstance(scope, Organization):
        return "operator", scope.name, lambda f: Q(**{f: scope.pk}), None, None
    if isinstance(scope, Operators):
        dealer = scope.dealer
        looked_after = OperatorLink.objects.filter(dealer_id=dealer.pk, status=LinkStatus.ACTIVE).values("operator_id")

        def operators(field):
            q = Q(**{f"{field}__in": looked_after})
            return q | Q(**{field: dealer.pk}) if dealer.is_pos_operator else q

        return "dealer", dealer.name, operators, None, None
    raise TypeError(f"Cannot validate a {type(scope).__name__}.")


def cashboxes_in(scope):
    """The CashBoxes whose configuration a validation of the scope reads (a queryset): a
    CashBox's whole outlet, like load()."""
    from cashboxes.models import CashBox

    _kind, _label, operators, outlet_id, _focus = _scope(scope)
    return CashBox.objects.filter(operators("operator_id"), **({"outlet_id": outlet_id} if outlet_id else {}))


def load(scope):
    """The snapshot of a CashBox, an outlet, an operator (Organization) or a dealer's operators
    (Operators), in a fixed number of queries.

    A CashBox brings its whole outlet (client limits, fair use and shared SCUs are about the
    outlet); its findings are then narrowed to those about the CashBox (`scope.cashbox`).
    """
    from django.db.models import Count, F, Q

    from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
    from portal.models import Organization

    kind, label, operators, outlet_id, focus = _scope(scope)
    in_outlet = Q(outlet_id=outlet_id) if outlet_id else Q()
    owned = operators("operator_id") & in_outlet

    snapshot = {
        "scope": {"type": kind, "id": str(scope.pk), "label": label, "cashbox": str(focus) if focus else None},
        "operators": [_plain(row) for row in Organization.objects.filter(operators("id")).order_by().values("id", "name")],
        "outlets": [
            _plain(row)
            for row in Outlet.objects.filter(operators("operator_id") & (Q(pk=outlet_id) if outlet_id else Q()))
            .order_by()
            .values("id", "operator_id", "number", "name", "country", "siret", "vat_id")
        ],
        "cashboxes": [
            _plain(row)
            for row in CashBox.objects.filter(owned)
            .order_by()
            .values(
                "id",
                "operator_id",
                "outlet_id",
                "description",
                "hostname",
                "platform",
                "machine_role",
                "revision",
                published_revision=F("published__revision"),
            )
        ],
        "queues": _component_rows(
            Queue.objects.filter(owned),
            "country",
            "cashbox_identification",
            "timeout_ms",
            "purchase_date",
            "commissioning_date",
            "start_moment",
            "stop_moment",
            "pos_system_id",
        ),
        # Whether a French SCU has its key pair and certificate: the fact only, never the key.
        "scus": _component_rows(
            Scu.objects.filter(owned).annotate(has_certificate=~Q(certificate="") & ~Q(private_key_encrypted="")),
            "signing_device_id",
            "has_certificate",
        ),
        "helpers": _component_rows(Helper.objects.filter(owned)),
    }
    # Devices: the scope's, and (for an outlet) the cloud ones its SCUs use from other outlets.
    # `clients` and `scu_count` count over every outlet, so a shared cloud TSE is seen whole.
    devices = SigningDevice.objects.filter(operators("operator_id"))
    if outlet_id:
        devices = devices.filter(Q(outlet_id=outlet_id) | Q(pk__in=Scu.objects.filter(owned).values("signing_device_id")))
    active_link = Q(scus__queue_links__mode__in=[LinkMode.NORMAL, LinkMode.BACKUP]) & ~Q(scus__queue_links__queue__state=RETIRED)
    snapshot["signing_devices"] = [
        _plain(row)
        for row in devices.order_by()
        .annotate(
            clients=Count("scus__queue_links__queue", filter=active_link, distinct=True),
            scu_count=Count("scus", filter=~Q(scus__state=RETIRED), distinct=True),
        )
        .values(
            "id",
            "operator_id",
            "outlet_id",
            "kind",
            "vendor",
            "serial",
            "cloud_account",
            "max_clients",
            "bundle",
            "host_cashbox_id",
            "description",
            "clients",
            "scu_count",
        )
    ]
    # The same TSE (vendor and serial, or vendor and cloud account) configured for another
    # PosOperator: only the fact is loaded, nothing of the other operator.
    registered_elsewhere = set()
    for field in ("serial", "cloud_account"):
        keys = (
            SigningDevice.objects.exclude(**{field: ""})
            .filter(**{f"{field}__in": devices.values(field)})
            .order_by()
            .values("vendor", field)
            .annotate(operators=Count("operator_id", distinct=True))
            .filter(operators__gt=1)
            .values_list("vendor", field)
        )
        registered_elsewhere |= {(field, vendor, value) for vendor, value in keys}
    for device in snapshot["signing_devices"]:
        device["registered_elsewhere"] = any(
            (field, device["vendor"], device[field]) in registered_elsewhere for field in ("serial", "cloud_account")
        )
    links = QueueScuLink.objects.filter(operators("operator_id"))
    if outlet_id:
        links = links.filter(Q(queue__outlet_id=outlet_id) | Q(scu__outlet_id=outlet_id))
    snapshot["links"] = [
        _plain(row)
        for row in links.order_by().values(
            "id",
            "operator_id",
            "queue_id",
            "scu_id",
            "mode",
            "timeout_s",
            queue_outlet_id=F("queue__outlet_id"),
            scu_outlet_id=F("scu__outlet_id"),
        )
    ]
    terminals = Terminal.objects.filter(operators("operator_id"))
    if outlet_id:
        terminals = terminals.filter(queue__outlet_id=outlet_id)
    snapshot["terminals"] = [_plain(row) for row in terminals.order_by().values("id", "queue_id", "name", "terminal_id")]
    return snapshot
