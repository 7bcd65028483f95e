"""Rules about what the launchers and the middleware read (brief section 2; the facts and their
upstream sources are in ../shared/domain/middleware-conformance.md and tests/conformance).

The write rules refuse these on every new save; an estate built before them is told here what to
fix: a version the launcher would freeze on, a URL or helper the machine's launcher does not host,
a German CashBoxIdentification that is no TSE client id, a hosted SCU without an address, a
French SCU without its key pair, keys the middleware does not read.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cashboxes import catalog, rules, versions
from cashboxes.validation.common import _package_of, _platform_label
from cashboxes.validation.loader import RETIRED
from cashboxes.validation.registry import ERROR, INFO, WARNING, rule


def _launcher_label(launcher):
    return str(catalog.LAUNCHER_LABELS[launcher])


def _machines(estate):
    """(CashBox, its launcher) of the CashBoxes the rules look at."""
    for cashbox in estate.focus_cashboxes():
        yield cashbox, estate.launcher_of(cashbox)


@rule("VERSION-NOT-PINNED", ERROR, title=gettext_lazy("Every package pins one released version"))
def version_not_pinned(estate):
    for cashbox in estate.focus_cashboxes():
        for kind, component in estate.components_of(cashbox["id"]):
            if component["state"] == RETIRED:
                continue
            known, _info = _package_of(estate, kind, component)
            if kind == "scu" and known is not None and known.placement != catalog.COMPONENT:
                continue  # a hosted or in-queue SCU is no package of the machine
            message = versions.problem(component["package"], component["version"])
            if message:
                yield estate.about(
                    kind,
                    component,
                    _("%(component)s names version “%(version)s”: %(why)s")
                    % {"component": estate.label(kind, component), "version": component["version"], "why": message},
                    _("Enter a released version on the component (empty takes the newest the portal knows), then rebuild."),
                )


@rule("LAUNCHER-NET-PIPE", ERROR, title=gettext_lazy("No net.pipe:// URL on a Launcher 2.0 or Android machine"))
def launcher_net_pipe(estate):
    for cashbox, launcher in _machines(estate):
        if launcher == catalog.LAUNCHER_1:
            continue
        for kind, component in estate.components_of(cashbox["id"]):
            pipes = [url for url in component["urls"] if estate.parse(url)[0] == "net.pipe"]
            if pipes:
                yield estate.about(
                    kind,
                    component,
                    _("%(component)s listens on %(url)s, which %(launcher)s does not host: no host starts for it.")
                    % {"component": estate.label(kind, component), "url": pipes[0], "launcher": _launcher_label(launcher)},
                    _("Replace it with a grpc:// or rest:// URL on a free port."),
                )


@rule("LAUNCHER-HELPER", ERROR, title=gettext_lazy("Helpers are ones the machine's launcher loads"))
def launcher_helper(estate):
    for cashbox, launcher in _machines(estate):
        for helper in estate.helpers_of_cashbox[cashbox["id"]]:
            package = catalog.helper_package(helper["package"])
            if helper["state"] == RETIRED or package is None or launcher in package.launchers:
                continue
            yield estate.about(
                "helper",
                helper,
                _("%(helper)s (%(package)s) does not load on %(launcher)s (%(machine)s).")
                % {
                    "helper": estate.label("helper", helper),
                    "package": helper["package"],
                    "launcher": _launcher_label(launcher),
                    "machine": cashbox["description"],
                },
                _("Remove it, or use a helper of %(launcher)s.") % {"launcher": _launcher_label(launcher)}
                if launcher != catalog.ANDROID_LAUNCHER
                else _("Remove it: the Android launcher runs only its own helper."),
            )


@rule("ANDROID-COUNTRY", ERROR, title=gettext_lazy("Android CashBoxes only where the Android launcher serves"))
def android_country(estate):
    for cashbox, _launcher in _machines(estate):
        outlet = estate.outlets.get(cashbox["outlet_id"]) or {}
        if cashbox["platform"] == catalog.ANDROID and outlet.get("country") not in catalog.ANDROID_COUNTRIES:
            yield estate.about(
                "cashbox",
                cashbox,
                _("%(machine)s is an Android machine in %(country)s, where no Android launcher runs the middleware.")
                % {"machine": cashbox["description"], "country": outlet.get("country", "?")},
                _("Run it on %(platforms)s.") % {"platforms": ", ".join(_platform_label(p) for p in catalog.PC_PLATFORMS)},
            )


@rule("ANDROID-HELIPAD", INFO, title=gettext_lazy("Android machines fetch their configuration from fiskaltrust"))
def android_helipad(estate):
    for cashbox, launcher in _machines(estate):
        if launcher == catalog.ANDROID_LAUNCHER and estate.queues_of_cashbox[cashbox["id"]]:
            yield estate.about(
                "cashbox",
                cashbox,
                _("%(machine)s runs the Android launcher, which takes its configuration from fiskaltrust's helipad only.")
                % {"machine": cashbox["description"]},
                _("Create the same CashBox at fiskaltrust and give the app its CashBox id and access token from there."),
            )


@rule("DE-IDENTIFICATION-CLIENT-ID", ERROR, "DE", gettext_lazy("CashBoxIdentification: a TSE client id"))
def de_identification_client_id(estate):
    info = catalog.country("DE")
    for queue in estate.active_queues("DE"):
        value = queue["cashbox_identification"] or ""
        message = rules.identification_problem(value, info)
        if message:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s: %(why)s") % {"queue": value, "why": message},
                _(
                    "A CashBoxIdentification never changes: replace the queue by one with 2 to 30 letters, digits and "
                    "dashes (delete it if it never ran, else take it out of operation)."
                ),
            )


@rule("HOSTED-SCU-URL", ERROR, title=gettext_lazy("A hosted SCU has the absolute address its queues call"))
def hosted_scu_url(estate):
    for scu in estate.active_scus():
        option = estate.option(scu)
        if option is None or option.placement != catalog.SERVICE:
            continue
        url = scu["parameters"].get("Url")
        try:
            option.parameter("Url").clean(url)
        except ValueError:
            yield estate.about(
                "scu",
                scu,
                _("%(scu)s has no absolute URL (it has “%(url)s”): its queues connect no SCU and sign nothing.")
                % {"scu": estate.label("scu", scu), "url": url or ""},
                _("Enter the address of the hosted SCU in its Url parameter, then rebuild the CashBoxes of its queues."),
                related=[q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]]],
            )


@rule("FR-SCU-CERTIFICATE", ERROR, "FR", gettext_lazy("A French SCU has its key pair and certificate"))
def fr_scu_certificate(estate):
    for scu in estate.active_scus("FR"):
        option = estate.option(scu)
        if option is not None and option.own_certificate and not scu.get("has_certificate"):
            yield estate.about(
                "scu",
                scu,
                _("%(scu)s has no key pair: its queues cannot sign a receipt.") % {"scu": estate.label("scu", scu)},
                _("Save the SCU once: the portal makes its key pair and certificate."),
                related=[q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]]],
            )


@rule("PARAMETERS-UNREAD", WARNING, title=gettext_lazy("Components carry only keys the middleware reads"))
def parameters_unread(estate):
    for cashbox in estate.focus_cashboxes():
        for kind, component in estate.components_of(cashbox["id"]):
            if kind == "helper" or component["state"] == RETIRED:
                continue
            known, info = _package_of(estate, kind, component)
            if known is None:
                continue
            names = {p.name for p in known.parameters} | {p.name for p in (info.queue_parameters if kind == "queue" else ())}
            unread = sorted(set(component["parameters"]) - names)
            if unread:
                yield estate.about(
                    kind,
                    component,
                    _("%(component)s carries %(names)s, which its package does not read.")
                    % {"component": estate.label(kind, component), "names": ", ".join(unread)},
                    _("Open the component and save it: the portal drops them."),
                )


@rule("DE-POS-SYSTEM", WARNING, "DE", gettext_lazy("Queues name their PosSystem (master data)"))
def de_pos_system(estate):
    for queue in estate.active_queues("DE"):
        if not queue.get("pos_system_id"):
            yield estate.about(
                "queue",
                queue,
                _(
                    "Queue %(queue)s names no PosSystem: its master data (DSFinV-K, the tax-office notification) lack the register's brand, model and software version."
                )
                % {"queue": queue["cashbox_identification"]},
                _("Choose the PosSystem on the queue."),
            )
