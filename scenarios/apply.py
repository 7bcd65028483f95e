"""Making a plan and applying it: every CashBox, queue, SCU, signing device, link and terminal
of the plan in one transaction, with a number of queries that does not grow with the plan.

bulk_create skips the models' clean() and signals, so the plan is checked first with the same
rule functions (cashboxes.rules) on the unsaved objects, and the audit log is written in bulk.
"""

from contextlib import nullcontext
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cashboxes import catalog, keys, rules, versions
from cashboxes.models import CashBox, Queue, QueueScuLink, Scu, SigningDevice, Terminal, default_pos_system
from portal import audit, crypto
from scenarios import advisor, planner
from scenarios.models import Plan


def make_plan(scenario_id, inputs, outlet, user=None):
    """A Plan for an outlet from the advisor's inputs. Raises planner.PlanError when the
    scenario is not allowed there (its reasons are the message)."""
    if outlet.country != inputs.country:
        raise planner.PlanError(
            _("The outlet is in %(outlet)s, the inputs say %(inputs)s.") % {"outlet": outlet.country, "inputs": inputs.country}
        )
    verdict = next((item for item in advisor.assess(inputs) if item["id"] == scenario_id), None)
    if verdict is None:
        raise planner.PlanError(_("Unknown scenario."))
    taken = Queue.objects.filter(operator_id=outlet.operator_id).values_list("cashbox_identification", flat=True)
    data = planner.plan(
        scenario_id,
        inputs,
        {"number": outlet.number, "country": outlet.country, "siret": outlet.siret},
        taken,
        verdict,
    )
    return Plan.objects.create(
        operator_id=outlet.operator_id,
        outlet=outlet,
        scenario=scenario_id,
        inputs=asdict(inputs),
        data=data,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def fill(plan, machines=None, parameters=None):
    """The review step: host names and platforms of machines, and SCU parameters (secrets kept
    encrypted until applied; an empty secret keeps the one given before)."""
    if plan.applied_at:
        raise ValidationError(_("This plan was applied already."))
    data = plan.data
    for machine in data["machines"]:
        changes = (machines or {}).get(machine["key"], {})
        for field in ("hostname", "platform"):
            if changes.get(field):
                machine[field] = changes[field].strip()
    option = catalog.country(data["country"]).signing_option(data["signing"])
    secret_names = option.secret_names
    secrets = crypto.decrypt_json(plan.secrets_encrypted)
    for scu in data["scus"]:
        given = (parameters or {}).get(scu["key"], {})
        for name, value in given.items():
            if name in secret_names:
                if value not in (None, ""):
                    secrets.setdefault(scu["key"], {})[name] = value
            elif value in (None, ""):
                scu["parameters"].pop(name, None)
            else:
                scu["parameters"][name] = value
    plan.data = data
    plan.secrets_encrypted = crypto.encrypt_json(secrets)
    plan.save(update_fields=["data", "secrets_encrypted"])
    return plan


def _build(plan):
    """Unsaved model instances for the plan, related to each other in memory."""
    data, outlet, operator_id = plan.data, plan.outlet, plan.operator_id
    option = catalog.country(data["country"]).signing_option(data["signing"])
    secrets = crypto.decrypt_json(plan.secrets_encrypted)
    machines = {m["key"]: m for m in data["machines"]}
    built = {"cashboxes": {}, "devices": {}, "scus": {}, "queues": {}, "links": [], "terminals": []}
    for item in data["cashboxes"]:
        machine = machines[item["machine"]]
        built["cashboxes"][item["key"]] = CashBox(
            operator_id=operator_id,
            outlet=outlet,
            description=item["description"],
            machine_role=machine["role"],
            hostname=machine["hostname"],
            platform=machine["platform"],
        )
    host_cashbox = {c["machine"]: built["cashboxes"][c["key"]] for c in data["cashboxes"]}
    for item in data["devices"]:
        built["devices"][item["key"]] = SigningDevice(
            operator_id=operator_id,
            outlet=outlet,
            kind=option.kind,
            vendor=option.id,
            max_clients=option.max_clients,
            description=item["description"],
            host_cashbox=host_cashbox.get(item["host_machine"]),
        )
    for item in data["scus"]:
        scu = Scu(
            operator_id=operator_id,
            outlet=outlet,
            cashbox=built["cashboxes"][item["cashbox"]],
            package=item["package"],
            version=versions.newest(item["package"]) if option.placement == catalog.COMPONENT else "",
            description=_("SCU %(key)s") % {"key": item["key"].removeprefix("scu-")},
            urls=[url] if (url := planner.url(data, item)) else [],
            parameters=dict(item["parameters"]),
            signing_device=built["devices"].get(item["device"]),
        )
        scu.set_secrets(secrets.get(item["key"], {}))
        if option.own_certificate:  # as Scu.clean() does for one made by hand
            scu.private_key_encrypted, scu.certificate = keys.new_signing_certificate(
                scu.parameters.get("CompanyName", ""), outlet.siret
            )
        built["scus"][item["key"]] = scu
    pos_system = default_pos_system(operator_id)
    for item in data["queues"]:
        queue = Queue(
            operator_id=operator_id,
            outlet=outlet,
            cashbox=built["cashboxes"][item["cashbox"]],
            package=item["package"],
            version=versions.newest(item["package"]),
            pos_system=pos_system,
            country=data["country"],
            cashbox_identification=item["identification"],
            urls=[planner.url(data, item)],
        )
        queue.set_secrets({})
        built["queues"][item["key"]] = queue
    for item in data["links"]:
        built["links"].append(
            QueueScuLink(operator_id=operator_id, queue=built["queues"][item["queue"]], scu=built["scus"][item["scu"]])
        )
    for item in data["terminals"]:
        built["terminals"].append(
            Terminal(
                operator_id=operator_id, queue=built["queues"][item["queue"]], name=item["name"], terminal_id=item["terminal_id"]
            )
        )
    return built, option


def _check(built, option, plan):
    """The CashBox builder's write rules, on the unsaved objects (no query per object)."""
    problems = []

    def collect(check, *args):
        try:
            check(*args)
        except ValidationError as error:
            problems.extend(f"{label}: {message}" for label, message in _messages(error, args[0]))

    country = catalog.country(plan.data["country"])
    components = {}
    for cashbox in built["cashboxes"].values():
        if not rules.HOSTNAME.fullmatch(cashbox.hostname or ""):
            problems.append(_("%(machine)s: enter a host name or an IP address.") % {"machine": cashbox.description})
    for scu in built["scus"].values():
        components.setdefault(id(scu.cashbox), []).append(scu)
        collect(rules.check_urls, scu, scu.cashbox)
        collect(rules.check_platform, scu, option.platforms)
        collect(lambda s: rules.check_parameters(option.parameters, s.parameters, s.secrets), scu)
        collect(lambda s: rules.check_required_one_of(option, s.parameters), scu)
        if scu.version or option.placement == catalog.COMPONENT:
            collect(lambda s: _version(s), scu)
    queue_package = {q.package: q for q in country.queue_packages}
    for queue in built["queues"].values():
        components.setdefault(id(queue.cashbox), []).append(queue)
        collect(rules.check_identification, queue)
        collect(lambda q: _version(q), queue)
        collect(rules.check_urls, queue, queue.cashbox)
        collect(rules.check_platform, queue, queue_package[queue.package].platforms)
    for siblings in components.values():
        # No two components of one machine on a port (one pass; rules.check_ports compares pairs).
        owner = {}
        for component in siblings:
            for port in rules.listening_ports(component.urls):
                if port in owner:
                    problems.append(
                        _("%(a)s: port %(port)s is already used by %(b)s on this machine.")
                        % {"a": component, "port": port, "b": owner[port]}
                    )
                owner.setdefault(port, component)
    per_queue, per_device = {}, {}
    for link in built["links"]:
        per_queue[id(link.queue)] = per_queue.get(id(link.queue), 0) + 1
        if link.scu.signing_device is not None:
            per_device.setdefault(id(link.scu.signing_device), set()).add(id(link.queue))
    if country.scu_links == "one" and any(count > 1 for count in per_queue.values()):
        problems.append(_("In %(country)s a queue has exactly one SCU.") % {"country": country.name})
    for device in built["devices"].values():
        clients = len(per_device.get(id(device), ()))
        if device.max_clients is not None and clients > device.max_clients:
            problems.append(
                _("%(device)s would serve %(n)d queues; it takes %(max)d.")
                % {"device": device, "n": clients, "max": device.max_clients}
            )
    identifications = [queue.cashbox_identification for queue in built["queues"].values()]
    if len(set(identifications)) != len(identifications):
        problems.append(_("Two planned queues have the same CashBoxIdentification."))
    clash = Queue.objects.filter(operator_id=plan.operator_id, cashbox_identification__in=identifications).values_list(
        "cashbox_identification", flat=True
    )
    problems.extend(_("CashBoxIdentification %(id)s is used by another queue.") % {"id": value} for value in clash)
    if problems:
        raise ValidationError(problems)


def _version(component):
    message = versions.problem(component.package, component.version)
    if message:
        raise ValidationError({"version": message})


def _messages(error, obj):
    label = str(obj)
    if hasattr(error, "error_dict"):
        return [(label, message) for messages in error.message_dict.values() for message in messages]
    return [(label, message) for message in error.messages]


def check(plan):
    """The problems that keep the plan from being applied (an empty list when it can be)."""
    built, option = _build(plan)
    try:
        _check(built, option, plan)
    except ValidationError as error:
        return error.messages
    return []


@transaction.atomic
def apply(plan, user=None):
    """Create everything the plan describes, once. Returns {"cashboxes": [ids], ...}."""
    plan = Plan.objects.select_for_update().select_related("outlet").get(pk=plan.pk)
    if plan.applied_at:
        return plan.result
    built, option = _build(plan)
    _check(built, option, plan)
    for cashbox in built["cashboxes"].values():
        cashbox.private_key_encrypted = keys.new_private_key()
    CashBox.objects.bulk_create(built["cashboxes"].values())
    SigningDevice.objects.bulk_create(built["devices"].values())
    Scu.objects.bulk_create(built["scus"].values())
    Queue.objects.bulk_create(built["queues"].values())
    QueueScuLink.objects.bulk_create(built["links"])
    Terminal.objects.bulk_create(built["terminals"])
    with audit.acting_as(user) if getattr(user, "is_authenticated", False) else nullcontext():
        audit.record_created(
            [
                *built["cashboxes"].values(),
                *built["devices"].values(),
                *built["scus"].values(),
                *built["queues"].values(),
                *built["links"],
                *built["terminals"],
            ]
        )
    plan.result = {
        "cashboxes": [str(c.id) for c in built["cashboxes"].values()],
        "queues": [str(q.id) for q in built["queues"].values()],
        "scus": [str(s.id) for s in built["scus"].values()],
        "signing_devices": [str(d.id) for d in built["devices"].values()],
        "terminals": [str(t.id) for t in built["terminals"]],
    }
    plan.applied_at = timezone.now()
    plan.secrets_encrypted = ""  # they live on the SCUs now
    plan.save(update_fields=["result", "applied_at", "secrets_encrypted"])
    return plan.result
