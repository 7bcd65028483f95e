"""Rules for every country, and the one rule several countries share (a queue signs with
exactly one SCU: Germany, France and Italy)."""

import contextlib
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cashboxes import catalog, configuration
from cashboxes.choices import DeviceKind, LinkMode, Platform
from cashboxes.validation.loader import RETIRED
from cashboxes.validation.registry import ERROR, INFO, RULES, WARNING, Rule, rule

FCC_DEFAULT_PORT = 20001


def _names(items, kind, estate, limit=5):
    labels = sorted(estate.label(kind, item) for item in items)
    text = ", ".join(labels[:limit])
    return text + (f", … (+{len(labels) - limit})" if len(labels) > limit else "")


def _platform_label(platform):
    return str(Platform(platform).label) if platform in Platform.values else platform


def _is_local(host):
    return not host or host.strip("[]") in configuration.LOCAL_HOSTS


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
        allowed = catalog.schemes_for(cashbox["platform"], estate.launcher_of(cashbox))
        for kind, component in estate.components_of(cashbox["id"]):
            for url in component["urls"]:
                scheme, _host, _port, error = estate.parse(url)
                if error:
                    yield estate.about(kind, component, error, _("Correct the URL on the component."))
                    continue
                if scheme not in allowed and scheme != "net.pipe":  # a named pipe: LAUNCHER-NET-PIPE
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
            alternatives = getattr(known, "required_one_of", ())
            if alternatives and not any(component["parameters"].get(name) for name in alternatives):
                missing.append(_(" or ").join(alternatives))
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


# ------------------------------------------------------------------ several countries


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
