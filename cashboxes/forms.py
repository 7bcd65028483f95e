"""Forms of the configuration pages.

The write rules run once, in cashboxes.services.save() (the models' clean()); `RuleForm` puts
each of their messages on the field it names, or above the form when the form has no such field.
Every choice of a related object comes through the tenancy gate. Package parameters become form
fields generated from the catalog; secrets are write-only.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.forms.models import construct_instance
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cashboxes import catalog, rules, services, versions
from cashboxes.choices import ComponentState
from cashboxes.models import (
    CashBox,
    Helper,
    Outlet,
    Queue,
    QueueScuLink,
    Scu,
    SigningDevice,
    Terminal,
    default_pos_system,
    pos_systems_of,
)
from portal.tenancy import CHANGE

PARAMETER_PREFIX = "p_"


def short_package(package):
    """The last part of a package id: fiskaltrust.Middleware.SCU.DE.FiskalyCertified -> FiskalyCertified."""
    return package.rsplit(".", 1)[-1]


class UrlListField(forms.CharField):
    """A list of URLs, one per line."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}))
        kwargs.setdefault("label", _("URLs"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class KeyValueField(forms.CharField):
    """Free parameters as `name=value` lines (helpers have no catalog of parameters)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{key}={item}" for key, item in value.items())
        return value

    def to_python(self, value):
        pairs = {}
        for line in super().to_python(value).splitlines():
            if not line.strip():
                continue
            key, sep, item = line.partition("=")
            if not sep or not key.strip():
                raise ValidationError(_("Write one name=value per line."))
            pairs[key.strip()] = item.strip()
        return pairs


class RuleForm(forms.ModelForm):
    """A ModelForm whose model rules run in services.save(), with every message on its field.

    Django's ModelForm would run the model's clean() itself and fail (ValueError, a 500) on a
    message for a field the form does not show, such as `parameters.TssId` or `cashbox`.
    """

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self.add_rule_errors(error)

    def prepare(self, instance):
        """Set what the form does not ask (operator, parameters) before the rules run."""

    def save_with_rules(self):
        """Apply the write rules and save. False when a rule says no (its messages are on the form)."""
        try:
            self.prepare(self.instance)
            services.save(self.instance)
        except ValidationError as error:
            self.add_rule_errors(error)
            return False
        return True

    def field_for(self, key):
        """The form field that shows a rule's message about `key`, or None."""
        if key.startswith("parameters."):
            key = PARAMETER_PREFIX + key.removeprefix("parameters.")
        field = self.fields.get(key)
        if field is None or field.widget.is_hidden:
            return None
        return key

    def label_for(self, key):
        if key == NON_FIELD_ERRORS or key.startswith("parameters."):
            return ""
        try:
            return capfirst(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return key

    def add_rule_errors(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = self.field_for(key)
            if name is not None:
                self.add_error(name, errors)
                continue
            label = self.label_for(key)
            messages = [message for item in errors for message in item.messages]
            self.add_error(None, [f"{label}: {message}" if label else message for message in messages])

    def main_fields(self):
        return [field for field in self.visible_fields() if not field.name.startswith(PARAMETER_PREFIX)]

    def parameter_fields(self):
        return [field for field in self.visible_fields() if field.name.startswith(PARAMETER_PREFIX)]


# ------------------------------------------------------------------ package parameters


class ParameterFieldsMixin:
    """Form fields generated from the catalog's Parameter definitions of a package.

    Required parameters are required fields, defaults are the initial value (and placeholder),
    booleans are checkboxes. Secrets are password inputs that never render a value; a stored
    secret shows "set", and leaving it empty keeps it (services.set_parameters).
    """

    stored_secrets = frozenset()

    def add_parameter_fields(self, definitions, required_for=None):
        """`required_for`: name -> labels of the packages that need it, when the package is still to be chosen."""
        instance = self.instance
        values = instance.parameters or {}
        stored = set(instance.secrets)
        adding = instance._state.adding
        self.parameter_definitions = tuple(definitions)
        self.stored_secrets = frozenset(PARAMETER_PREFIX + p.name for p in definitions if p.secret and p.name in stored)
        for param in definitions:
            name = PARAMETER_PREFIX + param.name
            required = param.required and not (param.secret and param.name in stored)
            helps = [str(param.help)] if param.help else []
            if required_for and param.name in required_for:
                required = False
                helps.append(gettext("Required for %(packages)s.") % {"packages": ", ".join(required_for[param.name])})
            field = self.parameter_field(param, required, param.secret and param.name in stored)
            field.label = param.name
            if param.secret and param.name in stored:
                helps.append(gettext("A value is stored; leave empty to keep it, or type a new one."))
            elif param.secret:
                helps.append(gettext("Write-only: it is never shown again."))
            field.help_text = " · ".join(helps)
            if not param.secret:
                default = param.default if adding else None
                field.initial = values.get(param.name, default)
            self.fields[name] = field

    @staticmethod
    def parameter_field(param, required, stored):
        if param.secret:
            placeholder = gettext("set (unchanged)") if stored else ""
            widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "placeholder": placeholder})
            return forms.CharField(required=required, strip=False, widget=widget)
        if param.type == "bool":
            return forms.BooleanField(required=False)
        attrs = {"placeholder": str(param.default)} if param.default is not None else {}
        if param.type == "port":
            return forms.IntegerField(required=required, min_value=1, max_value=65535, widget=forms.NumberInput(attrs=attrs))
        if param.type == "int":
            minimum = getattr(param, "minimum", 0)
            return forms.IntegerField(required=required, min_value=minimum, widget=forms.NumberInput(attrs=attrs))
        if param.choices:
            return forms.ChoiceField(required=required, choices=[("", "---------"), *((c, c) for c in param.choices)])
        return forms.CharField(required=required, widget=forms.TextInput(attrs=attrs))

    def parameter_values(self, definitions=None):
        """The submitted values by parameter name (empty secrets: keep the stored one)."""
        definitions = self.parameter_definitions if definitions is None else definitions
        return {p.name: self.cleaned_data.get(PARAMETER_PREFIX + p.name) for p in definitions}


def suggest_url(cashbox, first_port, exclude=None):
    """grpc://localhost:<the first port from first_port that no component of the machine uses>."""
    used = set()
    for component in [*cashbox.queues.all(), *cashbox.scus.all(), *cashbox.helpers.all()]:
        if exclude is None or component.pk != exclude.pk:
            used |= rules.listening_ports(component.urls)
    port = first_port
    while port in used:
        port += 1
    return f"grpc://localhost:{port}"


# ------------------------------------------------------------------ outlets and CashBoxes


class OutletForm(RuleForm):
    country = forms.ChoiceField(label=_("country"), choices=catalog.country_choices)

    class Meta:
        model = Outlet
        fields = ["operator", "number", "name", "address_line1", "postal_code", "city", "country", "vat_id", "siret"]

    def __init__(self, *args, operators=None, **kwargs):
        """`operators`: the PosOperators the user may choose (a dealer); None: the instance's own."""
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and operators is not None:
            self.fields["operator"].queryset = operators
            self.fields["operator"].empty_label = None if len(operators) == 1 else "---------"
        else:
            del self.fields["operator"]
        if not self.instance._state.adding:
            number = self.fields["number"]
            number.disabled = True
            number.help_text = _("The number is fixed once saved.")
        else:
            self.fields["number"].help_text = _("Unique within the PosOperator; 2 is reserved.")


class CashBoxForm(RuleForm):
    class Meta:
        model = CashBox
        fields = ["outlet", "description", "machine_role", "hostname", "platform"]

    def __init__(self, *args, outlets=None, **kwargs):
        super().__init__(*args, **kwargs)
        outlet = self.fields["outlet"]
        if self.instance._state.adding:
            outlet.queryset = outlets.select_related("operator").order_by("operator__name", "number")
            several = len({o.operator_id for o in outlet.queryset}) > 1
            outlet.label_from_instance = lambda o: f"{o.operator.name} · {o}" if several else str(o)
        else:
            outlet.queryset = Outlet.objects.filter(pk=self.instance.outlet_id)
            outlet.disabled = True
            outlet.help_text = _("A CashBox stays in its outlet.")

    def prepare(self, instance):
        if instance._state.adding and instance.outlet_id:
            instance.operator_id = instance.outlet.operator_id


# ------------------------------------------------------------------ components


class QueueForm(ParameterFieldsMixin, RuleForm):
    package = forms.ChoiceField(label=_("package"))
    urls = UrlListField(help_text=_("One per line: where the POS system calls the queue, e.g. grpc://localhost:1200."))

    class Meta:
        model = Queue
        fields = [
            "cashbox_identification",
            "package",
            "version",
            "pos_system",
            "description",
            "urls",
            "timeout_ms",
            "purchase_date",
            "commissioning_date",
        ]
        widgets = {
            "purchase_date": forms.DateInput(attrs={"type": "date"}),
            "commissioning_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, cashbox, **kwargs):
        super().__init__(*args, **kwargs)
        self.cashbox = cashbox
        self.info = info = catalog.country(cashbox.outlet.country)
        self.fields["pos_system"].queryset = pos_systems_of([cashbox.operator_id]).order_by("brand", "name")
        if self.instance._state.adding and "pos_system" not in self.initial:
            default = default_pos_system(cashbox.operator_id)
            self.initial["pos_system"] = default.pk if default else None
        packages = [q for q in (info.queue_packages if info else ()) if cashbox.platform in q.platforms]
        self.fields["package"].choices = [(q.package, f"{q.label} ({short_package(q.package)})") for q in packages]
        identification = self.fields["cashbox_identification"]
        if self.instance._state.adding:
            limit = info.identification_max if info else 64
            identification.help_text = gettext(
                "Printable, unique within the PosOperator, at most %(n)d characters; fixed once saved."
            ) % {"n": limit}
            if info and info.identification_rule:
                identification.help_text = (
                    f"{info.identification_rule} {gettext('Unique within the PosOperator; fixed once saved.')}"
                )
            if not self.initial.get("urls"):
                self.initial["urls"] = [suggest_url(cashbox, 1200)]
        else:
            identification.disabled = True
            identification.help_text = _("Fixed once saved.")
            if self.instance.has_run:
                self.fields["timeout_ms"].help_text = _(
                    "The middleware has run this queue: it keeps the timeout it started with (a new configuration "
                    "changes only the queue's stop moment and country)."
                )
        if cashbox.outlet.country != "DE":
            del self.fields["purchase_date"]
            del self.fields["commissioning_date"]
        # Every parameter of the country's queue packages; the chosen package's are checked in clean().
        definitions, needed_by = {}, {}
        for package in packages:
            for param in package.parameters:
                definitions.setdefault(param.name, param)
                if param.required:
                    needed_by.setdefault(param.name, []).append(str(package.label))
        for param in info.queue_parameters if info else ():
            definitions.setdefault(param.name, param)
        self.add_parameter_fields(list(definitions.values()), required_for=needed_by)

    def package_definitions(self, package):
        item = self.info.queue_package(package) if self.info else None
        return (item.parameters if item else ()) + (self.info.queue_parameters if self.info else ())

    def clean(self):
        data = super().clean()
        package = data.get("package")
        if package:
            used = {p.name for p in self.package_definitions(package)}
            for param in self.parameter_definitions:
                name = PARAMETER_PREFIX + param.name
                if param.name not in used and data.get(name) not in (None, "", False):
                    self.add_error(
                        name, gettext("%(package)s does not use this parameter.") % {"package": short_package(package)}
                    )
        return data

    def prepare(self, instance):
        definitions = self.package_definitions(instance.package)
        services.set_parameters(instance, self.parameter_values(definitions))


class ScuPackageForm(forms.Form):
    """Step one of a new SCU: the signing option of the outlet's country."""

    package = forms.ChoiceField(label=_("signing option"))

    def __init__(self, *args, country, platform, **kwargs):
        super().__init__(*args, **kwargs)
        options = [
            o for o in (country.signing_options if country else ()) if platform in o.platforms or o.placement != catalog.COMPONENT
        ]
        self.fields["package"].choices = [(o.package, f"{o.label} ({short_package(o.package)})") for o in options]
        self.fields["package"].help_text = _(
            "The signing options of the outlet's country that run on this machine; the parameters follow from it."
        )


class ScuForm(ParameterFieldsMixin, RuleForm):
    urls = UrlListField(required=False, help_text=_("One per line: where the queues reach this SCU, e.g. grpc://localhost:1400."))

    class Meta:
        model = Scu
        fields = ["description", "version", "urls", "signing_device"]

    def __init__(self, *args, cashbox, option, **kwargs):
        super().__init__(*args, **kwargs)
        self.cashbox, self.option = cashbox, option
        if option.placement != catalog.COMPONENT:
            del self.fields["urls"]  # a hosted or in-queue SCU has no address of its own
            del self.fields["version"]  # nor a package of its own
        elif self.instance._state.adding:
            if not self.initial.get("version"):
                self.initial["version"] = versions.newest(option.package)
            if not self.initial.get("urls"):
                self.initial["urls"] = [suggest_url(cashbox, 1400)]
        devices = SigningDevice.objects.for_user(self.user, CHANGE).filter(operator_id=cashbox.operator_id, vendor=option.id)
        device = self.fields["signing_device"]
        device.queryset = devices.filter(Q(outlet_id=cashbox.outlet_id) | Q(kind=catalog.CLOUD))
        device.help_text = _("Optional: the %(option)s this SCU drives.") % {"option": option.label}
        self.add_parameter_fields(option.parameters)

    def prepare(self, instance):
        instance.package = self.option.package
        if "urls" not in self.fields:
            instance.urls = []
        services.set_parameters(instance, self.parameter_values())


class HelperForm(RuleForm):
    package = forms.ChoiceField(label=_("package"))
    urls = UrlListField(required=False)
    parameters = KeyValueField(label=_("parameters"), required=False, help_text=_("One name=value per line."))

    class Meta:
        model = Helper
        fields = ["package", "description", "version", "urls", "parameters"]

    def __init__(self, *args, cashbox, **kwargs):
        super().__init__(*args, **kwargs)
        info = catalog.country(cashbox.outlet.country)
        helpers = [h for h in (info.helpers if info else catalog.HELPERS) if cashbox.launcher in h.launchers]
        self.fields["package"].choices = [(h.package, f"{h.label} ({h.package})") for h in helpers]
        if not self.instance._state.adding:
            self.fields["package"].disabled = True
            self.fields["package"].help_text = _("Fixed once saved.")


class TerminalForm(RuleForm):
    class Meta:
        model = Terminal
        fields = ["queue", "name", "terminal_id"]
        help_texts = {"terminal_id": _("The cbTerminalID the device sends with its receipts.")}

    def __init__(self, *args, cashbox, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = Queue.objects.for_user(self.user, CHANGE).filter(cashbox=cashbox)

    def clean(self):
        data = super().clean()
        queue, terminal_id = data.get("queue"), data.get("terminal_id")
        if queue and terminal_id and queue.terminals.filter(terminal_id=terminal_id).exclude(pk=self.instance.pk).exists():
            # The constraint spans two fields; the message belongs on the id.
            self.add_error("terminal_id", gettext("This queue already has a terminal with this cbTerminalID."))
        return data


class SigningDeviceForm(RuleForm):
    vendor = forms.ChoiceField(label=_("signing option"))

    class Meta:
        model = SigningDevice
        fields = ["vendor", "description", "serial", "cloud_account", "max_clients", "bundle", "host_cashbox"]

    def __init__(self, *args, outlet, **kwargs):
        super().__init__(*args, **kwargs)
        info = catalog.country(outlet.country)
        options = info.signing_options if info else ()
        self.fields["vendor"].choices = [(o.id, o.label) for o in options]
        if not any(o.bundle_max_clients for o in options):
            del self.fields["bundle"]  # only Swissbit cloud TSEs are sold in bundles
        self.fields["max_clients"].help_text = _("Queues it serves at most; empty: the catalog's limit.")
        host = self.fields["host_cashbox"]
        host.queryset = CashBox.objects.for_user(self.user, CHANGE).filter(outlet_id=outlet.pk)
        host.help_text = _("The machine a USB/SD device is plugged into.")


class LinkForm(RuleForm):
    class Meta:
        model = QueueScuLink
        fields = ["queue", "scu", "mode", "timeout_s"]
        help_texts = {"timeout_s": _("Seconds before the queue switches to the next SCU (Austria).")}

    def __init__(self, *args, cashbox, **kwargs):
        super().__init__(*args, **kwargs)
        info = catalog.country(cashbox.outlet.country)
        queue = self.fields["queue"]
        queue.queryset = Queue.objects.for_user(self.user, CHANGE).filter(cashbox=cashbox)
        if not self.instance._state.adding:
            queue.disabled = True
        # Only SCUs of the same outlet, for the outlet's country, still in use.
        packages = [o.package for o in info.signing_options] if info else []
        scus = (
            Scu.objects.for_user(self.user, CHANGE)
            .filter(outlet_id=cashbox.outlet_id, package__in=packages)
            .exclude(state=ComponentState.OUT_OF_OPERATION)
            .select_related("cashbox")
        )
        scu = self.fields["scu"]
        scu.queryset = scus
        scu.label_from_instance = lambda s: gettext("%(scu)s on %(cashbox)s") % {"scu": s, "cashbox": s.cashbox}
        if not info or info.scu_links != "many":
            del self.fields["mode"]
            del self.fields["timeout_s"]
        if info and info.code == "DE":
            scu.help_text = _(
                "A German queue keeps the SCU it started with: the middleware refuses another one for a queue that "
                "has run (a TSE is replaced with an SCU switch, or a new queue)."
            )

    def clean(self):
        data = super().clean()
        queue, scu = data.get("queue"), data.get("scu")
        if queue and scu and queue.scu_links.filter(scu=scu).exclude(pk=self.instance.pk).exists():
            self.add_error("scu", gettext("This queue is already linked to this SCU."))
        return data
