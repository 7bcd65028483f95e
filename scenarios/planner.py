"""Scenario + inputs + outlet -> a concrete plan (pure): machines, CashBoxes, queues, SCUs,
signing devices, terminals and links, with names, URLs and ports that do not collide.

The plan is plain data (JSON-serialisable), reviewed and filled in the wizard (host names, SCU
parameters), then applied by scenarios.apply. Keys ("pos-1", "q-pos-1", ...) name the parts
inside the plan.
"""

import math

from django.utils.translation import gettext as _

from cashboxes import catalog
from scenarios.advisor import Context, tses_needed

QUEUE_PACKAGE = "fiskaltrust.Middleware.Queue.SQLite"
QUEUE_PORT, SCU_PORT = 1200, 1400


class PlanError(ValueError):
    """The scenario is not possible for these inputs; the message says why."""


def _machine(key, name, role, platform="windows", hostname=None):
    return {"key": key, "name": name, "role": role, "hostname": hostname or f"{key}.local", "platform": platform}


class Builder:
    def __init__(self, context, outlet, taken_identifications):
        self.context = context
        self.outlet = outlet
        self.taken = set(taken_identifications)
        self.plan = {
            "machines": [],
            "cashboxes": [],
            "devices": [],
            "scus": [],
            "queues": [],
            "links": [],
            "terminals": [],
        }
        self.ports = {}  # cashbox key -> ports taken on its machine

    # ---------------------------------------------------------- parts

    def machine(self, key, name, role, platform="windows"):
        self.plan["machines"].append(_machine(key, name, role, platform))
        cashbox = {"key": f"cb-{key}", "machine": key, "description": name}
        self.plan["cashboxes"].append(cashbox)
        return cashbox["key"]

    def machine_only(self, key, name, role):
        """A machine without middleware (a terminal)."""
        self.plan["machines"].append(_machine(key, name, role, "android"))

    def _port(self, cashbox, base):
        """The first free port from `base` on the cashbox's machine (more than 200 queues on
        one host would otherwise reach the SCUs' ports)."""
        taken = self.ports.setdefault(cashbox, set())
        port = base
        while port in taken:
            port += 1
        taken.add(port)
        return port

    def identification(self, label):
        exact = self.context.option.identification_length
        if exact:  # e.g. the Epson RT server: 4 characters for the store, 4 for the till
            store_digits = exact // 2
            store = f"{int(self.outlet['number']):0{store_digits}d}"[-store_digits:]
            n = 1
            while (candidate := f"{store}{n:0{exact - store_digits}d}") in self.taken:
                n += 1
            self.taken.add(candidate)
            return candidate
        base = f"{self.outlet['number']}-{label}".upper()
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        limit = self.context.country.identification_max
        candidate = candidate[:limit]
        self.taken.add(candidate)
        return candidate

    def queue(self, cashbox, key, label, network=False):
        """A queue; `network`: called from other machines (terminals), so it listens on the
        machine's address rather than localhost."""
        port = self._port(cashbox, QUEUE_PORT)
        self.plan["queues"].append(
            {
                "key": key,
                "cashbox": cashbox,
                "package": QUEUE_PACKAGE,
                "identification": self.identification(label),
                "port": port,
                "network": network,
            }
        )
        return key

    def device(self, key, host_machine=None):
        option = self.context.option
        if option.kind == catalog.VIRTUAL:
            return None
        self.plan["devices"].append(
            {
                "key": key,
                "vendor": option.id,
                "kind": option.kind,
                "host_machine": host_machine,
                "description": f"{option.label} {key}",
            }
        )
        return key

    def scu(self, cashbox, key, device, serves_others=False):
        option = self.context.option
        port = self._port(cashbox, SCU_PORT) if option.placement == catalog.COMPONENT else None
        parameters = {p.name: p.default for p in option.parameters if p.default is not None and not p.secret}
        if option.parameter("Siret"):
            parameters["Siret"] = self.outlet.get("siret", "")
        self.plan["scus"].append(
            {
                "key": key,
                "cashbox": cashbox,
                "package": option.package,
                "port": port,
                "network": serves_others,
                "device": device,
                "parameters": parameters,
                "to_fill": [p.name for p in option.parameters if p.required and p.name not in parameters],
            }
        )
        return key

    def link(self, queue, scu):
        self.plan["links"].append({"queue": queue, "scu": scu})

    def terminal(self, n, queue):
        key = f"terminal-{n}"
        self.machine_only(key, _("Terminal %(n)d") % {"n": n}, "terminal")
        self.plan["terminals"].append(
            {"key": key, "name": _("Terminal %(n)d") % {"n": n}, "terminal_id": f"T{n:02d}", "queue": queue}
        )

    # ---------------------------------------------------------- shapes

    def own_scu_per_cashbox(self, cashbox, queue, name):
        device = self.device(
            f"tse-{name}", host_machine=cashbox.removeprefix("cb-") if self.context.option.kind == catalog.HARDWARE else None
        )
        scu = self.scu(cashbox, f"scu-{name}", device)
        self.link(queue, scu)

    def shared_scus(self, host_cashbox, queues, remote):
        """SCUs on a host, each with its own device, shared by the queues (client limit, load)."""
        count = tses_needed(len(queues), self.context.load, self.context.option.max_clients)
        per_scu = math.ceil(len(queues) / count)
        host_machine = host_cashbox.removeprefix("cb-")
        for n in range(count):
            device = self.device(
                f"tse-{n + 1}", host_machine=host_machine if self.context.option.kind == catalog.HARDWARE else None
            )
            scu = self.scu(host_cashbox, f"scu-{n + 1}", device, serves_others=remote)
            for queue in queues[n * per_scu : (n + 1) * per_scu]:
                self.link(queue, scu)


def _pos_with_queues(builder, count, start=1):
    keys = []
    for n in range(start, count + 1):
        cashbox = builder.machine(f"pos-{n}", _("POS %(n)d") % {"n": n}, "pos")
        keys.append((cashbox, builder.queue(cashbox, f"q-pos-{n}", f"POS{n}")))
    return keys


def _scu_per_pos(builder, inputs):
    for cashbox, queue in _pos_with_queues(builder, inputs.pos_systems):
        builder.own_scu_per_cashbox(cashbox, queue, cashbox.removeprefix("cb-"))


def _server_scu(builder, inputs):
    server = builder.machine("server", _("Server"), "server", "linux")
    queues = [queue for _cashbox, queue in _pos_with_queues(builder, inputs.pos_systems)]
    builder.shared_scus(server, queues, remote=True)


def _main_pos_scu(builder, inputs):
    tills = _pos_with_queues(builder, inputs.pos_systems)
    main = tills[0][0]
    builder.shared_scus(main, [queue for _cashbox, queue in tills], remote=True)


def _shared_cloud_tse(builder, inputs):
    device = builder.device("tss-1")
    for cashbox, queue in _pos_with_queues(builder, inputs.pos_systems):
        name = cashbox.removeprefix("cb-")
        scu = builder.scu(cashbox, f"scu-{name}", device)
        builder.link(queue, scu)


def _terminal_host(builder, inputs):
    """The host of the terminals' queues: the server if there is one, else POS 1."""
    tills = _pos_with_queues(builder, inputs.pos_systems)
    if inputs.has_server:
        return builder.machine("server", _("Server"), "server", "linux"), tills, None
    return tills[0][0], tills, tills[0][1]


def _sign_queues(builder, host, queues, remote):
    context = builder.context
    if context.virtual or context.single_client or context.hosted_service:
        for queue in queues:
            cashbox = next(q["cashbox"] for q in builder.plan["queues"] if q["key"] == queue)
            builder.own_scu_per_cashbox(cashbox, queue, queue.removeprefix("q-"))
    else:
        builder.shared_scus(host, queues, remote=remote)


def _terminals_shared_queue(builder, inputs):
    host, tills, host_queue = _terminal_host(builder, inputs)
    if host_queue is None:
        host_queue = builder.queue(host, "q-terminals", "TERMINALS", network=True)
    else:  # the main till's own queue: the terminals call it over the network
        next(q for q in builder.plan["queues"] if q["key"] == host_queue)["network"] = True
    for n in range(1, inputs.terminals + 1):
        builder.terminal(n, host_queue)
    queues = [queue for _cashbox, queue in tills] + ([host_queue] if inputs.has_server else [])
    _sign_queues(builder, host, queues, remote=len(tills) > (0 if inputs.has_server else 1))


def _terminals_queue_per_terminal(builder, inputs):
    host, tills, _host_queue = _terminal_host(builder, inputs)
    terminal_queues = []
    for n in range(1, inputs.terminals + 1):
        queue = builder.queue(host, f"q-terminal-{n}", f"T{n:02d}", network=True)
        builder.terminal(n, queue)
        terminal_queues.append(queue)
    queues = [queue for _cashbox, queue in tills] + terminal_queues
    _sign_queues(builder, host, queues, remote=len(tills) > (0 if inputs.has_server else 1))


def _hosted(builder, inputs):
    centre = builder.machine("data-centre", _("Data centre"), "data-centre", "linux")
    queues = [builder.queue(centre, f"q-pos-{n}", f"POS{n}", network=True) for n in range(1, max(inputs.pos_systems, 1) + 1)]
    for n in range(1, inputs.pos_systems + 1):
        builder.machine_only(f"pos-{n}", _("POS %(n)d") % {"n": n}, "pos")
    for n in range(1, inputs.terminals + 1):
        builder.terminal(n, queues[(n - 1) % len(queues)])
    context = builder.context
    if context.virtual or context.hosted_service or context.single_client:
        for queue in queues:
            builder.own_scu_per_cashbox(centre, queue, queue.removeprefix("q-"))
    else:
        builder.shared_scus(centre, queues, remote=False)


SHAPES = {
    "scu-per-pos": _scu_per_pos,
    "server-scu": _server_scu,
    "main-pos-scu": _main_pos_scu,
    "shared-cloud-tse": _shared_cloud_tse,
    "terminals-shared-queue": _terminals_shared_queue,
    "terminals-queue-per-terminal": _terminals_queue_per_terminal,
    "hosted-middleware": _hosted,
}


def plan(scenario_id, inputs, outlet, taken_identifications=(), allowed=None):
    """A concrete plan. `outlet`: {"number", "country", "siret"}. `allowed`: the advisor's
    verdict for this scenario (raises PlanError with its reasons when not allowed)."""
    if scenario_id not in SHAPES:
        raise PlanError(_("Unknown scenario."))
    if allowed is not None and not allowed["allowed"]:
        raise PlanError(" ".join(allowed["reasons"]))
    if outlet["country"] != inputs.country:
        raise PlanError(
            _("The outlet is in %(outlet)s, the inputs say %(inputs)s.") % {"outlet": outlet["country"], "inputs": inputs.country}
        )
    builder = Builder(Context(inputs), outlet, taken_identifications)
    SHAPES[scenario_id](builder, inputs)
    result = builder.plan
    result.update(scenario=scenario_id, country=inputs.country, signing=inputs.signing)
    return result


def url(plan_data, item):
    """The URL of a planned queue or SCU, from its machine's (possibly edited) host name."""
    if item.get("port") is None:
        return None
    if not item.get("network"):
        return f"grpc://localhost:{item['port']}"
    machine_key = next(c["machine"] for c in plan_data["cashboxes"] if c["key"] == item["cashbox"])
    hostname = next(m["hostname"] for m in plan_data["machines"] if m["key"] == machine_key)
    return f"grpc://{hostname}:{item['port']}"
