"""Forms of the rollout wizard, one per step; every answer is checked here, on the server.

The answers of the first three steps become the advisor's `Inputs`; the review form of step
five turns into `scenarios.apply.fill(plan, machines=..., parameters=...)`. SCU parameter fields
come from the catalog through cashboxes.forms.ParameterFieldsMixin.parameter_field, so they look
and behave like the CashBox pages' (secrets are write-only password inputs showing "set").
"""

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cashboxes import catalog, rules
from cashboxes.choices import DeviceKind, Platform
from cashboxes.forms import ParameterFieldsMixin
from cashboxes.models import Outlet
from cashboxes.views.outlets import changeable_operators
from portal import crypto
from portal.tenancy import CHANGE
from scenarios import advisor

INTERNET_CHOICES = [(advisor.STABLE, _("Stable")), (advisor.UNRELIABLE, _("Unreliable: it drops out now and then"))]


class OutletStepForm(forms.Form):
    """Step 1: the PosOperator and one of its outlets; the country follows from the outlet."""

    operator = forms.ChoiceField(label=_("PosOperator"))
    outlet = forms.ChoiceField(label=_("outlet"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.operators = {str(o.pk): o for o in changeable_operators(user).order_by("name")}
        outlets = Outlet.objects.for_user(user, CHANGE).filter(operator_id__in=list(self.operators))
        self.outlets = {str(o.pk): o for o in outlets.order_by("number")}
        self.fields["operator"].choices = [("", "---------"), *((pk, o.name) for pk, o in self.operators.items())]
        if len(self.operators) == 1:
            self.fields["operator"].initial = next(iter(self.operators))
        # The chosen operator's outlets; before one is chosen, every outlet grouped by operator.
        chosen = self.chosen_operator()
        groups = [
            (operator.name, [(pk, self.outlet_label(o)) for pk, o in self.outlets.items() if str(o.operator_id) == key])
            for key, operator in self.operators.items()
            if chosen is None or key == chosen
        ]
        groups = [(name, items) for name, items in groups if items]
        flat = len(groups) == 1
        self.fields["outlet"].choices = [("", "---------"), *(groups[0][1] if flat else groups)]
        self.fields["outlet"].help_text = _("The country of the outlet decides which scenarios and signing options apply.")
        self.fields["outlet"].error_messages["invalid_choice"] = _("Choose one of the outlets of this PosOperator.")
        self.fields["operator"].error_messages["invalid_choice"] = _("Choose one of the PosOperators you work for.")

    @staticmethod
    def outlet_label(outlet):
        country = catalog.country(outlet.country)
        return f"{outlet} · {outlet.city} ({country.name if country else outlet.country})"

    def chosen_operator(self):
        """The operator whose outlets the list shows: the submitted one, else the initial one."""
        value = self.data.get("operator") if self.is_bound else self.initial.get("operator", self.fields["operator"].initial)
        return str(value) if value and str(value) in self.operators else None

    def clean(self):
        data = super().clean()
        # The choices hold only the chosen operator's outlets: a valid outlet is one of them.
        if data.get("operator") and data.get("outlet"):
            data["outlet_object"] = self.outlets[data["outlet"]]
        return data


class MachinesStepForm(forms.Form):
    """Step 2: the machines of the outlet and its connection."""

    pos_systems = forms.IntegerField(
        label=_("POS systems (tills)"),
        min_value=0,
        max_value=500,
        initial=1,
        help_text=_("Tills that run the POS software and the middleware."),
    )
    terminals = forms.IntegerField(
        label=_("Terminals"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("Hand-held devices or kiosks that send their receipts to a queue on another machine."),
    )
    has_server = forms.BooleanField(label=_("There is a server or back office in the outlet"), required=False)
    virtualised_server = forms.BooleanField(label=_("The server is a virtual machine"), required=False)
    internet = forms.ChoiceField(
        label=_("Internet connection"), choices=INTERNET_CHOICES, initial=advisor.STABLE, widget=forms.RadioSelect
    )
    data_centre = forms.BooleanField(
        label=_("The POS system runs in a data centre that is the operational environment"),
        required=False,
        help_text=_("Germany: only then may the middleware be hosted there (the terminals do not work without it)."),
    )

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        if country != "DE":
            del self.fields["data_centre"]

    def clean(self):
        data = super().clean()
        pos, terminals = data.get("pos_systems"), data.get("terminals")
        if pos is not None and terminals is not None and pos + terminals == 0:
            self.add_error("pos_systems", gettext("An outlet has at least one POS system or terminal."))
        if data.get("virtualised_server") and not data.get("has_server"):
            self.add_error("virtualised_server", gettext("Only with a server: tick the server first."))
        return data


def client_limit(option):
    if option.max_clients:
        return ngettext("up to %(n)d queue per device", "up to %(n)d queues per device", option.max_clients) % {
            "n": option.max_clients
        }
    if not option.limit_known:
        return gettext("client limit not published")
    return gettext("no client limit")


class SigningStepForm(forms.Form):
    """Step 3: the signing option of the outlet's country and the load."""

    signing = forms.ChoiceField(label=_("Signing option"), widget=forms.RadioSelect)
    peak_receipts_per_minute = forms.FloatField(
        label=_("Peak receipts per minute"),
        min_value=0.1,
        max_value=10_000,
        help_text=_("The whole outlet at its busiest minute, all tills and terminals together."),
    )
    monthly_receipts = forms.IntegerField(
        label=_("Receipts per month"),
        required=False,
        min_value=0,
        max_value=100_000_000,
        help_text=_("Optional: checks the fair-use limit of cloud TSEs."),
    )

    def __init__(self, *args, country, machines, **kwargs):
        """`country`: the catalog's Country of the outlet; `machines`: the answers of step 2."""
        super().__init__(*args, **kwargs)
        self.country, self.machines = country, machines
        self.options = {o.id: o for o in country.signing_options}
        self.fields["signing"].choices = [(o.id, o.label) for o in country.signing_options]

    def choices(self):
        """(radio button, option, kind label, client limit) for each signing option."""
        kinds = dict(DeviceKind.choices)
        return [
            (radio, option, kinds.get(option.kind, option.kind), client_limit(option))
            for radio, option in zip(self["signing"], self.options.values(), strict=True)
        ]

    def clean(self):
        data = super().clean()
        if data.get("signing") and data.get("peak_receipts_per_minute") is not None:
            inputs = inputs_from({**self.machines, **data}, self.country.code)
            for field, message in advisor.validate(inputs).items():
                self.add_error(field if field in self.fields else None, message)
        return data


def inputs_from(answers, country):
    """The advisor's Inputs from the wizard's answers (KeyError when one is missing)."""
    return advisor.Inputs(
        country=country,
        pos_systems=int(answers["pos_systems"]),
        terminals=int(answers["terminals"]),
        has_server=bool(answers.get("has_server")),
        signing=answers["signing"],
        peak_receipts_per_minute=float(answers["peak_receipts_per_minute"]),
        internet=answers.get("internet") or advisor.STABLE,
        virtualised_server=bool(answers.get("virtualised_server")),
        monthly_receipts=answers.get("monthly_receipts") or None,
        data_centre=bool(answers.get("data_centre")) and country == "DE",
    )


class ScenarioChoiceForm(forms.Form):
    """Step 4: one of the allowed scenarios."""

    scenario = forms.ChoiceField()

    def __init__(self, *args, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [(item["id"], item["name"]) for item in assessments if item["allowed"]]
        self.fields["scenario"].error_messages["invalid_choice"] = _("This scenario is not possible for this outlet.")


class PlanReviewForm(forms.Form):
    """Step 5: host names and platforms of the machines that get a CashBox, and the SCU parameters.

    With several SCUs, the parameters to fill can be given once "for every SCU": an SCU whose
    own field is left empty takes that value. Each value is checked with the catalog's rules, on
    the field it was typed in. Secrets are write-only; one already given is kept when left empty.
    `complete=False` (saving to come back later) lets required parameters stay empty: the plan's
    check lists them until they are filled.
    """

    def __init__(self, *args, plan, complete=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.complete = plan, complete
        data = plan.data
        self.option = option = catalog.country(data["country"]).signing_option(data["signing"])
        self.stored = crypto.decrypt_json(plan.secrets_encrypted)
        self._machine_fields(data, option)
        self._common_fields(data, option)
        self._scu_fields(data, option)

    def _machine_fields(self, data, option):
        cashbox_machine = {c["key"]: c["machine"] for c in data["cashboxes"]}
        scu_hosts = {cashbox_machine[s["cashbox"]] for s in data["scus"]}
        platforms = dict(Platform.choices)
        self.machine_rows = []
        for machine in data["machines"]:
            if machine["key"] not in cashbox_machine.values():
                continue  # a terminal, or a till of hosted middleware: no CashBox to configure
            allowed = option.platforms if machine["key"] in scu_hosts else catalog.ALL_PLATFORMS
            self.fields[f"machine__{machine['key']}__hostname"] = forms.CharField(
                label=_("Host name"), max_length=253, initial=machine["hostname"]
            )
            self.fields[f"machine__{machine['key']}__platform"] = forms.ChoiceField(
                label=_("Platform"), choices=[(p, platforms[p]) for p in allowed], initial=machine["platform"]
            )
            self.machine_rows.append(machine)

    def _common_fields(self, data, option):
        self.common_names = []
        if len(data["scus"]) < 2:
            return
        to_fill = {name for scu in data["scus"] for name in scu.get("to_fill", ())}
        for param in option.parameters:
            if param.name not in to_fill:
                continue
            field = ParameterFieldsMixin.parameter_field(param, False, False)
            field.label = param.name
            helps = [str(param.help)] if param.help else []
            helps.append(gettext("Every SCU needs it."))
            if param.secret:
                helps.append(gettext("Write-only: it is never shown again."))
            field.help_text = " · ".join(helps)
            self.fields[f"all__{param.name}"] = field
            self.common_names.append(param.name)

    def _scu_fields(self, data, option):
        self.stored_secrets = set()
        self.scu_rows = []
        for scu in data["scus"]:
            given = self.stored.get(scu["key"], {})
            for param in option.parameters:
                name = f"scu__{scu['key']}__{param.name}"
                is_stored = param.secret and param.name in given
                # A parameter that can come from "for every SCU" is checked in clean().
                required = self.complete and param.required and not is_stored and param.name not in self.common_names
                field = ParameterFieldsMixin.parameter_field(param, required, is_stored)
                field.label = param.name
                helps = [str(param.help)] if param.help else []
                if is_stored:
                    self.stored_secrets.add(name)
                    helps.append(gettext("A value is stored; leave empty to keep it, or type a new one."))
                elif param.secret:
                    helps.append(gettext("Write-only: it is never shown again."))
                field.help_text = " · ".join(helps)
                if not param.secret:
                    field.initial = scu["parameters"].get(param.name)
                self.fields[name] = field
            self.scu_rows.append(scu)

    # ------------------------------------------------------------ groups for the template

    def machine_fields(self):
        return [(m, self[f"machine__{m['key']}__hostname"], self[f"machine__{m['key']}__platform"]) for m in self.machine_rows]

    def common_fields(self):
        return [self[f"all__{name}"] for name in self.common_names]

    def scu_fields(self):
        """(scu, its fields, whether one of them has an error) for each SCU of the plan."""
        rows = []
        for scu in self.scu_rows:
            fields = [self[f"scu__{scu['key']}__{param.name}"] for param in self.option.parameters]
            rows.append((scu, fields, any(field.errors for field in fields)))
        return rows

    # ------------------------------------------------------------ validation

    def clean(self):
        data = super().clean()
        self._clean_hostnames(data)
        common = {}
        for name in self.common_names:
            value = self._checked(data, f"all__{name}", self.option.parameter(name))
            if value not in (None, ""):
                common[name] = value
        self.values = {}
        for scu in self.scu_rows:
            stored = self.stored.get(scu["key"], {})
            values = {}
            for param in self.option.parameters:
                name = f"scu__{scu['key']}__{param.name}"
                value = self._checked(data, name, param)
                if value in (None, "") and param.name in common:
                    value = common[param.name]
                missing = value in (None, "") and not (param.secret and param.name in stored)
                wrong = name in self.errors or f"all__{param.name}" in self.errors
                if self.complete and param.required and missing and not wrong:
                    self.add_error(name, gettext("This parameter is required."))
                values[param.name] = value
            self.values[scu["key"]] = values
        return data

    def _checked(self, data, name, param):
        """The field's value checked by the catalog's rule for the parameter (None when wrong)."""
        value = data.get(name)
        if param.secret or param.type == "bool" or value in (None, "") or name in self.errors:
            return value
        try:
            return param.clean(value)
        except ValueError as error:
            self.add_error(name, str(error))
            return None

    def _clean_hostnames(self, data):
        seen = {}
        for machine in self.machine_rows:
            name = f"machine__{machine['key']}__hostname"
            hostname = (data.get(name) or "").strip()
            if not hostname:
                continue
            if not rules.HOSTNAME.fullmatch(hostname):
                self.add_error(name, gettext("Enter a host name or an IP address."))
            elif hostname.lower() in seen:
                self.add_error(name, gettext("%(machine)s has this host name too.") % {"machine": seen[hostname.lower()]})
            else:
                seen[hostname.lower()] = machine["name"]

    def machines(self):
        """The `machines` argument of apply.fill."""
        return {
            m["key"]: {
                "hostname": self.cleaned_data[f"machine__{m['key']}__hostname"].strip(),
                "platform": self.cleaned_data[f"machine__{m['key']}__platform"],
            }
            for m in self.machine_rows
        }

    def parameters(self):
        """The `parameters` argument of apply.fill."""
        return self.values
