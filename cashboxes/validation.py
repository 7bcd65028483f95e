"""Validation of a configuration: coded rules over a loaded snapshot (issue 5, brief sections 2 and 4).

The write rules (cashboxes.rules, the models' clean()) keep each saved object sound. What they
cannot see is checked here: rules across objects (client limits, fair use, URLs between machines),
country rules, states that became wrong after a later change (a platform, a host name, a SIRET,
the catalog), and advice (warnings and infos).

- `load(scope)` reads a CashBox, an outlet, an operator or all operators a dealer actively looks
  after into a snapshot of plain data, in a fixed number of queries whatever the size. It holds
  the names of the secrets that are set, never their values.
- The rules are pure functions of a snapshot, registered in RULES with a code, a severity and a
  country (None: all). Each yields findings about one object; messages and hints are rendered in
  the active language.
- `validate(scope)` = load + `validate_snapshot(snapshot)`: `{"findings": [...], "summary": {...}}`.
- `has_errors(cashbox)`: a package cannot be built while it is True.

Callers apply the tenancy gate before (a user validates what they may see); a dealer's scope is
the operators with an active link to it, so another dealer's operators are never loaded.
"""

import contextlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cashboxes import catalog, configuration, rules
from cashboxes.choices import ComponentState, DeviceKind, LinkMode, MachineRole, Platform
from scenarios.advisor import (
    FAIR_USE_DEVICES,
    FAIR_USE_QUEUES,
    SIGNATURES_PER_RECEIPT,
    TSE_SIGNATURES_PER_SECOND,
    number,
)

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
_RANK = {ERROR: 0, WARNING: 1, INFO: 2}
RETIRED = ComponentState.OUT_OF_OPERATION
# A URL with one of these hosts (or a named pipe) is reachable from its own machine only.
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
EPSON_RT_SERVER = "fiskaltrust.Middleware.SCU.IT.EpsonRTServer"
FCC_DEFAULT_PORT = 20001
# An assumption for DE-TSE-THROUGHPUT: a busy till at its peak makes a receipt every 10 seconds.
BUSY_TILL_RECEIPTS_PER_MINUTE = 6
TSE_RECEIPTS_PER_MINUTE = TSE_SIGNATURES_PER_SECOND * 60 / SIGNATURES_PER_RECEIPT


# ------------------------------------------------------------------ the registry


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    country: str | None  # None: every country
    title: str  # what the rule checks, for a legend (lazy translation)
    check: object  # estate -> iterable of findings (without code and severity)

    def as_dict(self):
        return {"code": self.code, "severity": self.severity, "country": self.country, "title": str(self.title)}


RULES = []


def rule(code, severity, country=None, title=""):
    def register(function):
        RULES.append(Rule(code, severity, country, title, function))
        return function

    return register


def describe_rules():
    """The rules as plain data (code, severity, country, title), for a legend or the docs."""
    return [item.as_dict() for item in RULES]


# ------------------------------------------------------------------ loading


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
        ),
        "scus": _component_rows(Scu.objects.filter(owned), "signing_device_id"),
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


# ------------------------------------------------------------------ the estate: a snapshot with indexes


def _by_id(rows):
    return {row["id"]: row for row in rows or ()}


@cache
def _option_for_package(package):
    return catalog.signing_option_for_package(package)[1]


def _platform_label(platform):
    return str(Platform(platform).label) if platform in Platform.values else platform


def _is_local(host):
    return not host or host.strip("[]") in configuration.LOCAL_HOSTS


class Estate:
    """A snapshot with the indexes the rules share, built once (pure, no queries)."""

    def __init__(self, snapshot):
        self.scope = snapshot.get("scope") or {}
        self.focus = self.scope.get("cashbox")
        self.operators = _by_id(snapshot.get("operators"))
        self.outlets = _by_id(snapshot.get("outlets"))
        self.cashboxes = _by_id(snapshot.get("cashboxes"))
        self.queues = _by_id(snapshot.get("queues"))
        self.scus = _by_id(snapshot.get("scus"))
        self.helpers = _by_id(snapshot.get("helpers"))
        self.devices = _by_id(snapshot.get("signing_devices"))
        self.links = list(snapshot.get("links") or ())
        self.terminals = list(snapshot.get("terminals") or ())

        self.queues_of_cashbox = defaultdict(list)
        self.active_queues_of_outlet = defaultdict(list)
        for queue in self.queues.values():
            self.queues_of_cashbox[queue["cashbox_id"]].append(queue)
            if queue["state"] != RETIRED:
                self.active_queues_of_outlet[queue["outlet_id"]].append(queue)
        self.scus_of_cashbox = defaultdict(list)
        self.scus_of_outlet = defaultdict(list)
        self.scus_of_device = defaultdict(list)
        for scu in self.scus.values():
            self.scus_of_cashbox[scu["cashbox_id"]].append(scu)
            self.scus_of_outlet[scu["outlet_id"]].append(scu)
            if scu["signing_device_id"]:
                self.scus_of_device[scu["signing_device_id"]].append(scu)
        self.helpers_of_cashbox = defaultdict(list)
        for helper in self.helpers.values():
            self.helpers_of_cashbox[helper["cashbox_id"]].append(helper)
        self.links_of_queue = defaultdict(list)
        for link in self.links:
            self.links_of_queue[link["queue_id"]].append(link)
        self.terminals_of_queue = defaultdict(list)
        for terminal in self.terminals:
            self.terminals_of_queue[terminal["queue_id"]].append(terminal)
        # Who signs with what: queues in operation (or to be) through links that are not deactivated.
        self.clients_of_scu = defaultdict(list)
        self.clients_of_device = defaultdict(set)
        for link in self.links:
            queue, scu = self.queues.get(link["queue_id"]), self.scus.get(link["scu_id"])
            if queue is None or scu is None or queue["state"] == RETIRED or link["mode"] == LinkMode.DEACTIVATED:
                continue
            self.clients_of_scu[scu["id"]].append(queue)
            if scu["signing_device_id"]:
                self.clients_of_device[scu["signing_device_id"]].add(queue["id"])
        self.countries = {o["country"] for o in self.outlets.values()} | {q["country"] for q in self.queues.values()}
        self._components, self._urls, self._sort = {}, {}, {}

    # ---------------------------------------------------------- lookups

    def country_of(self, item):
        outlet = self.outlets.get(item.get("outlet_id"))
        return outlet["country"] if outlet else item.get("country")

    def option(self, scu):
        return _option_for_package(scu["package"])

    def device_option(self, device):
        info = catalog.country(self.country_of(device))
        return info.signing_option(device["vendor"]) if info else None

    def device_kind(self, device):
        option = self.device_option(device)
        return option.kind if option else device.get("kind")

    def active_links(self, queue):
        return [link for link in self.links_of_queue[queue["id"]] if link["mode"] != LinkMode.DEACTIVATED]

    def active_queues(self, country=None):
        return [q for q in self.queues.values() if q["state"] != RETIRED and (country is None or q["country"] == country)]

    def active_scus(self, country=None):
        return [s for s in self.scus.values() if s["state"] != RETIRED and (country is None or self.country_of(s) == country)]

    def device_clients(self, device):
        """Queues signing with the device: those in the snapshot, or the loader's count over
        every outlet when that is more (a cloud TSE shared by outlets)."""
        return max(len(self.clients_of_device[device["id"]]), device.get("clients") or 0)

    def focus_cashboxes(self):
        """The CashBoxes per-machine rules look at: the scope's one, or all."""
        if self.focus:
            return [self.cashboxes[self.focus]] if self.focus in self.cashboxes else []
        return list(self.cashboxes.values())

    def components_of(self, cashbox_id):
        """[(kind, component)] of a CashBox: its queues, SCUs and helpers."""
        found = self._components.get(cashbox_id)
        if found is None:
            found = self._components[cashbox_id] = [
                *(("queue", q) for q in self.queues_of_cashbox[cashbox_id]),
                *(("scu", s) for s in self.scus_of_cashbox[cashbox_id]),
                *(("helper", h) for h in self.helpers_of_cashbox[cashbox_id]),
            ]
        return found

    # ---------------------------------------------------------- URLs (each parsed once per run)

    def parse(self, url):
        """(scheme, host, port, None) of a URL, or (None, None, None, the message) when it does not parse."""
        found = self._urls.get(url)
        if found is None:
            try:
                found = (*rules.parse_url(url), None)
            except ValueError as error:
                found = (None, None, None, str(error))
            self._urls[url] = found
        return found

    def ports(self, urls):
        """The ports the URLs listen on, sorted (named pipes have none)."""
        found = set()
        for url in urls:
            scheme, _host, port, _error = self.parse(url)
            if scheme and scheme != "net.pipe" and port:
                found.add(port)
        return sorted(found)

    def loopback_only(self, urls):
        """True when every URL listens on the machine itself (localhost, a named pipe)."""
        for url in urls:
            scheme, host, _port, _error = self.parse(url)
            if scheme != "net.pipe" and (host or "") not in LOOPBACK:
                return False
        return True

    # ---------------------------------------------------------- labels and findings

    def label(self, kind, item):
        if kind == "queue":
            return item["cashbox_identification"]
        if kind in ("scu", "helper"):
            return item["description"] or item["package"].rsplit(".", 1)[-1]
        if kind == "cashbox":
            return item["description"]
        if kind == "outlet":
            return f"{item['number']} {item['name']}"
        if kind == "signing_device":
            return item["description"] or f"{item['vendor']} {item['serial'] or item['cloud_account']}".strip()
        if kind == "terminal":
            return f"{item['name']} ({item['terminal_id']})"
        return str(item.get("id"))

    def machine(self, cashbox_id):
        cashbox = self.cashboxes.get(cashbox_id)
        return cashbox["description"] if cashbox else "?"

    def _machine_of(self, kind, item):
        if kind == "cashbox":
            return item["id"]
        if kind == "signing_device":
            return item.get("host_cashbox_id")
        if kind == "terminal":
            queue = self.queues.get(item["queue_id"])
            return queue["cashbox_id"] if queue else None
        return item.get("cashbox_id")

    def _outlet_of(self, kind, item):
        if kind == "outlet":
            return item["id"]
        if kind == "terminal":
            queue = self.queues.get(item["queue_id"])
            return queue["outlet_id"] if queue else None
        return item.get("outlet_id")

    def about(self, kind, item, message, hint, related=()):
        """A finding about one object; `related`: other CashBoxes it concerns (for a CashBox's report)."""
        machine = self._machine_of(kind, item)
        concerned = {c for c in related if c}
        if machine:
            concerned.add(machine)
        return {
            "message": message,
            "hint": hint,
            "object": {"type": kind, "id": item["id"], "label": self.label(kind, item), "cashbox": machine},
            "_related": concerned,
            "_outlet": self._outlet_of(kind, item),
        }

    def sort_key(self, finding):
        """Operator, outlet, machine (outlet-wide findings first), severity, code, object."""
        place = (finding["_outlet"], finding["object"]["cashbox"])
        prefix = self._sort.get(place)
        if prefix is None:
            outlet = self.outlets.get(place[0]) or {}
            operator = self.operators.get(outlet.get("operator_id")) or {}
            machine = self.cashboxes.get(place[1])
            prefix = self._sort[place] = (
                operator.get("name") or "",
                outlet.get("number") if outlet.get("number") is not None else -1,
                outlet.get("id") or "",
                machine is not None,
                machine["description"] if machine else "",
                machine["id"] if machine else "",
            )
        return (*prefix, _RANK[finding["severity"]], finding["code"], finding["object"]["label"], finding["object"]["id"])


def _names(items, kind, estate, limit=5):
    labels = sorted(estate.label(kind, item) for item in items)
    text = ", ".join(labels[:limit])
    return text + (f", … (+{len(labels) - limit})" if len(labels) > limit else "")


# ------------------------------------------------------------------ rules: all countries


@rule("QUEUE-WITHOUT-SCU", ERROR, title=gettext_lazy("Every queue in use has an SCU"))
def queue_without_scu(estate):
    for queue in estate.active_queues():
        if not estate.active_links(queue):
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has no SCU, so it cannot sign.") % {"queue": estate.label("queue", queue)},
                _("Link the queue to an SCU of its outlet."),
            )


@rule("LINK-OTHER-OUTLET", ERROR, title=gettext_lazy("A queue uses an SCU of its own outlet"))
def link_other_outlet(estate):
    for link in estate.links:
        if link["mode"] == LinkMode.DEACTIVATED or link["queue_outlet_id"] == link["scu_outlet_id"]:
            continue
        queue, scu = estate.queues.get(link["queue_id"]), estate.scus.get(link["scu_id"])
        country = queue["country"] if queue else (estate.country_of(scu) if scu else None)
        if country == "FR" or (queue is not None and queue["state"] == RETIRED):
            continue  # France: FR-SCU-PER-OUTLET says it in French terms
        hint = _("Link the queue to an SCU of its own outlet: queues, SCUs and TSEs work at one location.")
        if queue is None and scu is not None:  # the queue is outside the snapshot (an outlet's report)
            yield estate.about(
                "scu", scu, _("SCU %(scu)s is used by a queue of another outlet.") % {"scu": estate.label("scu", scu)}, hint
            )
        elif queue is not None:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s uses an SCU of another outlet%(scu)s.")
                % {"queue": estate.label("queue", queue), "scu": f" ({estate.label('scu', scu)})" if scu else ""},
                hint,
                related=[scu["cashbox_id"]] if scu else (),
            )


@rule("PORT-COLLISION", ERROR, title=gettext_lazy("No two components of a machine listen on one port"))
def port_collision(estate):
    for cashbox in estate.focus_cashboxes():
        owners = {}
        for kind, component in estate.components_of(cashbox["id"]):
            ports = [(port, False) for port in estate.ports(component["urls"])]
            option = estate.option(component) if kind == "scu" else None
            if option is not None and option.parameter("FccPort"):
                # The Fiskal Cloud Connector of the SCU listens on a port of the machine too.
                with contextlib.suppress(TypeError, ValueError):
                    ports.append((int(component["parameters"].get("FccPort") or FCC_DEFAULT_PORT), True))
            for port, fcc in ports:
                if port in owners:
                    yield estate.about(
                        kind,
                        component,
                        _("Port %(port)s is used by %(a)s and %(b)s on %(machine)s.")
                        % {
                            "port": port,
                            "a": _port_user(estate, *owners[port]),
                            "b": _port_user(estate, kind, component, fcc),
                            "machine": cashbox["description"],
                        },
                        _("Give each component its own port (a shared port needs useHttpSysBinding, Windows only)."),
                    )
                else:
                    owners[port] = (kind, component, fcc)


def _port_user(estate, kind, component, fcc):
    label = estate.label(kind, component)
    return _("%(scu)s (its Fiskal Cloud Connector)") % {"scu": label} if fcc else label


@rule("URL-SCHEME-PLATFORM", ERROR, title=gettext_lazy("URLs use a scheme the machine's system supports"))
def url_scheme_platform(estate):
    for cashbox in estate.focus_cashboxes():
        allowed = catalog.schemes_for(cashbox["platform"])
        for kind, component in estate.components_of(cashbox["id"]):
            for url in component["urls"]:
                scheme, _host, _port, error = estate.parse(url)
                if error:
                    yield estate.about(kind, component, error, _("Correct the URL on the component."))
                    continue
                if scheme not in allowed:
                    yield estate.about(
                        kind,
                        component,
                        _("%(url)s of %(component)s: %(scheme)s:// does not run on %(platform)s.")
                        % {
                            "url": url,
                            "component": estate.label(kind, component),
                            "scheme": scheme,
                            "platform": _platform_label(cashbox["platform"]),
                        },
                        _("Use one of %(allowed)s.") % {"allowed": ", ".join(f"{s}://" for s in allowed)},
                    )


def _package_of(estate, kind, component):
    """(the catalog's queue package or signing option, or None; the country's catalog entry, or
    None when the portal does not configure that country)."""
    info = catalog.country(estate.country_of(component) if kind != "queue" else component["country"])
    if info is None:
        return None, None
    if kind == "queue":
        return info.queue_package(component["package"]), info
    if kind == "scu":
        return info.option_for_package(component["package"]), info
    return None, info


@rule("PACKAGE-UNKNOWN", ERROR, title=gettext_lazy("Packages are in the catalog of the outlet's country"))
def package_unknown(estate):
    for cashbox in estate.focus_cashboxes():
        for kind, component in estate.components_of(cashbox["id"]):
            if kind == "helper":
                unknown = component["package"] not in catalog.all_helper_packages()
            else:
                known, info = _package_of(estate, kind, component)
                unknown = known is None and info is not None
            if unknown:
                yield estate.about(
                    kind,
                    component,
                    _("%(component)s uses %(package)s, which the portal does not configure here.")
                    % {"component": estate.label(kind, component), "package": component["package"]},
                    _("Replace it with a package of the catalog for this country."),
                )


@rule("PACKAGE-PLATFORM", ERROR, title=gettext_lazy("Packages run on the machine's operating system"))
def package_platform(estate):
    for cashbox in estate.focus_cashboxes():
        for kind, component in estate.components_of(cashbox["id"]):
            if kind == "helper":
                continue
            known, _info = _package_of(estate, kind, component)
            if known is None or (kind == "scu" and known.placement != catalog.COMPONENT):
                continue
            if cashbox["platform"] not in known.platforms:
                yield estate.about(
                    kind,
                    component,
                    _("%(package)s does not run on %(platform)s (%(machine)s).")
                    % {
                        "package": component["package"],
                        "platform": _platform_label(cashbox["platform"]),
                        "machine": cashbox["description"],
                    },
                    _("Run it on a machine with %(platforms)s.")
                    % {"platforms": ", ".join(_platform_label(p) for p in known.platforms)},
                )


@rule("PARAMETERS-REQUIRED", ERROR, title=gettext_lazy("Required package parameters are set"))
def parameters_required(estate):
    for cashbox in estate.focus_cashboxes():
        for kind, component in estate.components_of(cashbox["id"]):
            if kind == "helper" or component["state"] == RETIRED or component["secrets"] is None:
                continue
            known, info = _package_of(estate, kind, component)
            if known is None:
                continue
            definitions = known.parameters + (info.queue_parameters if kind == "queue" else ())
            missing = [
                p.name
                for p in definitions
                if p.required
                and (p.name not in component["secrets"] if p.secret else component["parameters"].get(p.name) in (None, ""))
            ]
            if missing:
                yield estate.about(
                    kind,
                    component,
                    _("%(component)s lacks required parameters: %(names)s.")
                    % {"component": estate.label(kind, component), "names": ", ".join(missing)},
                    _("Fill them in on the component."),
                )


@rule("SECRETS-UNREADABLE", ERROR, title=gettext_lazy("Secrets can be decrypted with the portal's key"))
def secrets_unreadable(estate):
    for cashbox in estate.focus_cashboxes():
        for kind, component in estate.components_of(cashbox["id"]):
            if component["secrets"] is None:
                yield estate.about(
                    kind,
                    component,
                    _("The secrets of %(component)s cannot be decrypted.") % {"component": estate.label(kind, component)},
                    _("Check SECRETS_ENCRYPTION_KEY (an old key must stay in the list), or enter the secrets again."),
                )


@rule("SCU-URL-UNREACHABLE", ERROR, title=gettext_lazy("Queues on other machines can reach their SCU"))
def scu_url_unreachable(estate):
    for scu in estate.scus.values():
        option = estate.option(scu)
        if option is not None and option.placement != catalog.COMPONENT:
            continue
        clients = estate.clients_of_scu[scu["id"]]
        if not clients:
            continue
        label = estate.label("scu", scu)
        if not scu["urls"]:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s has no URL its queues can call.") % {"scu": label},
                _("Give the SCU a URL, e.g. grpc://localhost:1401."),
                related=[q["cashbox_id"] for q in clients],
            )
            continue
        remote = [q for q in clients if q["cashbox_id"] != scu["cashbox_id"]]
        if not remote:
            continue
        host_box = estate.cashboxes.get(scu["cashbox_id"])
        queues = _names(remote, "queue", estate)
        if host_box is not None and _is_local(host_box["hostname"]):
            yield estate.about(
                "cashbox",
                host_box,
                ngettext(
                    "Queue %(queues)s on another machine uses SCU %(scu)s on %(machine)s, which has no address.",
                    "Queues %(queues)s on other machines use SCU %(scu)s on %(machine)s, which has no address.",
                    len(remote),
                )
                % {"queues": queues, "scu": label, "machine": host_box["description"]},
                _("Give this CashBox the host name or IP address other machines reach it by."),
                related=[q["cashbox_id"] for q in remote],
            )
        elif estate.loopback_only(scu["urls"]):
            port = next(iter(estate.ports(scu["urls"])), 1401)
            host = host_box["hostname"] if host_box else "host"
            yield estate.about(
                "scu",
                scu,
                ngettext(
                    "SCU %(scu)s listens on %(url)s only: queue %(queues)s on another machine cannot reach it.",
                    "SCU %(scu)s listens on %(url)s only: queues %(queues)s on other machines cannot reach it.",
                    len(remote),
                )
                % {"scu": label, "url": scu["urls"][0], "queues": queues},
                _("Let the SCU listen on its machine's address, e.g. grpc://%(host)s:%(port)s.") % {"host": host, "port": port},
                related=[q["cashbox_id"] for q in remote],
            )


@rule("TERMINALS-URL-UNREACHABLE", WARNING, title=gettext_lazy("Terminals can reach their queue"))
def terminals_url_unreachable(estate):
    for queue in estate.active_queues():
        terminals = estate.terminals_of_queue.get(queue["id"])
        if terminals and queue["urls"] and estate.loopback_only(queue["urls"]):
            yield estate.about(
                "queue",
                queue,
                ngettext(
                    "Queue %(queue)s listens on %(url)s only, but %(n)d terminal posts to it.",
                    "Queue %(queue)s listens on %(url)s only, but %(n)d terminals post to it.",
                    len(terminals),
                )
                % {"queue": estate.label("queue", queue), "url": queue["urls"][0], "n": len(terminals)},
                _("Let the queue listen on its machine's address, unless the terminals run on the same machine."),
            )


@rule("HARDWARE-DEVICE-MACHINE", ERROR, title=gettext_lazy("A USB/SD device is plugged into the machine of its SCU"))
def hardware_device_machine(estate):
    for device in estate.devices.values():
        host = device.get("host_cashbox_id")
        if not host or estate.device_kind(device) != DeviceKind.HARDWARE:
            continue
        for scu in estate.scus_of_device[device["id"]]:
            if scu["state"] != RETIRED and scu["cashbox_id"] != host:
                yield estate.about(
                    "signing_device",
                    device,
                    _("%(device)s is plugged into %(machine)s, but SCU %(scu)s runs on %(scu_machine)s.")
                    % {
                        "device": estate.label("signing_device", device),
                        "machine": estate.machine(host),
                        "scu": estate.label("scu", scu),
                        "scu_machine": estate.machine(scu["cashbox_id"]),
                    },
                    _("Run the SCU on the machine the device is plugged into, or correct where it is plugged in."),
                    related=[scu["cashbox_id"]],
                )


@rule("DEVICE-OTHER-OUTLET", ERROR, title=gettext_lazy("Only cloud devices may be outside the SCU's outlet"))
def device_other_outlet(estate):
    for scu in estate.active_scus():
        device = estate.devices.get(scu["signing_device_id"])
        if device and device["outlet_id"] != scu["outlet_id"] and estate.device_kind(device) != DeviceKind.CLOUD:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s drives %(device)s, which belongs to another outlet.")
                % {"scu": estate.label("scu", scu), "device": estate.label("signing_device", device)},
                _("Use a device of the SCU's own outlet; only the cloud part of a cloud TSE may be elsewhere."),
            )


@rule("SCU-DEVICE-VENDOR", ERROR, title=gettext_lazy("An SCU drives a device of its own kind"))
def scu_device_vendor(estate):
    for scu in estate.active_scus():
        device = estate.devices.get(scu["signing_device_id"])
        option = estate.option(scu)
        if device and option and device["vendor"] != option.id:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s (%(option)s) drives %(device)s, which is another kind of device.")
                % {"scu": estate.label("scu", scu), "option": option.label, "device": estate.label("signing_device", device)},
                _("Choose a signing device of the SCU's kind."),
            )


@rule("INIT-IDS", ERROR, title=gettext_lazy("The built configuration's init records carry the right ids"))
def init_ids(estate):
    """What configuration.build() needs to write the init_* records of brief 2.1 with the right
    ids: a queue of a country the portal configures (its init_ftQueueXX and
    init_ftSignaturCreationUnitXX kinds) and of its outlet's country. The ids themselves come
    from the objects (the other rules see to the SCU links and URLs); the tests build the
    configuration of every case and hold it to the invariants, so this check and build() agree.
    Checked on the snapshot rather than by building 10,000 configurations for a dealer."""
    hint = _("Rebuild the configuration; if this stays, report it to the portal's maintainers.")
    for cashbox in estate.focus_cashboxes():
        outlet = estate.outlets.get(cashbox["outlet_id"])
        for queue in estate.queues_of_cashbox.get(cashbox["id"], ()):
            info = catalog.country(queue["country"])
            label = estate.label("queue", queue)
            if info is None or not info.init_suffix:
                yield estate.about(
                    "queue",
                    queue,
                    _(
                        "The configuration of %(machine)s cannot be built: queue %(queue)s is of a country the portal does not configure (%(country)s)."
                    )
                    % {"machine": cashbox["description"], "queue": label, "country": queue["country"]},
                    hint,
                )
            elif outlet is not None and outlet["country"] != queue["country"]:
                yield estate.about(
                    "queue",
                    queue,
                    _(
                        "Queue %(queue)s is a %(queue_country)s queue in an outlet in %(country)s: its init records would be of the wrong country."
                    )
                    % {"queue": label, "queue_country": queue["country"], "country": outlet["country"]},
                    hint,
                )


@rule("NEEDS-REBUILD", INFO, title=gettext_lazy("The published configuration is the current one"))
def needs_rebuild(estate):
    # Translated once: after a rollout every CashBox of an estate has this finding.
    hint = _("Rebuild the configuration, then restart the middleware on that machine.")
    never = _("%(machine)s has never been published.")
    behind = _("%(machine)s has changes (revision %(revision)d) that are not published (revision %(published)d).")
    for cashbox in estate.focus_cashboxes():
        published = cashbox.get("published_revision")
        if not published:
            yield estate.about("cashbox", cashbox, never % {"machine": cashbox["description"]}, hint)
        elif published < cashbox["revision"]:
            values = {"machine": cashbox["description"], "revision": cashbox["revision"], "published": published}
            yield estate.about("cashbox", cashbox, behind % values, hint)


@rule("OUT-OF-OPERATION-LINKED", WARNING, title=gettext_lazy("Queues out of operation are no longer used"))
def out_of_operation_linked(estate):
    for queue in estate.queues.values():
        if queue["state"] != RETIRED:
            continue
        label = estate.label("queue", queue)
        scus = [estate.scus[link["scu_id"]] for link in estate.active_links(queue) if link["scu_id"] in estate.scus]
        if scus:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s is out of operation but still linked to SCU %(scus)s.")
                % {"queue": label, "scus": _names(scus, "scu", estate)},
                _("Deactivate or remove the link; a queue out of operation cannot be used again."),
            )
        terminals = estate.terminals_of_queue[queue["id"]]
        if terminals:
            yield estate.about(
                "queue",
                queue,
                ngettext(
                    "Terminal %(terminals)s still posts to queue %(queue)s, which is out of operation.",
                    "Terminals %(terminals)s still post to queue %(queue)s, which is out of operation.",
                    len(terminals),
                )
                % {"terminals": _names(terminals, "terminal", estate), "queue": label},
                _("Move the terminals to a queue in operation."),
            )


@rule("SCU-OUT-OF-OPERATION-IN-USE", ERROR, title=gettext_lazy("No queue signs with an SCU out of operation"))
def scu_out_of_operation_in_use(estate):
    for scu in estate.scus.values():
        clients = estate.clients_of_scu[scu["id"]]
        if scu["state"] == RETIRED and clients:
            yield estate.about(
                "scu",
                scu,
                ngettext(
                    "SCU %(scu)s is out of operation, but queue %(queues)s still signs with it.",
                    "SCU %(scu)s is out of operation, but queues %(queues)s still sign with it.",
                    len(clients),
                )
                % {"scu": estate.label("scu", scu), "queues": _names(clients, "queue", estate)},
                _("Link the queues to an SCU in operation (in Germany through the SCU switch)."),
                related=[q["cashbox_id"] for q in clients],
            )


@rule("SCU-UNUSED", INFO, title=gettext_lazy("Every SCU is used by a queue"))
def scu_unused(estate):
    for scu in estate.active_scus():
        if not estate.clients_of_scu[scu["id"]]:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s is not used by any queue.") % {"scu": estate.label("scu", scu)},
                _("Link a queue to it, or remove it if it is not needed."),
            )


@rule("CASHBOX-EMPTY", INFO, title=gettext_lazy("Every CashBox runs something"))
def cashbox_empty(estate):
    for cashbox in estate.focus_cashboxes():
        if not estate.components_of(cashbox["id"]):
            yield estate.about(
                "cashbox",
                cashbox,
                _("%(machine)s has no queue, SCU or helper: the middleware would run nothing.")
                % {"machine": cashbox["description"]},
                _("Add a queue or an SCU, or delete the CashBox."),
            )


# ------------------------------------------------------------------ rules: Germany


def _queue_one_scu(estate, country):
    info = catalog.country(country)
    for queue in estate.active_queues(country):
        links = estate.active_links(queue)
        label = estate.label("queue", queue)
        if len(links) > 1:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has %(n)d SCUs; in %(country)s a queue signs with exactly one.")
                % {"queue": label, "n": len(links), "country": info.name},
                _("Keep one SCU link; to change the TSE for good, use the SCU switch.")
                if country == "DE"
                else _("Keep one SCU link."),
            )
        elif any(link["mode"] != LinkMode.NORMAL for link in links):
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has a backup SCU; backup links exist only in Austria.") % {"queue": label},
                _("Make the link a normal one."),
            )


for _code in ("DE", "FR", "IT"):
    RULES.append(
        Rule(
            f"{_code}-QUEUE-ONE-SCU",
            ERROR,
            _code,
            gettext_lazy("A queue signs with exactly one SCU"),
            partial(_queue_one_scu, country=_code),
        )
    )


@rule("DE-SCU-ONE-TSE", ERROR, "DE", gettext_lazy("Each SCU serves exactly one TSE"))
def de_scu_one_tse(estate):
    for scu in estate.active_scus("DE"):
        label = estate.label("scu", scu)
        device = estate.devices.get(scu["signing_device_id"])
        if device is None:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s has no TSE.") % {"scu": label},
                _("Choose the TSE (signing device) this SCU drives."),
            )
            continue
        tss = str(scu["parameters"].get("TssId") or "")
        if tss and device["cloud_account"] and tss.lower() != device["cloud_account"].lower():
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s signs with the TSS %(tss)s, but its TSE is recorded with the cloud account %(account)s.")
                % {"scu": label, "tss": tss, "account": device["cloud_account"]},
                _("Make the SCU's TssId and the TSE's cloud account the same TSS."),
            )


def _limit(estate, device):
    """The client limit of a TSE: the stricter of the device's and the catalog's, or None."""
    option = estate.device_option(device)
    known = [device.get("max_clients")]
    if option is not None and option.limit_known:
        known.append(option.max_clients)
    known = [n for n in known if n is not None]
    return min(known) if known else None


def _is_fcc(option):
    return option is not None and option.parameter("FccId") is not None


def _de_devices(estate):
    return [d for d in estate.devices.values() if estate.country_of(d) == "DE"]


def _related_of_device(estate, device):
    related = set()
    for scu in estate.scus_of_device[device["id"]]:
        related.add(scu["cashbox_id"])
        related.update(q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]])
    return related


@rule("DE-TSE-CLIENT-LIMIT", ERROR, "DE", gettext_lazy("A TSE serves no more queues than its client limit"))
def de_tse_client_limit(estate):
    for device in _de_devices(estate):
        option = estate.device_option(device)
        if _is_fcc(option):
            continue  # DE-CLOUD-FCC-SINGLE-CLIENT
        limit, clients = _limit(estate, device), estate.device_clients(device)
        if limit is not None and clients > limit:
            yield estate.about(
                "signing_device",
                device,
                ngettext(
                    "%(device)s serves %(n)d queues; it takes at most %(max)d as client.",
                    "%(device)s serves %(n)d queues; it takes at most %(max)d as clients.",
                    limit,
                )
                % {"device": estate.label("signing_device", device), "n": clients, "max": limit},
                _("Add a TSE and move queues to it, or use a TSE with a higher limit."),
                related=_related_of_device(estate, device),
            )


@rule("DE-TSE-CLIENT-LIMIT-UNKNOWN", INFO, "DE", gettext_lazy("TSEs with an unpublished client limit"))
def de_tse_client_limit_unknown(estate):
    for device in _de_devices(estate):
        option = estate.device_option(device)
        clients = estate.device_clients(device)
        if option is not None and not option.limit_known and device.get("max_clients") is None and clients > 1:
            yield estate.about(
                "signing_device",
                device,
                _("The client limit of %(option)s is not published; %(device)s serves %(n)d queues.")
                % {"option": option.label, "device": estate.label("signing_device", device), "n": clients},
                _("Ask the vendor whether one TSE takes that many clients, then enter the limit on the device."),
                related=_related_of_device(estate, device),
            )


@rule("DE-CLOUD-FCC-SINGLE-CLIENT", ERROR, "DE", gettext_lazy("A TSE behind the Fiskal Cloud Connector has one client"))
def de_cloud_fcc_single_client(estate):
    seen = set()
    for scu in estate.active_scus("DE"):
        option = estate.option(scu)
        if not _is_fcc(option):
            continue
        device = estate.devices.get(scu["signing_device_id"])
        if device is not None:
            if device["id"] in seen:
                continue
            seen.add(device["id"])
            clients = estate.device_clients(device)
            target, kind, related = device, "signing_device", _related_of_device(estate, device)
        else:
            clients = len(estate.clients_of_scu[scu["id"]])
            target, kind, related = scu, "scu", [q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]]]
        if clients > 1:
            yield estate.about(
                kind,
                target,
                _("%(name)s (%(option)s) serves %(n)d queues; a TSE behind the Fiskal Cloud Connector takes one client.")
                % {"name": estate.label(kind, target), "option": option.label, "n": clients},
                _("Give each queue its own SCU with its own cloud TSE."),
                related=related,
            )


@rule("DE-CLOUD-FCC-SETUP", INFO, "DE", gettext_lazy("Checklist for the Fiskal Cloud Connector"))
def de_cloud_fcc_setup(estate):
    for scu in estate.active_scus("DE"):
        option = estate.option(scu)
        if not _is_fcc(option):
            continue
        cashbox = estate.cashboxes.get(scu["cashbox_id"])
        linux = cashbox is not None and cashbox["platform"] == Platform.LINUX
        yield estate.about(
            "scu",
            scu,
            (
                _("SCU %(scu)s installs the Fiskal Cloud Connector (Java) on %(machine)s; on Linux it runs on Ubuntu 20.04 only.")
                if linux
                else _("SCU %(scu)s installs the Fiskal Cloud Connector (Java) on %(machine)s.")
            )
            % {"scu": estate.label("scu", scu), "machine": estate.machine(scu["cashbox_id"])},
            _(
                "Before going live: install with admin rights (firewall exception) or set DontAddFccFirewallException, "
                "and test a TAR export (large exports fail with TOO_MANY_RECORDS)."
            ),
        )


@rule("DE-TSE-ONE-SCU", ERROR, "DE", gettext_lazy("Only a fiskaly cloud TSS is shared by several SCUs"))
def de_tse_one_scu(estate):
    for device in _de_devices(estate):
        option = estate.device_option(device)
        if option is None or _is_fcc(option) or (option.kind == catalog.CLOUD and option.max_clients is None):
            continue
        scus = [s for s in estate.scus_of_device[device["id"]] if s["state"] != RETIRED]
        count = max(len(scus), device.get("scu_count") or 0)
        if count > 1:
            yield estate.about(
                "signing_device",
                device,
                _("%(device)s is driven by %(n)d SCUs; only a fiskaly cloud TSS may be shared by several SCUs.")
                % {"device": estate.label("signing_device", device), "n": count},
                _("Let one SCU drive the TSE and link the other queues to that SCU."),
                related=_related_of_device(estate, device),
            )


@rule("DE-TSE-ONE-OPERATOR", ERROR, "DE", gettext_lazy("A TSE is used by one company only"))
def de_tse_one_operator(estate):
    for device in _de_devices(estate):
        others = {estate.queues[q]["operator_id"] for q in estate.clients_of_device[device["id"]]} - {device["operator_id"]}
        if others:
            yield estate.about(
                "signing_device",
                device,
                _("Queues of another PosOperator sign with %(device)s; a TSE serves one company only.")
                % {"device": estate.label("signing_device", device)},
                _("Give each company its own TSE; two companies at one location need two TSEs."),
                related=_related_of_device(estate, device),
            )


# A warning, not an error: the other operator's entry (a typo, or a TSE that changed hands) must
# not be able to block this operator's packages.
@rule("DE-TSE-REGISTERED-ELSEWHERE", WARNING, "DE", gettext_lazy("A TSE is configured for one PosOperator only"))
def de_tse_registered_elsewhere(estate):
    for device in _de_devices(estate):
        if device.get("registered_elsewhere"):
            yield estate.about(
                "signing_device",
                device,
                _("%(device)s (same vendor and serial number or cloud account) is also configured for another PosOperator.")
                % {"device": estate.label("signing_device", device)},
                _("Check the serial number; a TSE serves one company only, so two companies need two TSEs."),
                related=_related_of_device(estate, device),
            )


def _outlet_name(outlet):
    return f"{outlet['number']} ({outlet['name']})"


def _outlet_related(estate, outlet_id):
    return {q["cashbox_id"] for q in estate.active_queues_of_outlet[outlet_id]}


def _de_outlets(estate):
    return [o for o in estate.outlets.values() if o["country"] == "DE"]


@rule("DE-OUTLET-NEEDS-TSE", ERROR, "DE", gettext_lazy("Every outlet with queues has an SCU with a TSE"))
def de_outlet_needs_tse(estate):
    for outlet in _de_outlets(estate):
        queues = estate.active_queues_of_outlet[outlet["id"]]
        if not queues:
            continue
        if not any(s["state"] != RETIRED and s["signing_device_id"] for s in estate.scus_of_outlet[outlet["id"]]):
            yield estate.about(
                "outlet",
                outlet,
                ngettext(
                    "Outlet %(outlet)s has %(n)d queue but no SCU with a TSE.",
                    "Outlet %(outlet)s has %(n)d queues but no SCU with a TSE.",
                    len(queues),
                )
                % {"outlet": _outlet_name(outlet), "n": len(queues)},
                _("Add an SCU with a hardware or cloud TSE in this outlet."),
                related=_outlet_related(estate, outlet["id"]),
            )


@rule("DE-FAIR-USE-QUEUES", WARNING, "DE", gettext_lazy("At most 25 active queues per outlet (fair use)"))
def de_fair_use_queues(estate):
    for outlet in _de_outlets(estate):
        count = len(estate.active_queues_of_outlet[outlet["id"]])
        if count > FAIR_USE_QUEUES:
            yield estate.about(
                "outlet",
                outlet,
                _("Outlet %(outlet)s has %(n)d active queues; fair use allows %(max)d per outlet.")
                % {"outlet": _outlet_name(outlet), "n": count, "max": FAIR_USE_QUEUES},
                _("Split it into virtual outlets at the same address, each with its own products."),
                related=_outlet_related(estate, outlet["id"]),
            )


def end_devices(estate, outlet_id):
    """Tills and terminals of an outlet (fair use): the terminals of its active queues, the
    tills (POS and terminal-host CashBoxes) with an active queue, and the queues of servers and
    data centres without terminals (each stands for a till elsewhere)."""
    count, tills = 0, set()
    for queue in estate.active_queues_of_outlet[outlet_id]:
        terminals = len(estate.terminals_of_queue[queue["id"]])
        count += terminals
        cashbox = estate.cashboxes.get(queue["cashbox_id"])
        if cashbox and cashbox["machine_role"] in (MachineRole.POS, MachineRole.TERMINAL_HOST):
            tills.add(cashbox["id"])
        elif not terminals:
            count += 1
    return count + len(tills)


@rule("DE-FAIR-USE-DEVICES", WARNING, "DE", gettext_lazy("At most 25 tills and terminals per outlet (fair use)"))
def de_fair_use_devices(estate):
    for outlet in _de_outlets(estate):
        count = end_devices(estate, outlet["id"])
        if count > FAIR_USE_DEVICES:
            yield estate.about(
                "outlet",
                outlet,
                _("Outlet %(outlet)s has %(n)d tills and terminals; fair use allows %(max)d per outlet.")
                % {"outlet": _outlet_name(outlet), "n": count, "max": FAIR_USE_DEVICES},
                _("Split it into virtual outlets at the same address, each with its own products."),
                related=_outlet_related(estate, outlet["id"]),
            )


def _shared_tses(estate):
    """(kind, object, queues) for each TSE used by several queues: the device, or the SCU where
    it has none (an SCU serves one TSE)."""
    for device in _de_devices(estate):
        queues = estate.clients_of_device[device["id"]]
        if max(len(queues), device.get("clients") or 0) > 1:
            yield "signing_device", device, max(len(queues), device.get("clients") or 0)
    for scu in estate.active_scus("DE"):
        if not scu["signing_device_id"] and len(estate.clients_of_scu[scu["id"]]) > 1:
            yield "scu", scu, len(estate.clients_of_scu[scu["id"]])


def _related(estate, kind, item):
    if kind == "signing_device":
        return _related_of_device(estate, item)
    return {item["cashbox_id"], *(q["cashbox_id"] for q in estate.clients_of_scu[item["id"]])}


@rule("DE-SHARED-TSE-STOP-RECEIPT", INFO, "DE", gettext_lazy("A shared TSE needs the client-only stop receipt"))
def de_shared_tse_stop_receipt(estate):
    for kind, item, count in _shared_tses(estate):
        yield estate.about(
            kind,
            item,
            _("%(n)d queues share %(tse)s.") % {"n": count, "tse": estate.label(kind, item)},
            _(
                "When one of them goes out of operation, send its stop receipt with the flag 0x0000000001000000, "
                "or it deactivates the TSE for all of them."
            ),
            related=_related(estate, kind, item),
        )


@rule("DE-TSE-THROUGHPUT", INFO, "DE", gettext_lazy("A TSE signs about 3 times a second"))
def de_tse_throughput(estate):
    for kind, item, count in _shared_tses(estate):
        if count * BUSY_TILL_RECEIPTS_PER_MINUTE <= TSE_RECEIPTS_PER_MINUTE:
            continue
        yield estate.about(
            kind,
            item,
            _(
                "%(n)d queues share %(tse)s, which signs about %(total)s receipts a minute in all: "
                "%(share)s a minute per queue when all are busy."
            )
            % {
                "n": count,
                "tse": estate.label(kind, item),
                "total": number(TSE_RECEIPTS_PER_MINUTE),
                "share": number(TSE_RECEIPTS_PER_MINUTE / count, 1),
            },
            _("If the tills are busy at the same time, add a TSE and move some queues to it."),
            related=_related(estate, kind, item),
        )


@rule("DE-TAX-OFFICE-DATES", WARNING, "DE", gettext_lazy("Queues have the dates the tax office needs"))
def de_tax_office_dates(estate):
    hint = _("Enter the dates on the queue: the tax office is told within a month of purchase or commissioning.")
    messages = {
        (False, False): _("Queue %(queue)s has neither a purchase date nor a commissioning date."),
        (False, True): _("Queue %(queue)s has no purchase date."),
        (True, False): _("Queue %(queue)s has no commissioning date."),
    }
    for queue in estate.active_queues("DE"):
        purchase = bool(queue.get("purchase_date"))
        commissioning = bool(queue.get("commissioning_date")) or queue["state"] != ComponentState.IN_OPERATION
        if not (purchase and commissioning):
            yield estate.about("queue", queue, messages[purchase, commissioning] % {"queue": estate.label("queue", queue)}, hint)


@rule("DE-HARDWARE-TSE-PAIN-POINTS", INFO, "DE", gettext_lazy("Checklist for a USB/SD TSE"))
def de_hardware_tse_pain_points(estate):
    for device in _de_devices(estate):
        host = device.get("host_cashbox_id")
        if not host or estate.device_kind(device) != DeviceKind.HARDWARE:
            continue
        option = estate.device_option(device)
        serial_port = option is not None and option.parameter("ComPort") is not None
        yield estate.about(
            "signing_device",
            device,
            _("%(device)s is plugged into %(machine)s.")
            % {"device": estate.label("signing_device", device), "machine": estate.machine(host)},
            _(
                "Before going live: check that the vendor's web service does not hold the COM port, and plug the TSE in "
                "directly (no USB hub) with USB power saving off."
            )
            if serial_port
            else _(
                "Before going live: switch USB power saving off, plug the TSE in directly (no USB hub), exclude its drive "
                "from the virus scanner, and do not run the SCU in a virtual machine."
            ),
        )


@rule("DE-DATA-CENTRE", INFO, "DE", gettext_lazy("Queues in a data centre"))
def de_data_centre(estate):
    for cashbox in estate.focus_cashboxes():
        if cashbox["machine_role"] != MachineRole.DATA_CENTRE:
            continue
        queues = [q for q in estate.queues_of_cashbox[cashbox["id"]] if q["state"] != RETIRED and q["country"] == "DE"]
        if queues:
            yield estate.about(
                "cashbox",
                cashbox,
                ngettext(
                    "%(n)d queue runs in the data centre %(machine)s.",
                    "%(n)d queues run in the data centre %(machine)s.",
                    len(queues),
                )
                % {"n": len(queues), "machine": cashbox["description"]},
                _(
                    "In Germany this is allowed only when the data centre is the operational environment: the tills do not work without it."
                ),
            )


# ------------------------------------------------------------------ rules: Austria, France, Italy


@rule("AT-BACKUP-SSCD", ERROR, "AT", gettext_lazy("A backup SSCD stands in for a normal one"))
def at_backup_sscd(estate):
    for queue in estate.active_queues("AT"):
        modes = {link["mode"] for link in estate.active_links(queue)}
        if LinkMode.BACKUP in modes and LinkMode.NORMAL not in modes:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has only backup SCUs; a backup stands in for a normal one.")
                % {"queue": estate.label("queue", queue)},
                _("Add a normal SCU link, or make one of the backup links normal."),
            )


@rule("AT-ENCRYPTION-KEY", ERROR, "AT", gettext_lazy("Every queue has its AES key"))
def at_encryption_key(estate):
    for queue in estate.active_queues("AT"):
        if queue["secrets"] is not None and "EncryptionKeyBase64" not in queue["secrets"]:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s has no AES key (EncryptionKeyBase64) for its turnover counter.")
                % {"queue": estate.label("queue", queue)},
                _("Save the queue once in the portal to generate the key, then register it at FinanzOnline."),
            )


@rule("FR-SCU-PER-OUTLET", ERROR, "FR", gettext_lazy("An SCU serves one outlet, with the outlet's SIRET"))
def fr_scu_per_outlet(estate):
    served = defaultdict(set)
    for link in estate.links:
        queue = estate.queues.get(link["queue_id"])
        if link["mode"] == LinkMode.DEACTIVATED or (queue is not None and queue["state"] == RETIRED):
            continue
        served[link["scu_id"]].add(link["queue_outlet_id"])
        # An SCU outside the snapshot (an outlet's report): said about the queue.
        foreign = link["scu_id"] not in estate.scus and link["scu_outlet_id"] != link["queue_outlet_id"]
        if foreign and queue is not None and queue["country"] == "FR":
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s uses the SCU of another outlet; in France each outlet has its own.")
                % {"queue": estate.label("queue", queue)},
                _("Link the queue to the SCU of its own outlet."),
            )
    for scu in estate.active_scus("FR"):
        label = estate.label("scu", scu)
        outlets = served[scu["id"]] | {scu["outlet_id"]}
        if len(outlets) > 1:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s serves queues of %(n)d outlets; in France each outlet has its own SCU certificate.")
                % {"scu": label, "n": len(outlets)},
                _("Give each outlet its own SCU and link its queues to it."),
                related=[q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]]],
            )
        outlet = estate.outlets.get(scu["outlet_id"])
        siret = str(scu["parameters"].get("Siret") or "")
        if outlet is not None and siret != (outlet["siret"] or ""):
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s has the SIRET %(scu_siret)s; its outlet's is %(siret)s.")
                % {"scu": label, "scu_siret": siret or "-", "siret": outlet["siret"] or "-"},
                _("Set the SCU's Siret to the outlet's SIRET."),
            )


@rule("FR-IDENTIFICATION-LENGTH", ERROR, "FR", gettext_lazy("CashBoxIdentification: at most 20 printable characters"))
def fr_identification_length(estate):
    limit = catalog.country("FR").identification_max
    for queue in estate.active_queues("FR"):
        value = queue["cashbox_identification"] or ""
        if len(value) > limit or not (value.isprintable() and value.isascii()):
            yield estate.about(
                "queue",
                queue,
                _("CashBoxIdentification %(id)s has %(n)d characters; in France it has at most %(max)d printable ones.")
                % {"id": value, "n": len(value), "max": limit},
                _("Create a new queue with a valid CashBoxIdentification (it cannot change once saved)."),
            )


@rule("IT-EPSON-RT-SERVER-ID-8", ERROR, "IT", gettext_lazy("Epson RT server: CashBoxIdentification of 8 characters"))
def it_epson_rt_server_id_8(estate):
    for queue in estate.active_queues("IT"):
        value = queue["cashbox_identification"] or ""
        uses_server = any(
            estate.scus.get(link["scu_id"], {}).get("package") == EPSON_RT_SERVER for link in estate.active_links(queue)
        )
        if uses_server and len(value) != 8:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s uses an Epson RT server, so its CashBoxIdentification has exactly 8 characters; it has %(n)d.")
                % {"queue": value, "n": len(value)},
                _(
                    "Create a queue whose CashBoxIdentification has 8 characters (4 for the store, 4 for the till) and add it to the server's till list."
                ),
            )


# ------------------------------------------------------------------ running


class _Progress:
    def __init__(self, callback, low=0, high=100):
        self.callback, self.low, self.high = callback, low, high

    def __call__(self, fraction, message):
        if self.callback is not None:
            self.callback(int(self.low + (self.high - self.low) * fraction), message)


def _run(snapshot, progress, severities=None):
    estate = Estate(snapshot)
    selected = [
        item
        for item in RULES
        if (severities is None or item.severity in severities) and (item.country is None or item.country in estate.countries)
    ]
    findings = []
    for index, item in enumerate(selected):
        progress(index / max(len(selected), 1), _("Checking %(code)s") % {"code": item.code})
        for finding in item.check(estate):
            if estate.focus and estate.focus not in finding["_related"]:
                continue
            finding["code"], finding["severity"] = item.code, item.severity
            findings.append(finding)
    findings.sort(key=estate.sort_key)
    return [
        {
            "code": f["code"],
            "severity": f["severity"],
            "message": f["message"],
            "hint": f["hint"],
            "object": f["object"],
        }
        for f in findings
    ]


def _report(findings):
    summary = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        summary[finding["severity"]] += 1
    return {"findings": findings, "summary": summary}


def validate_snapshot(snapshot, progress=None):
    """The findings of every rule on a snapshot (pure). `progress(percent, message)` is called
    as the rules run."""
    findings = _run(snapshot, _Progress(progress, 0, 99))
    result = _report(findings)
    if progress is not None:
        progress(100, _("Done"))
    return result


def validate(scope, progress=None):
    """Load the scope (CashBox, outlet, operator Organization or a dealer's Operators) and validate it:
    {"findings": [{"code", "severity", "message", "hint", "object"}], "summary": {severity: n}},
    sorted by machine, then severity."""
    if progress is not None:
        progress(0, _("Loading the configuration"))
    snapshot = load(scope)
    findings = _run(snapshot, _Progress(progress, 20, 99))
    result = _report(findings)
    if progress is not None:
        progress(100, _("Done"))
    return result


def errors_by_cashbox(scope):
    """{CashBox id: [its error findings]} for every CashBox of the scope that has any: one
    validation for many packages (an outlet's bundle)."""
    snapshot = load(scope)
    estate = Estate(snapshot)
    found = defaultdict(list)
    for item in RULES:
        if item.severity != ERROR or (item.country is not None and item.country not in estate.countries):
            continue
        for finding in item.check(estate):
            for cashbox_id in finding["_related"]:
                if not estate.focus or cashbox_id == estate.focus:
                    found[cashbox_id].append(
                        {
                            "code": item.code,
                            "severity": item.severity,
                            "message": finding["message"],
                            "hint": finding["hint"],
                            "object": finding["object"],
                        }
                    )
    return dict(found)


def has_errors(cashbox):
    """True while the CashBox has error findings: its package cannot be built."""
    return bool(_run(load(cashbox), _Progress(None), severities={ERROR}))
