"""Rules for Germany (KassenSichV; brief section 4.1): TSEs, their client limits, fair use per
outlet. DE-QUEUE-ONE-SCU is in common.py, shared with France and Italy."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cashboxes import catalog
from cashboxes.capacity import FAIR_USE_DEVICES, FAIR_USE_QUEUES, SIGNATURES_PER_REQUEST, TSE_SIGNATURES_PER_SECOND, number
from cashboxes.choices import ComponentState, DeviceKind, MachineRole, Platform
from cashboxes.validation.loader import RETIRED
from cashboxes.validation.registry import ERROR, INFO, WARNING, rule

# An assumption for DE-TSE-THROUGHPUT: a busy till at its peak makes a receipt every 10 seconds.
BUSY_TILL_RECEIPTS_PER_MINUTE = 6
TSE_RECEIPTS_PER_MINUTE = TSE_SIGNATURES_PER_SECOND * 60 / SIGNATURES_PER_REQUEST


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
        # A Swissbit cloud TSE bought in a bundle takes more queues than one bought alone.
        bundled = device.get("bundle") and option.bundle_max_clients
        known.append(option.bundle_max_clients if bundled else option.max_clients)
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
            clients, limit = estate.device_clients(device), _limit(estate, device) or 1
            target, kind, related = device, "signing_device", _related_of_device(estate, device)
        else:
            clients, limit = len(estate.clients_of_scu[scu["id"]]), 1
            target, kind, related = scu, "scu", [q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]]]
        if clients > limit:
            yield estate.about(
                kind,
                target,
                ngettext(
                    "%(name)s (%(option)s) serves %(n)d queues; this TSE behind the Fiskal Cloud Connector takes %(max)d client.",
                    "%(name)s (%(option)s) serves %(n)d queues; this TSE behind the Fiskal Cloud Connector takes %(max)d clients.",
                    limit,
                )
                % {"name": estate.label(kind, target), "option": option.label, "n": clients, "max": limit},
                _(
                    "Give each queue its own SCU with its own cloud TSE, or use a bundle (up to 25 queues) where the vendor sells one."
                ),
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
