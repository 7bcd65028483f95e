"""Write rules of the configuration, checked when saving (from the models' clean()).

Each function raises django.core.exceptions.ValidationError with a message per field, so the
UI shows it as a form error and the API as a 400 with a message for that field.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cashboxes import catalog
from cashboxes.choices import ComponentState

RESERVED_OUTLET_NUMBERS = {2}  # fiskaltrust keeps outlet number 2 unavailable
MAX_LINK_TIMEOUT_S = 255  # one byte of ftSignaturCreationUnitAT.Mode
HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9\-.]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+")


def check_fixed_fields(instance):
    """Fields listed in `fixed_fields` keep the value they were saved with."""
    if instance._state.adding or not instance.fixed_fields:
        return
    saved = type(instance)._base_manager.filter(pk=instance.pk).values(*instance.fixed_fields).first()
    if saved is None:
        return
    errors = {}
    for name in instance.fixed_fields:
        if saved[name] != getattr(instance, name):
            field = name.removesuffix("_id")
            errors[field] = _("This cannot be changed once saved.")
    if errors:
        raise ValidationError(errors)


def check_same_operator(instance, **related):
    """Every related object belongs to the same operator as the instance."""
    errors = {}
    for name, obj in related.items():
        if obj is not None and obj.operator_id != instance.operator_id:
            errors[name] = _("This belongs to another PosOperator.")
    if errors:
        raise ValidationError(errors)


def check_outlet_number(outlet):
    if outlet._state.adding and outlet.number in RESERVED_OUTLET_NUMBERS:
        raise ValidationError({"number": _("Outlet number 2 is reserved; choose another number.")})


def identification_problem(value, info):
    """Why a CashBoxIdentification does not do in a country (`info`: its catalog entry), or None."""
    if not value.strip():
        return _("This field is required.")
    if not value.isprintable() or not value.isascii() or value != value.strip():
        return _("Use printable characters only (letters, digits, punctuation), without spaces at the ends.")
    if info and info.identification_exact and len(value) != info.identification_exact:
        return _("In this country it has exactly %(n)d characters.") % {"n": info.identification_exact}
    if info and len(value) > info.identification_max:
        return _("In this country it has at most %(n)d characters.") % {"n": info.identification_max}
    if info and info.identification_pattern and not re.fullmatch(info.identification_pattern, value):
        return str(info.identification_rule)
    return None


def check_identification(queue):
    """CashBoxIdentification: printable, within the country's length and pattern."""
    message = identification_problem(queue.cashbox_identification or "", catalog.country(queue.country))
    if message:
        raise ValidationError({"cashbox_identification": message})


def _platform_label(platform):
    from cashboxes.choices import Platform

    return str(Platform(platform).label) if platform in Platform.values else platform


def check_platform(component, platforms):
    """The package runs on the operating system of the component's machine."""
    platform = component.cashbox.platform
    if platform not in platforms:
        raise ValidationError(
            {
                "package": _("%(package)s does not run on %(platform)s; it runs on %(platforms)s.")
                % {
                    "package": component.package,
                    "platform": _platform_label(platform),
                    "platforms": ", ".join(map(_platform_label, platforms)),
                }
            }
        )


def parse_url(url):
    """(scheme, host, port) of a component URL; raises ValueError with a message."""
    parts = urlsplit(url)
    if not parts.scheme or not (parts.hostname or parts.scheme == "net.pipe"):
        raise ValueError(_("%(url)s is not a URL such as grpc://localhost:1401.") % {"url": url})
    try:
        port = parts.port
    except ValueError:
        raise ValueError(_("%(url)s has a port that is not a number between 0 and 65535.") % {"url": url})
    if parts.scheme != "net.pipe" and port is None:
        port = catalog.DEFAULT_PORTS.get(parts.scheme)
        if port is None:
            raise ValueError(_("%(url)s needs a port.") % {"url": url})
    return parts.scheme, parts.hostname, port


def check_urls(component, cashbox):
    """URLs parse, use a scheme the machine's launcher hosts on its platform, and are not doubled."""
    urls = component.urls or []
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise ValidationError({"urls": _("Give the URLs as a list of text.")})
    platform, launcher = cashbox.platform, cashbox.launcher
    allowed = catalog.schemes_for(platform, launcher)
    for url in urls:
        try:
            scheme, _host, _port = parse_url(url)
        except ValueError as error:
            raise ValidationError({"urls": str(error)})
        if scheme == "net.pipe" and launcher != catalog.LAUNCHER_1:
            raise ValidationError(
                {
                    "urls": _("%(launcher)s does not host net.pipe:// (only Launcher 1.x did); use one of %(allowed)s.")
                    % {"launcher": catalog.LAUNCHER_LABELS[launcher], "allowed": ", ".join(f"{s}://" for s in allowed)}
                }
            )
        if scheme not in allowed:
            raise ValidationError(
                {
                    "urls": _("%(scheme)s:// is not supported on %(platform)s; use one of %(allowed)s.")
                    % {"scheme": scheme, "platform": _platform_label(platform), "allowed": ", ".join(f"{s}://" for s in allowed)}
                }
            )
    if len(set(urls)) != len(urls):
        raise ValidationError({"urls": _("A URL is listed twice.")})


def check_helper_launcher(helper, cashbox):
    """The helper is one the machine's launcher loads."""
    package = catalog.helper_package(helper.package)
    launcher = cashbox.launcher
    if package is not None and launcher not in package.launchers:
        if launcher == catalog.ANDROID_LAUNCHER:
            message = _("The Android launcher runs no configured helpers (it brings its own).")
        else:
            message = _("%(package)s does not load on %(launcher)s; it needs %(needed)s.") % {
                "package": helper.package,
                "launcher": catalog.LAUNCHER_LABELS[launcher],
                "needed": ", ".join(str(catalog.LAUNCHER_LABELS[name]) for name in package.launchers),
            }
        raise ValidationError({"package": message})


def listening_ports(urls):
    ports = set()
    for url in urls or []:
        try:
            scheme, _host, port = parse_url(url)
        except ValueError:
            continue
        if scheme != "net.pipe" and port:
            ports.add(port)
    return ports


def check_ports(component, siblings):
    """No two components of one machine listen on the same port."""
    mine = listening_ports(component.urls)
    for other in siblings:
        if other.pk == component.pk:
            continue
        clash = mine & listening_ports(other.urls)
        if clash:
            raise ValidationError(
                {"urls": _("Port %(port)s is already used by %(other)s on this machine.") % {"port": min(clash), "other": other}}
            )


def check_parameters(definitions, values, secrets, keep_secrets=()):
    """Validate package parameters against the catalog; returns (clean values, clean secrets).

    `keep_secrets` names secrets already stored: leaving them empty keeps them.
    """
    known = {p.name: p for p in definitions}
    errors = {}
    unknown = sorted(set(values) - set(known) | set(secrets) - set(known))
    if unknown:
        errors["parameters"] = _("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)}
    clean_values, clean_secrets = {}, {}
    for param in definitions:
        raw = (secrets if param.secret else values).get(param.name)
        if raw in (None, "") and param.secret and param.name in keep_secrets:
            continue
        try:
            value = param.clean(raw)
        except ValueError as error:
            errors[f"parameters.{param.name}"] = f"{param.name}: {error}"
            continue
        if value is None:
            continue
        (clean_secrets if param.secret else clean_values)[param.name] = value
    if errors:
        raise ValidationError(errors)
    return clean_values, clean_secrets


def check_required_one_of(option, values):
    """At least one of the option's alternatives is given (a serial port or a network address)."""
    if option.required_one_of and not any((values or {}).get(name) for name in option.required_one_of):
        raise ValidationError(
            {f"parameters.{option.required_one_of[0]}": _("Give %(names)s.") % {"names": _(" or ").join(option.required_one_of)}}
        )


def check_deletable(component):
    """Queues, SCUs and helpers that were ever in operation are kept for ever (legal reasons)."""
    if component.ever_used:
        raise ValidationError(
            _("%(name)s was in operation and cannot be deleted; take it out of operation instead.") % {"name": component}
        )


def check_state_change(component, old_state):
    order = [ComponentState.CREATED, ComponentState.IN_OPERATION, ComponentState.OUT_OF_OPERATION]
    if old_state and order.index(component.state) < order.index(old_state):
        raise ValidationError({"state": _("A component never goes back to an earlier state.")})
