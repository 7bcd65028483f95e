"""Which rollout scenarios fit an outlet, ranked, with a capacity estimate. Pure functions.

The rules come from the seeds (000: the scenarios and where they are available; 001: the German
notes) and section 4 of the domain brief:

- Sharing one external signature service: only with cloud signing in Austria or the fiskaly
  cloud TSS in Germany.
- Several queues on one SCU (server, main POS): not where the TSE takes a single client
  (Swissbit cloud, Deutsche Fiskal), not in France (the SCU is virtual inside each queue), not
  with a hosted signature service (there is no local SCU), and documented only for Germany and
  Austria.
- Hosted middleware: where remote signing is allowed (Austria, France); in Germany only when the
  data centre is the operational environment (the POS system runs there and the terminals do not
  work without it).

The capacity model fills the seeds' empty "Performance" section with the figures of the brief
(section 4.1, in cashboxes.capacity): a TSE handles about 3 signatures a second; a receipt takes
2 signatures in the implicit flow; each queue signs with exactly one TSE, so a queue's load cannot
be spread; client limits per TSE; fair use per outlet (25 active queues, 25 tills or terminals,
150,000 signatures a month, where fair use counts up to 3 signatures a receipt with a cloud TSE
and up to 8 with a hardware TSE).

The counts are those of the plan scenarios.planner makes for the same inputs.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cashboxes import catalog, versions
from cashboxes.capacity import (
    FAIR_USE_DEVICES,
    FAIR_USE_QUEUES,
    FAIR_USE_SIGNATURES_PER_MONTH,
    SIGNATURES_PER_REQUEST,
    TSE_SIGNATURES_PER_SECOND,
    fair_use_signatures_per_transaction,
    number,
)
from scenarios import definitions

STABLE, UNRELIABLE = "stable", "unreliable"
INTERNET = (STABLE, UNRELIABLE)
# A TSE reached through a serial (COM) port works in a virtual machine; USB and SD TSEs do not
# (brief 4.1, 11).
VM_SAFE_OPTIONS = frozenset({"diebold-nixdorf"})
# Sharing several tills' queues on one SCU is documented for these countries (seed 000).
SHARED_SCU_COUNTRIES = ("DE", "AT")
_EPSILON = 1e-9


@dataclass(frozen=True)
class Inputs:
    country: str
    pos_systems: int
    terminals: int
    has_server: bool
    signing: str
    peak_receipts_per_minute: float
    internet: str = STABLE
    virtualised_server: bool = False
    monthly_receipts: int | None = None
    # Germany: the POS system runs in a data centre that is the operational environment
    # (the terminals do not work without it).
    data_centre: bool = False


@dataclass
class Assessment:
    id: str
    allowed: bool = True
    reasons: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    explanation: list = field(default_factory=list)
    machines: int = 0
    cashboxes: int = 0
    queues: int = 0
    scus: int = 0
    tses: int = 0
    load_per_tse: float = 0.0
    score: float = 0.0
    rank: int | None = None
    # What the score is made of, by factor (see _score): the ranking's explanation compares them.
    factors: dict = field(default_factory=dict)

    def refuse(self, reason):
        self.allowed = False
        self.reasons.append(reason)

    def warn(self, code, message):
        self.warnings.append({"code": code, "message": message})

    def has_warning(self, code):
        return any(warning["code"] == code for warning in self.warnings)

    def as_dict(self):
        scenario = definitions.get(self.id)
        return {
            **scenario.as_dict(),
            "allowed": self.allowed,
            "reasons": self.reasons,
            "rank": self.rank,
            "score": round(self.score, 1),
            "tse_count": self.tses,
            "warnings": self.warnings,
            "explanation": self.explanation,
            "load_per_tse": round(self.load_per_tse, 2),
            "counts": {
                "machines": self.machines,
                "cashboxes": self.cashboxes,
                "queues": self.queues,
                "scus": self.scus,
                "tses": self.tses,
            },
        }


# ---------------------------------------------------------------- arithmetic


def signatures_per_second(receipts_per_minute):
    return receipts_per_minute / 60 * SIGNATURES_PER_REQUEST


def tses_needed(queues, load, max_clients):
    """Signing devices for `queues` that share them and carry `load` (signatures a second)
    together: each device takes whole queues (a queue signs with exactly one), no more than
    its client limit and no more than it handles well at the peak, assuming the queues carry
    the load evenly. Every device gets at least one queue."""
    if queues <= 0:
        return 1
    per_queue = load / queues
    by_load = math.floor(TSE_SIGNATURES_PER_SECOND / per_queue + _EPSILON) if per_queue > 0 else queues
    per_device = max(1, min(by_load, max_clients or queues))
    return max(1, math.ceil(queues / per_device))


class Context:
    """The inputs with what follows from them (country, signing option, load)."""

    def __init__(self, inputs):
        self.inputs = inputs
        self.country = catalog.country(inputs.country)
        self.option = self.country.signing_option(inputs.signing)
        self.load = signatures_per_second(inputs.peak_receipts_per_minute)
        self.virtual = self.option.kind == catalog.VIRTUAL
        self.hosted_service = self.option.placement == catalog.SERVICE
        self.single_client = self.option.max_clients == 1
        self.germany = self.country.code == "DE"

    @property
    def device_name(self):
        return _("TSE") if self.germany else _("signing device")

    def devices(self, n):
        """'1 TSE', '2 TSEs' (Germany); '1 signing device', '2 signing devices' elsewhere."""
        if self.germany:
            return ngettext("%(n)s TSE", "%(n)s TSEs", n) % {"n": number(n)}
        return ngettext("%(n)s signing device", "%(n)s signing devices", n) % {"n": number(n)}

    def load_per_device(self):
        """The peak load of one till or terminal (the outlet's load spread evenly over them)."""
        return self.load / max(self.inputs.pos_systems + self.inputs.terminals, 1)

    @property
    def vm_fragile(self):
        return self.option.kind == catalog.HARDWARE and self.option.id not in VM_SAFE_OPTIONS


def tills(n):
    return ngettext("%(n)s till", "%(n)s tills", n) % {"n": number(n)}


def terminals(n):
    return ngettext("%(n)s terminal", "%(n)s terminals", n) % {"n": number(n)}


def queues(n):
    return ngettext("%(n)s queue", "%(n)s queues", n) % {"n": number(n)}


# ---------------------------------------------------------------- warnings


def _load_warning(item, context, heaviest_queue):
    """Load per TSE at the peak: the devices' share of the whole load, or a single queue's load
    where that is more (a queue cannot spread over several TSEs)."""
    if context.virtual:
        item.load_per_tse = 0.0
        return
    item.load_per_tse = max(context.load / max(item.tses, 1), heaviest_queue)
    if item.load_per_tse <= TSE_SIGNATURES_PER_SECOND + _EPSILON:
        return
    values = {
        "load": number(item.load_per_tse, 1),
        "device": context.device_name,
        "limit": number(TSE_SIGNATURES_PER_SECOND),
    }
    if heaviest_queue > TSE_SIGNATURES_PER_SECOND + _EPSILON and heaviest_queue >= context.load / max(item.tses, 1):
        item.warn(
            "LOAD-PER-TSE",
            _(
                "One queue takes about %(load)s signatures a second at the peak, above the %(limit)s one %(device)s handles "
                "well; a queue signs with one %(device)s only, so spread the load over more queues."
            )
            % values,
        )
    else:
        item.warn(
            "LOAD-PER-TSE",
            _(
                "About %(load)s signatures a second per %(device)s at the peak, above the %(limit)s it handles well; "
                "add devices or spread the load."
            )
            % values,
        )


def _client_limit(item, context, queue_count, shared):
    """Client limits: how many queues one device takes (brief 4.1, 7)."""
    option = context.option
    if context.virtual or context.hosted_service or queue_count < 1:
        return
    if not shared:
        if context.single_client and queue_count > 1:
            item.warn(
                "TSE-CLIENT-LIMIT",
                ngettext(
                    "%(option)s takes a single client: the queue gets its own %(device)s.",
                    "%(option)s takes a single client: each of the %(n)s queues gets its own %(device)s.",
                    queue_count,
                )
                % {"option": option.label, "n": number(queue_count), "device": context.device_name},
            )
        return
    if option.max_clients and queue_count > option.max_clients:
        item.warn(
            "TSE-CLIENT-LIMIT",
            _("%(option)s takes at most %(max)s queues as clients: %(queues)s need %(devices)s.")
            % {
                "option": option.label,
                "max": number(option.max_clients),
                "queues": queues(queue_count),
                "devices": context.devices(item.tses),
            },
        )
    elif not option.limit_known and queue_count > item.tses:
        item.warn(
            "TSE-CLIENT-LIMIT-UNKNOWN",
            _("The client limit of %(option)s is not published: ask the vendor whether one device serves %(queues)s.")
            % {"option": option.label, "queues": queues(math.ceil(queue_count / max(item.tses, 1)))},
        )


def _shared_device_warnings(item, context, queues_per_device):
    if queues_per_device > 1 and context.germany and not context.virtual:
        item.warn(
            "DE-STOP-RECEIPT-SHARED-TSE",
            _(
                "Several queues share a TSE: when one queue goes out of operation, send its stop receipt with the flag "
                "0x0000000001000000, or it deactivates the TSE for all of them."
            ),
        )


def _hardware_on_vm(item, context):
    if context.inputs.virtualised_server and context.vm_fragile:
        item.warn(
            "HARDWARE-TSE-ON-VM",
            _(
                "A USB or SD %(device)s in a virtual machine is fragile; prefer a network TSE, a cloud TSE or a machine "
                "that is not virtualised."
            )
            % {"device": context.device_name},
        )


def _cloud_needs_internet(item, context):
    if context.inputs.internet == UNRELIABLE and context.option.kind == catalog.CLOUD:
        item.warn(
            "INTERNET-UNRELIABLE",
            _(
                "The internet connection is unreliable: the cloud %(device)s is then out of reach and the queues go into "
                "failure mode."
            )
            % {"device": context.device_name},
        )


def _fair_use(item, context):
    """Fair use per outlet in Germany (brief 4.1, 9): above it, virtual outlets at the same address."""
    if not context.germany:
        return
    inputs = context.inputs
    devices = inputs.pos_systems + inputs.terminals
    outlets = []
    if item.queues > FAIR_USE_QUEUES or devices > FAIR_USE_DEVICES:
        outlets.append(math.ceil(max(item.queues / FAIR_USE_QUEUES, devices / FAIR_USE_DEVICES)))
        item.warn(
            "DE-FAIR-USE-QUEUES",
            _(
                "This outlet has %(queues)s for %(devices)s; fair use allows at most %(max_queues)s active queues and "
                "%(max_devices)s tills and terminals together per outlet."
            )
            % {
                "queues": queues(item.queues),
                "devices": ngettext("%(n)s till or terminal", "%(n)s tills and terminals", devices) % {"n": number(devices)},
                "max_queues": number(FAIR_USE_QUEUES),
                "max_devices": number(FAIR_USE_DEVICES),
            },
        )
    if inputs.monthly_receipts:
        # The policy counts more signatures per receipt than the TSE's load (SIGNATURES_PER_REQUEST),
        # by kind of TSE: its upper bound, so the warning errs on the safe side.
        per_receipt = fair_use_signatures_per_transaction(context.option.kind)
        signatures = inputs.monthly_receipts * per_receipt
        if signatures > FAIR_USE_SIGNATURES_PER_MONTH:
            outlets.append(math.ceil(signatures / FAIR_USE_SIGNATURES_PER_MONTH))
            item.warn(
                "DE-FAIR-USE-SIGNATURES",
                (
                    _(
                        "%(receipts)s receipts a month count as up to %(n)s signatures with a cloud TSE (up to %(per)s "
                        "each), above the fair-use limit of %(limit)s per outlet."
                    )
                    if context.option.kind == catalog.CLOUD
                    else _(
                        "%(receipts)s receipts a month count as up to %(n)s signatures with a hardware TSE (up to "
                        "%(per)s each), above the fair-use limit of %(limit)s per outlet."
                    )
                )
                % {
                    "n": number(signatures),
                    "receipts": number(inputs.monthly_receipts),
                    "per": number(per_receipt),
                    "limit": number(FAIR_USE_SIGNATURES_PER_MONTH),
                },
            )
    if outlets:
        item.warn(
            "DE-FAIR-USE-VIRTUAL-OUTLETS",
            _("Split the outlet into %(n)s virtual outlets at the same address, each with its own products.")
            % {"n": number(max(outlets))},
        )


# ---------------------------------------------------------------- rules


def _need_pos(item, context, minimum=1):
    if context.inputs.pos_systems >= minimum:
        return
    if minimum == 1:
        item.refuse(_("Needs at least one POS system."))
    else:
        item.refuse(
            ngettext("Needs at least %(n)s POS system.", "Needs at least %(n)s POS systems.", minimum) % {"n": number(minimum)}
        )


def _no_terminals(item, context):
    """Scenarios for tills only: the terminal scenarios give terminals a host for their queues."""
    if context.inputs.terminals:
        item.refuse(_("Terminals need a host for their queue: see the terminal scenarios."))


def _sharing_rules(item, context):
    """Several queues on one SCU: not in France (virtual SCU), not with single-client TSEs."""
    if context.virtual:
        item.refuse(_("In France the SCU is virtual inside each queue: there is no SCU to share."))
    elif context.hosted_service:
        item.refuse(_("Online signing needs no local SCU to share: see the shared external signature service."))
    elif context.single_client:
        item.refuse(
            _("%(option)s takes a single client: its SCU cannot serve several queues.") % {"option": context.option.label}
        )
    elif context.country.code not in SHARED_SCU_COUNTRIES:
        item.refuse(_("Not documented for %(country)s.") % {"country": context.country.name})


def _own_device_per_queue(context):
    """Each queue gets its own SCU (and device): the SCU is virtual, the signature service is
    hosted, or the TSE takes a single client."""
    return context.virtual or context.hosted_service or context.single_client


def _sign(item, context, queue_count):
    """SCUs and devices for `queue_count` queues, as the planner makes them: one per queue
    where nothing can be shared, else devices shared by load and client limit."""
    if _own_device_per_queue(context):
        item.scus = queue_count
        item.tses = 0 if context.virtual else queue_count
        _client_limit(item, context, queue_count, shared=False)
        return
    item.tses = item.scus = tses_needed(queue_count, context.load, context.option.max_clients)
    _client_limit(item, context, queue_count, shared=True)
    _shared_device_warnings(item, context, math.ceil(queue_count / item.tses))


# ---------------------------------------------------------------- the scenarios


def scu_per_pos(context):
    item = Assessment("scu-per-pos")
    _need_pos(item, context)
    _no_terminals(item, context)
    pos = context.inputs.pos_systems
    item.machines = item.cashboxes = item.queues = item.scus = pos
    item.tses = 0 if context.virtual else pos
    _load_warning(item, context, context.load_per_device())
    _cloud_needs_internet(item, context)
    item.explanation.append(_("Each till stands alone: a failure stays on its till."))
    if item.tses > 1:
        item.explanation.append(_("Needs %(devices)s, one per till.") % {"devices": context.devices(item.tses)})
    return item


def server_scu(context):
    item = Assessment("server-scu")
    if not context.inputs.has_server:
        item.refuse(_("There is no server or back office in this outlet."))
    _need_pos(item, context)
    _no_terminals(item, context)
    _sharing_rules(item, context)
    pos = context.inputs.pos_systems
    item.machines = item.cashboxes = pos + 1
    item.queues = pos
    item.tses = item.scus = tses_needed(pos, context.load, context.option.max_clients)
    _client_limit(item, context, pos, shared=True)
    _shared_device_warnings(item, context, math.ceil(pos / item.tses))
    _load_warning(item, context, context.load_per_device())
    _hardware_on_vm(item, context)
    _cloud_needs_internet(item, context)
    item.warn("SINGLE-POINT-OF-FAILURE", _("If the server or its TSE fails, every till goes into failure mode."))
    item.explanation.append(
        ngettext(
            "%(devices)s on the server serves %(tills)s.",
            "%(devices)s on the server serve %(tills)s.",
            item.tses,
        )
        % {"devices": context.devices(item.tses), "tills": tills(pos)}
    )
    return item


def main_pos_scu(context):
    item = Assessment("main-pos-scu")
    _need_pos(item, context, minimum=2)
    _no_terminals(item, context)
    _sharing_rules(item, context)
    pos = context.inputs.pos_systems
    item.machines = item.cashboxes = item.queues = pos
    item.tses = item.scus = tses_needed(pos, context.load, context.option.max_clients)
    _client_limit(item, context, pos, shared=True)
    _shared_device_warnings(item, context, math.ceil(pos / item.tses))
    _load_warning(item, context, context.load_per_device())
    _cloud_needs_internet(item, context)
    item.warn("SINGLE-POINT-OF-FAILURE", _("If the main till is off, every till goes into failure mode."))
    if context.inputs.has_server:
        item.explanation.append(_("There is a server: using it keeps the tills independent of the main till."))
    item.explanation.append(
        ngettext(
            "%(devices)s in the main till serves %(tills)s.",
            "%(devices)s in the main till serve %(tills)s.",
            item.tses,
        )
        % {"devices": context.devices(item.tses), "tills": tills(pos)}
    )
    return item


def _shares_external_service(context):
    code, option = context.country.code, context.option
    return (code == "AT" and option.kind == catalog.CLOUD) or (code == "DE" and option.id == "fiskaly")


def shared_cloud_tse(context):
    item = Assessment("shared-cloud-tse")
    _need_pos(item, context, minimum=2)
    _no_terminals(item, context)
    if not _shares_external_service(context):
        item.refuse(_("Only with cloud signing in Austria or the fiskaly cloud TSS in Germany."))
    pos = context.inputs.pos_systems
    item.machines = item.cashboxes = item.queues = item.scus = pos
    item.tses = 1
    _shared_device_warnings(item, context, pos)
    _load_warning(item, context, context.load_per_device())
    _cloud_needs_internet(item, context)
    item.warn("SINGLE-POINT-OF-FAILURE", _("All tills sign with one cloud service, which handles requests one after another."))
    item.explanation.append(_("One signature service for %(tills)s.") % {"tills": tills(pos)})
    return item


def _terminal_host(item, context):
    if not context.inputs.terminals:
        item.refuse(_("There are no terminals."))
    if not (context.inputs.pos_systems or context.inputs.has_server):
        item.refuse(_("Needs a main POS or a server to host the terminals' queue."))


def _terminals(item, context, queue_count, heaviest_queue):
    """Counts for a host (the server, or else the main till) running the terminals' queue(s)."""
    pos, server = context.inputs.pos_systems, context.inputs.has_server
    item.queues = queue_count
    item.machines = pos + context.inputs.terminals + (1 if server else 0)
    item.cashboxes = pos + (1 if server else 0)
    _sign(item, context, queue_count)
    _load_warning(item, context, heaviest_queue)
    if server:
        _hardware_on_vm(item, context)
    _cloud_needs_internet(item, context)
    host = _("the server") if server else _("the main till")
    item.warn("SINGLE-POINT-OF-FAILURE", _("If %(host)s or its SCU is down, every terminal is down.") % {"host": host})


def terminals_shared_queue(context):
    item = Assessment("terminals-shared-queue")
    _terminal_host(item, context)
    inputs = context.inputs
    # The terminals post to a queue of their own on the server, or to the main till's queue.
    shared = inputs.terminals + (0 if inputs.has_server else 1)
    queue_count = max(inputs.pos_systems + (1 if inputs.has_server else 0), 1)
    _terminals(item, context, queue_count, shared * context.load_per_device())
    item.warn("SHARED-QUEUE-BLOCKING", _("A terminal that keeps sending a broken receipt can block the shared queue."))
    if inputs.terminals:
        item.explanation.append(
            ngettext("%(terminals)s uses one queue.", "%(terminals)s share one queue.", inputs.terminals)
            % {"terminals": terminals(inputs.terminals)}
        )
    return item


def terminals_queue_per_terminal(context):
    item = Assessment("terminals-queue-per-terminal")
    _terminal_host(item, context)
    _terminals(item, context, context.inputs.pos_systems + context.inputs.terminals, context.load_per_device())
    if context.germany:
        item.warn(
            "DE-QUEUE-REGISTRATION",
            ngettext(
                "The queue is a cash register to report to the tax office.",
                "Each of the %(n)s queues is a cash register to report to the tax office.",
                item.queues,
            )
            % {"n": number(item.queues)},
        )
    item.explanation.append(_("Each terminal has its own queue: a faulty one blocks only itself."))
    return item


def hosted_middleware(context):
    item = Assessment("hosted-middleware")
    inputs = context.inputs
    if context.germany:
        if not inputs.data_centre:
            item.refuse(
                _(
                    "In Germany only when the data centre is the operational environment: the POS system runs there and "
                    "the terminals do not work without it."
                )
            )
    elif not context.country.remote_signing:
        item.refuse(
            _(
                "Only where remote signing is allowed (Austria, France), or in Germany when the data centre is the "
                "operational environment; not in %(country)s."
            )
            % {"country": context.country.name}
        )
    pos = inputs.pos_systems
    item.queues = max(pos, 1)
    item.cashboxes = 1
    item.machines = pos + inputs.terminals + 1
    _sign(item, context, item.queues)
    # The terminals post round-robin to the tills' queues (or to the one queue there is).
    heaviest = math.ceil(inputs.terminals / item.queues) + (1 if pos else 0)
    _load_warning(item, context, heaviest * context.load_per_device())
    _hardware_on_vm(item, context)
    if inputs.internet == UNRELIABLE:
        item.warn("INTERNET-UNRELIABLE", _("The internet connection is unreliable: without it no receipt is signed."))
    item.warn("SINGLE-POINT-OF-FAILURE", _("Every till and terminal depends on the connection to the data centre."))
    if context.country.remote_signing:
        item.explanation.append(
            _("Recommended where remote signing is allowed (%(country)s).") % {"country": context.country.name}
        )
    elif context.germany and inputs.data_centre:
        item.explanation.append(_("The POS system runs in the data centre: the middleware runs there too."))
    return item


ASSESSORS = (
    scu_per_pos,
    server_scu,
    main_pos_scu,
    shared_cloud_tse,
    terminals_shared_queue,
    terminals_queue_per_terminal,
    hosted_middleware,
)

# ---------------------------------------------------------------- ranking

# Score weights: plain numbers a dealer can follow in the explanation.
COST_PER_HARDWARE_DEVICE = 9
COST_PER_CLOUD_DEVICE = 2
SPOF_PENALTY = {
    "server-scu": 12,
    "main-pos-scu": 22,
    "shared-cloud-tse": 8,
    "terminals-shared-queue": 14,
    "terminals-queue-per-terminal": 10,
    "hosted-middleware": 10,
}


def _score(item, context):
    """100 plus the factors (by name, so the explanation can compare two scenarios)."""
    inputs = context.inputs
    factors = item.factors
    per_device = COST_PER_HARDWARE_DEVICE if context.option.kind in (catalog.HARDWARE, catalog.NETWORK) else COST_PER_CLOUD_DEVICE
    factors["devices"] = -per_device * item.tses
    factors["spof"] = -SPOF_PENALTY.get(item.id, 0)
    if item.id == "scu-per-pos":
        factors["simple"] = 10  # the simplest and most robust set-up
    if item.load_per_tse > TSE_SIGNATURES_PER_SECOND + _EPSILON:
        # Delayed receipts weigh more the further the peak is above what a TSE handles well.
        factors["load"] = -round(30 * item.load_per_tse / TSE_SIGNATURES_PER_SECOND)
    if item.id.startswith("terminals-") and inputs.terminals:
        factors["terminals"] = 25
        if item.id == "terminals-queue-per-terminal" and inputs.terminals >= 3:
            factors["isolation"] = 6  # isolation matters more with more terminals
    if item.id == "hosted-middleware":
        stable = inputs.internet == STABLE
        if stable and context.country.remote_signing:
            factors["remote"] = 30
        if stable and context.germany and inputs.data_centre:
            factors["data-centre"] = 30
        if not stable:
            factors["internet"] = -40
    if item.has_warning("HARDWARE-TSE-ON-VM"):
        factors["vm"] = -15
    item.score = 100.0 + sum(factors.values())


def _advantages(better, worse):
    """Why `better` ranks above `worse`, in the dealer's words (strongest reason first)."""
    gains = sorted(
        ((better.factors.get(key, 0) - worse.factors.get(key, 0), key) for key in set(better.factors) | set(worse.factors)),
        reverse=True,
    )
    phrases = []
    for gain, key in gains:
        if gain <= 0:
            break
        if key == "devices":
            phrases.append(
                _("fewer signing devices (%(better)s instead of %(worse)s)")
                % {"better": number(better.tses), "worse": number(worse.tses)}
            )
        elif key == "spof":
            if not better.has_warning("SINGLE-POINT-OF-FAILURE"):
                phrases.append(_("no single point of failure"))
            else:
                phrases.append(_("a less critical single point of failure"))
        else:
            phrases.append(
                {
                    "simple": _("the simplest set-up, every till on its own"),
                    "load": _("its signing devices keep up with the peak load"),
                    "terminals": _("it gives the terminals a host"),
                    "isolation": _("a faulty terminal blocks only its own queue"),
                    "remote": _("remote signing is allowed here, so nothing is installed in the shop"),
                    "data-centre": _("the POS system runs in the data centre already"),
                    "internet": _("it does not depend on the internet connection"),
                    "vm": _("no USB or SD TSE in a virtual machine"),
                }[key]
            )
    return phrases


def _explain_ranking(allowed, context):
    """Comparative sentences, so the order reads as a dealer would argue it."""
    if not allowed:
        return
    fewest = min(item.tses for item in allowed)
    for index, item in enumerate(allowed):
        notes = []
        if len(allowed) == 1:
            notes.append(_("The only scenario possible for this outlet."))
        elif index == 0:
            notes.append(_("Best fit for this outlet among %(n)s possible scenarios.") % {"n": number(len(allowed))})
            reasons = _advantages(item, allowed[1])
            if reasons:
                notes.append(
                    _("Ahead of “%(other)s”: %(reasons)s.")
                    % {"other": definitions.get(allowed[1].id).name, "reasons": "; ".join(reasons)}
                )
        else:
            reasons = _advantages(allowed[index - 1], item)
            if reasons:
                notes.append(
                    _("Behind “%(other)s”, which has: %(reasons)s.")
                    % {"other": definitions.get(allowed[index - 1].id).name, "reasons": "; ".join(reasons)}
                )
        if item.tses == fewest and not context.virtual and len({i.tses for i in allowed}) > 1:
            notes.append(_("Fewest signing devices (%(n)s).") % {"n": number(item.tses)})
        if not item.has_warning("SINGLE-POINT-OF-FAILURE"):
            notes.append(_("No single point of failure."))
        if item.load_per_tse and item.load_per_tse <= TSE_SIGNATURES_PER_SECOND + _EPSILON:
            notes.append(
                _("Peak load %(load)s signatures a second per device, within the %(limit)s a TSE handles well.")
                % {"load": number(item.load_per_tse, 1), "limit": number(TSE_SIGNATURES_PER_SECOND)}
            )
        item.explanation = notes + item.explanation


# ---------------------------------------------------------------- entry points


def validate(inputs):
    """Errors per field for bad inputs (the API and the wizard show them); {} when they are fine."""
    errors = {}
    country = catalog.country(inputs.country)
    if country is None:
        errors["country"] = _("Choose one of %(codes)s.") % {"codes": ", ".join(catalog.COUNTRIES)}
    elif country.signing_option(inputs.signing) is None:
        errors["signing"] = _("Choose a signing option of %(country)s: %(ids)s.") % {
            "country": country.name,
            "ids": ", ".join(o.id for o in country.signing_options),
        }
    else:
        option = country.signing_option(inputs.signing)
        if option.placement == catalog.COMPONENT and not versions.newest(option.package):
            # A plan pins the newest release of each package; without one there is nothing to pin.
            errors["signing"] = _(
                "No released version of %(package)s is known to the portal: build this CashBox by hand and enter the "
                "version fiskaltrust gives you."
            ) % {"package": option.package}
    for name in ("pos_systems", "terminals", "peak_receipts_per_minute", "monthly_receipts"):
        value = getattr(inputs, name)
        if value is not None and value < 0:
            errors[name] = _("Enter a number of at least 0.")
    if inputs.internet not in INTERNET:
        errors["internet"] = _("Choose stable or unreliable.")
    if "pos_systems" not in errors and "terminals" not in errors and inputs.pos_systems + inputs.terminals == 0:
        errors["pos_systems"] = _("An outlet has at least one POS system or terminal.")
    return errors


def assess(inputs):
    """Every scenario with allowed/reasons, counts, warnings and a rank among the allowed ones,
    best first, then the refused ones. The inputs must pass validate()."""
    context = Context(inputs)
    items = []
    for assessor in ASSESSORS:
        item = assessor(context)
        _fair_use(item, context)
        _score(item, context)
        items.append(item)
    allowed = sorted((i for i in items if i.allowed), key=lambda i: (-i.score, ASSESSORS_ORDER[i.id]))
    for rank, item in enumerate(allowed, start=1):
        item.rank = rank
    _explain_ranking(allowed, context)
    return [item.as_dict() for item in sorted(items, key=lambda i: (i.rank is None, i.rank or 0, ASSESSORS_ORDER[i.id]))]


ASSESSORS_ORDER = {scenario.id: n for n, scenario in enumerate(definitions.SCENARIOS)}
