"""Which rollout scenarios fit an outlet, ranked, with a capacity estimate. Pure functions.

The capacity model fills the seeds' empty "Performance" section with the figures of the brief
(section 4.1): a TSE handles about 3 signatures per second; a receipt takes 2 signatures in the
implicit flow; client limits per TSE; fair use per outlet (25 devices or active queues, 150,000
signatures a month).
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cashboxes import catalog
from scenarios import definitions

SIGNATURES_PER_RECEIPT = 2
TSE_SIGNATURES_PER_SECOND = 3.0
FAIR_USE_DEVICES = 25
FAIR_USE_SIGNATURES_PER_MONTH = 150_000
STABLE, UNRELIABLE = "stable", "unreliable"


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

    def refuse(self, reason):
        self.allowed = False
        self.reasons.append(reason)

    def warn(self, code, message):
        self.warnings.append({"code": code, "message": message})

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


def signatures_per_second(receipts_per_minute):
    return receipts_per_minute / 60 * SIGNATURES_PER_RECEIPT


def tses_needed(queues, load, max_clients):
    """Signing devices for `queues` sharing them: enough for the load and the client limit."""
    by_load = math.ceil(load / TSE_SIGNATURES_PER_SECOND) if load > 0 else 1
    by_clients = math.ceil(queues / max_clients) if max_clients else 1
    return max(1, by_load, by_clients)


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

    @property
    def device_name(self):
        return _("TSE") if self.country.code == "DE" else _("signing device")


def _load_warning(item, context, sharing):
    item.load_per_tse = context.load / max(item.tses, 1) if sharing else context.load / max(context.inputs.pos_systems, 1)
    if item.load_per_tse > TSE_SIGNATURES_PER_SECOND and not context.virtual:
        item.warn(
            "LOAD-PER-TSE",
            _(
                "About %(load).1f signatures a second per %(device)s at the peak, above the %(limit)d it handles well; add devices or spread the load."
            )
            % {"load": item.load_per_tse, "device": context.device_name, "limit": TSE_SIGNATURES_PER_SECOND},
        )


def _shared_device_warnings(item, context, queues_per_device):
    if queues_per_device > 1 and context.country.code == "DE" and not context.virtual:
        item.warn(
            "DE-STOP-RECEIPT-SHARED-TSE",
            _(
                "Several queues share a TSE: when one queue goes out of operation, send its stop receipt with the flag "
                "0x0000000001000000, or it deactivates the TSE for all of them."
            ),
        )


def _hardware_on_vm(item, context):
    if context.inputs.virtualised_server and context.option.kind == catalog.HARDWARE:
        item.warn(
            "HARDWARE-TSE-ON-VM",
            _(
                "A USB/SD TSE in a virtual machine is fragile; prefer a network TSE, a cloud TSE or a machine that is not virtualised."
            ),
        )


def _need_pos(item, context, minimum=1):
    if context.inputs.pos_systems < minimum:
        item.refuse(
            _("Needs at least %(n)d POS systems.") % {"n": minimum} if minimum > 1 else _("Needs at least one POS system.")
        )


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
    elif context.country.code not in ("DE", "AT"):
        item.refuse(_("Not documented for %(country)s.") % {"country": context.country.name})


def scu_per_pos(context):
    item = Assessment("scu-per-pos")
    _need_pos(item, context)
    if context.inputs.terminals:
        item.refuse(_("Terminals need a host for their queue: see the terminal scenarios."))
    pos = context.inputs.pos_systems
    item.machines = item.cashboxes = item.queues = item.scus = pos
    item.tses = 0 if context.virtual else pos
    _load_warning(item, context, sharing=False)
    item.explanation.append(_("Each till stands alone: a failure stays on its till."))
    if item.tses > 1:
        item.explanation.append(_("Needs %(n)d signing devices, one per till.") % {"n": item.tses})
    return item


def server_scu(context):
    item = Assessment("server-scu")
    if not context.inputs.has_server:
        item.refuse(_("There is no server or back office in this outlet."))
    _need_pos(item, context)
    _sharing_rules(item, context)
    pos = context.inputs.pos_systems
    item.tses = tses_needed(pos, context.load, context.option.max_clients)
    item.scus = item.tses  # each SCU drives exactly one TSE
    item.machines = item.cashboxes = pos + 1
    item.queues = pos
    _load_warning(item, context, sharing=True)
    _shared_device_warnings(item, context, math.ceil(pos / item.tses))
    _hardware_on_vm(item, context)
    item.warn("SINGLE-POINT-OF-FAILURE", _("If the server or its TSE fails, every till goes into failure mode."))
    item.explanation.append(
        _("%(n)d %(device)s on the server serve %(pos)d tills.") % {"n": item.tses, "device": context.device_name, "pos": pos}
    )
    return item


def main_pos_scu(context):
    item = Assessment("main-pos-scu")
    _need_pos(item, context, minimum=2)
    _sharing_rules(item, context)
    pos = context.inputs.pos_systems
    item.tses = tses_needed(pos, context.load, context.option.max_clients)
    item.scus = item.tses
    item.machines = item.cashboxes = item.queues = pos
    _load_warning(item, context, sharing=True)
    _shared_device_warnings(item, context, math.ceil(pos / item.tses))
    item.warn("SINGLE-POINT-OF-FAILURE", _("If the main till is off, every till goes into failure mode."))
    if context.inputs.has_server:
        item.explanation.append(_("There is a server: using it keeps the tills independent of the main till."))
    item.explanation.append(
        _("%(n)d %(device)s in the main till for %(pos)d tills.") % {"n": item.tses, "device": context.device_name, "pos": pos}
    )
    return item


def shared_cloud_tse(context):
    item = Assessment("shared-cloud-tse")
    _need_pos(item, context)
    code, option = context.country.code, context.option.id
    if not ((code == "AT" and context.option.kind == catalog.CLOUD) or (code == "DE" and option == "fiskaly")):
        item.refuse(_("Only with cloud signing in Austria or the fiskaly cloud TSS in Germany."))
    pos = context.inputs.pos_systems
    item.machines = item.cashboxes = item.queues = item.scus = pos
    item.tses = 1
    _load_warning(item, context, sharing=True)
    item.warn("SINGLE-POINT-OF-FAILURE", _("All tills sign with one cloud service, which handles requests one after another."))
    item.explanation.append(_("One signature service for %(pos)d tills.") % {"pos": pos})
    return item


def _terminal_host(item, context):
    if not context.inputs.terminals:
        item.refuse(_("There are no terminals."))
    if not (context.inputs.pos_systems or context.inputs.has_server):
        item.refuse(_("Needs a main POS or a server to host the terminals' queue."))


def _terminals(item, context, queues):
    """Counts for a host (server, or else the main till) running the terminals' queue(s)."""
    pos, terminals, server = context.inputs.pos_systems, context.inputs.terminals, context.inputs.has_server
    item.queues = queues
    item.machines = pos + terminals + (1 if server else 0)
    item.cashboxes = pos + (1 if server else 0)
    if context.virtual:
        item.scus, item.tses = item.cashboxes, 0
    elif context.single_client or context.hosted_service:
        item.scus = item.tses = queues if not context.hosted_service else 1
        if context.hosted_service:
            item.scus = item.cashboxes
    else:
        item.tses = tses_needed(queues, context.load, context.option.max_clients)
        item.scus = item.tses
    _load_warning(item, context, sharing=True)
    _shared_device_warnings(item, context, math.ceil(queues / max(item.tses, 1)))
    if server:
        _hardware_on_vm(item, context)
    host = _("the server") if server else _("the main till")
    item.warn("SINGLE-POINT-OF-FAILURE", _("If %(host)s or its SCU is down, every terminal is down.") % {"host": host})


def terminals_shared_queue(context):
    item = Assessment("terminals-shared-queue")
    _terminal_host(item, context)
    _terminals(item, context, queues=context.inputs.pos_systems + (1 if context.inputs.has_server else 0) or 1)
    item.warn("SHARED-QUEUE-BLOCKING", _("A terminal that keeps sending a broken receipt can block the shared queue."))
    item.explanation.append(_("%(t)d terminals share one queue.") % {"t": context.inputs.terminals})
    return item


def terminals_queue_per_terminal(context):
    item = Assessment("terminals-queue-per-terminal")
    _terminal_host(item, context)
    _terminals(item, context, queues=context.inputs.pos_systems + context.inputs.terminals)
    if context.country.code == "DE":
        item.warn(
            "DE-QUEUE-REGISTRATION",
            _("Each of the %(n)d queues is a cash register to report to the tax office.") % {"n": item.queues},
        )
    item.explanation.append(_("Each terminal has its own queue: a faulty one blocks only itself."))
    return item


def hosted_middleware(context):
    item = Assessment("hosted-middleware")
    code = context.country.code
    if code == "DE" and not context.inputs.data_centre:
        item.refuse(
            _(
                "In Germany only when the data centre is the operational environment: the POS system runs there and the terminals do not work without it."
            )
        )
    elif code not in ("DE", "AT", "FR"):
        item.refuse(_("Not available in %(country)s with local signing devices.") % {"country": context.country.name})
    pos, terminals = context.inputs.pos_systems, context.inputs.terminals
    item.queues = max(pos, 1)
    item.cashboxes = 1
    item.machines = pos + terminals + 1
    if context.virtual:
        item.scus, item.tses = 1, 0
    elif context.hosted_service:
        item.scus, item.tses = 1, 1
    else:
        item.tses = tses_needed(item.queues, context.load, context.option.max_clients)
        item.scus = item.tses
    _load_warning(item, context, sharing=True)
    if context.inputs.internet == UNRELIABLE:
        item.warn("INTERNET-UNRELIABLE", _("The internet connection is unreliable: without it no receipt is signed."))
    item.warn("SINGLE-POINT-OF-FAILURE", _("Every till and terminal depends on the connection to the data centre."))
    if context.country.remote_signing:
        item.explanation.append(
            _("Recommended where remote signing is allowed (%(country)s).") % {"country": context.country.name}
        )
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
    inputs = context.inputs
    score = 100.0
    per_device = COST_PER_HARDWARE_DEVICE if context.option.kind in (catalog.HARDWARE, catalog.NETWORK) else COST_PER_CLOUD_DEVICE
    score -= per_device * item.tses
    score -= SPOF_PENALTY.get(item.id, 0)
    if item.id == "scu-per-pos":
        score += 10  # the simplest and most robust set-up
    if item.load_per_tse > TSE_SIGNATURES_PER_SECOND:
        score -= 30
    if item.id.startswith("terminals-") and inputs.terminals:
        score += 25
        if item.id == "terminals-queue-per-terminal" and inputs.terminals >= 3:
            score += 6  # isolation matters more with more terminals
    if item.id == "hosted-middleware":
        if context.country.remote_signing and inputs.internet == STABLE:
            score += 30
        if inputs.internet == UNRELIABLE:
            score -= 40
    if item.id == "server-scu" and inputs.virtualised_server and context.option.kind == catalog.HARDWARE:
        score -= 15
    return score


def _fair_use(item, context):
    if context.country.code != "DE":
        return
    inputs = context.inputs
    devices = max(item.queues, inputs.pos_systems + inputs.terminals)
    outlets = []
    if devices > FAIR_USE_DEVICES:
        outlets.append(math.ceil(devices / FAIR_USE_DEVICES))
        item.warn(
            "DE-FAIR-USE-QUEUES",
            _("%(n)d queues or devices in one outlet exceed the fair-use limit of %(limit)d.")
            % {"n": devices, "limit": FAIR_USE_DEVICES},
        )
    if inputs.monthly_receipts:
        signatures = inputs.monthly_receipts * SIGNATURES_PER_RECEIPT
        if signatures > FAIR_USE_SIGNATURES_PER_MONTH:
            outlets.append(math.ceil(signatures / FAIR_USE_SIGNATURES_PER_MONTH))
            item.warn(
                "DE-FAIR-USE-SIGNATURES",
                _("About %(n)d signatures a month exceed the fair-use limit of %(limit)d.")
                % {"n": signatures, "limit": FAIR_USE_SIGNATURES_PER_MONTH},
            )
    if outlets:
        item.warn(
            "DE-FAIR-USE-VIRTUAL-OUTLETS", _("Split the outlet into %(n)d virtual outlets (same address).") % {"n": max(outlets)}
        )


def _explain_ranking(allowed, context):
    """Comparative sentences, so the order reads as a dealer would argue it."""
    if not allowed:
        return
    fewest = min(item.tses for item in allowed)
    for item in allowed:
        notes = []
        if item.rank == 1 and len(allowed) > 1:
            notes.append(_("Best fit for this outlet among %(n)d possible scenarios.") % {"n": len(allowed)})
        if item.tses == fewest and not context.virtual and len({i.tses for i in allowed}) > 1:
            notes.append(_("Fewest signing devices (%(n)d).") % {"n": item.tses})
        if not any(w["code"] == "SINGLE-POINT-OF-FAILURE" for w in item.warnings):
            notes.append(_("No single point of failure."))
        if item.load_per_tse and item.load_per_tse <= TSE_SIGNATURES_PER_SECOND and not context.virtual:
            notes.append(
                _("Peak load %(load).1f signatures a second per device, within the %(limit)d a TSE handles well.")
                % {"load": item.load_per_tse, "limit": TSE_SIGNATURES_PER_SECOND}
            )
        item.explanation = notes + item.explanation


def validate(inputs):
    """Errors per field for bad inputs (the API and the wizard show them)."""
    errors = {}
    country = catalog.country(inputs.country)
    if country is None:
        errors["country"] = _("Choose one of %(codes)s.") % {"codes": ", ".join(catalog.COUNTRIES)}
    elif country.signing_option(inputs.signing) is None:
        errors["signing"] = _("Choose a signing option of %(country)s: %(ids)s.") % {
            "country": country.name,
            "ids": ", ".join(o.id for o in country.signing_options),
        }
    if inputs.pos_systems + inputs.terminals == 0:
        errors["pos_systems"] = _("An outlet has at least one POS system or terminal.")
    return errors


def assess(inputs):
    """Every scenario with allowed/reasons, counts, warnings and a rank among the allowed ones."""
    context = Context(inputs)
    items = []
    for assessor in ASSESSORS:
        item = assessor(context)
        _fair_use(item, context)
        item.score = _score(item, context)
        items.append(item)
    allowed = sorted((i for i in items if i.allowed), key=lambda i: (-i.score, ASSESSORS_ORDER[i.id]))
    for rank, item in enumerate(allowed, start=1):
        item.rank = rank
    _explain_ranking(allowed, context)
    return [item.as_dict() for item in sorted(items, key=lambda i: (i.rank is None, i.rank or 0, ASSESSORS_ORDER[i.id]))]


ASSESSORS_ORDER = {scenario.id: n for n, scenario in enumerate(definitions.SCENARIOS)}
