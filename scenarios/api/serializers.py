"""Serializers of the scenario API: the advisor's inputs, plans and the review step.

The inputs are checked twice, as the wizard does: types and ranges here, the domain rules
(country, signing option of that country, at least one till or terminal) by
scenarios.advisor.validate(); either way a 400 with a message per field.

Plans show their secret SCU parameters only by name (`secrets_set`), never by value.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cashboxes import catalog, rules
from cashboxes.choices import Platform
from cashboxes.models import Outlet
from portal.api.base import TenantRelatedField
from portal.crypto import decrypt_json
from portal.tenancy import CHANGE
from scenarios import advisor, apply, definitions, planner
from scenarios.models import Plan

# Upper bounds against absurd input (fair use allows 25 devices per outlet; the API takes more,
# so the advisor can say so).
MAX_DEVICES = 1000
MAX_RECEIPTS_PER_MINUTE = 100_000
MAX_RECEIPTS_PER_MONTH = 100_000_000


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(catalog.COUNTRIES) + ")$",
        "description": "A country of the catalog: " + ", ".join(catalog.COUNTRIES),
    }
)
class CountryField(serializers.ChoiceField):
    """A country of the catalog. Its schema is a pattern, not an enum: a second enum of fields
    called "country" would rename the organizations' "CountryEnum" in the schema."""

    def __init__(self, **kwargs):
        super().__init__(choices=catalog.country_choices(), **kwargs)


class InputsSerializer(serializers.Serializer):
    """The advisor's inputs (scenarios.advisor.Inputs)."""

    country = CountryField()
    pos_systems = serializers.IntegerField(min_value=0, max_value=MAX_DEVICES)
    terminals = serializers.IntegerField(min_value=0, max_value=MAX_DEVICES)
    has_server = serializers.BooleanField(help_text=gettext_lazy("A server or back office on site"))
    signing = serializers.CharField(max_length=40, help_text=gettext_lazy("A signing option id of the country's catalog"))
    peak_receipts_per_minute = serializers.FloatField(
        min_value=0, max_value=MAX_RECEIPTS_PER_MINUTE, help_text=gettext_lazy("The whole outlet at its busiest")
    )
    internet = serializers.ChoiceField(choices=advisor.INTERNET, default=advisor.STABLE)
    virtualised_server = serializers.BooleanField(default=False)
    monthly_receipts = serializers.IntegerField(min_value=0, max_value=MAX_RECEIPTS_PER_MONTH, required=False, allow_null=True)
    data_centre = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Germany: the POS system runs in a data centre that is the operational environment "
            "(the terminals do not work without it)"
        ),
    )

    input_fields = (
        "country",
        "pos_systems",
        "terminals",
        "has_server",
        "signing",
        "peak_receipts_per_minute",
        "internet",
        "virtualised_server",
        "monthly_receipts",
        "data_centre",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = advisor.validate(self.inputs_from(attrs))
        if errors:
            raise serializers.ValidationError({name: [message] for name, message in errors.items()})
        return attrs

    @classmethod
    def inputs_from(cls, attrs):
        return advisor.Inputs(**{name: attrs.get(name) for name in cls.input_fields if name in attrs})

    @property
    def inputs(self):
        return self.inputs_from(self.validated_data)


def _country_name(code):
    country = catalog.country(code)
    return country.name if country else code


class ScenarioSerializer(serializers.Serializer):
    """A documented scenario (for the schema; the data comes from scenarios.definitions)."""

    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    pros = serializers.ListField(child=serializers.CharField())
    cons = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class AssessmentSerializer(ScenarioSerializer):
    """The advisor's verdict on one scenario (for the schema; scenarios.advisor.assess makes it)."""

    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField()
    tse_count = serializers.IntegerField()
    warnings = WarningSerializer(many=True)
    explanation = serializers.ListField(child=serializers.CharField())
    load_per_tse = serializers.FloatField()
    counts = serializers.DictField(child=serializers.IntegerField())


class ScenarioListSerializer(serializers.Serializer):
    scenarios = ScenarioSerializer(many=True)


class RecommendationSerializer(serializers.Serializer):
    scenarios = AssessmentSerializer(many=True)


class PlanSerializer(serializers.ModelSerializer):
    """A plan as the API shows it. `data` is the planner's plan with each queue's and SCU's URL
    as it stands; `problems` what keeps it from being applied; `secrets_set` the names of the
    secret SCU parameters given so far, per SCU key (until the plan is applied)."""

    operator = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet = serializers.PrimaryKeyRelatedField(read_only=True)
    data = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    secrets_set = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "operator",
            "outlet",
            "scenario",
            "inputs",
            "data",
            "problems",
            "secrets_set",
            "created_at",
            "applied_at",
            "result",
        ]
        read_only_fields = fields

    def get_data(self, plan) -> dict:
        data = plan.data
        return {
            **data,
            "queues": [{**queue, "url": planner.url(data, queue)} for queue in data["queues"]],
            "scus": [{**scu, "url": planner.url(data, scu)} for scu in data["scus"]],
        }

    def get_problems(self, plan) -> list[str]:
        return [] if plan.applied_at else apply.check(plan)

    def get_secrets_set(self, plan) -> dict[str, list[str]]:
        return {key: sorted(values) for key, values in decrypt_json(plan.secrets_encrypted).items()}


class PlanListSerializer(PlanSerializer):
    """The list leaves out `problems`: finding them builds the whole plan."""

    class Meta(PlanSerializer.Meta):
        fields = [name for name in PlanSerializer.Meta.fields if name != "problems"]
        read_only_fields = fields


class PlanCreateSerializer(InputsSerializer):
    """The advisor's inputs, the scenario and the outlet (one the user may change)."""

    scenario = serializers.ChoiceField(choices=[(s.id, s.name) for s in definitions.SCENARIOS])
    outlet = TenantRelatedField(action=CHANGE, queryset=Outlet.objects.all())

    def validate(self, attrs):
        attrs = super().validate(attrs)
        outlet = attrs["outlet"]
        if outlet.country != attrs["country"]:
            raise serializers.ValidationError(
                {
                    "outlet": [
                        _("The outlet is in %(outlet)s, the inputs say %(inputs)s.")
                        % {"outlet": _country_name(outlet.country), "inputs": _country_name(attrs["country"])}
                    ]
                }
            )
        verdict = next(item for item in advisor.assess(self.inputs_from(attrs)) if item["id"] == attrs["scenario"])
        if not verdict["allowed"]:
            raise serializers.ValidationError({"scenario": verdict["reasons"]})
        return attrs

    def create(self, validated_data):
        try:
            return apply.make_plan(
                validated_data["scenario"],
                self.inputs_from(validated_data),
                validated_data["outlet"],
                self.context["request"].user,
            )
        except planner.PlanError as error:
            raise serializers.ValidationError({"scenario": [str(error)]})

    def to_representation(self, instance):
        return PlanSerializer(instance, context=self.context).data


class MachineFillSerializer(serializers.Serializer):
    hostname = serializers.CharField(max_length=253, required=False, allow_blank=True)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)

    def validate_hostname(self, value):
        value = value.strip()
        if value and not rules.HOSTNAME.fullmatch(value):
            raise serializers.ValidationError(_("Enter a host name or an IP address."))
        return value


class PlanFillSerializer(serializers.Serializer):
    """The review step (scenarios.apply.fill): host names and platforms of the planned machines,
    and SCU parameters by SCU key. A secret left empty keeps the one given before."""

    machines = serializers.DictField(child=MachineFillSerializer(), required=False)
    parameters = serializers.DictField(child=serializers.DictField(allow_empty=True), required=False)

    def validate_machines(self, value):
        known = {machine["key"] for machine in self.instance.data["machines"]}
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(_("No machine of this plan is called %(keys)s.") % {"keys": ", ".join(unknown)})
        return value

    def validate_parameters(self, value):
        known = {scu["key"] for scu in self.instance.data["scus"]}
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(_("No SCU of this plan is called %(keys)s.") % {"keys": ", ".join(unknown)})
        for given in value.values():
            for name, item in given.items():
                if isinstance(item, (dict, list)):
                    raise serializers.ValidationError(_("%(name)s: enter a single value.") % {"name": name})
                if isinstance(item, str) and "\x00" in item:
                    raise serializers.ValidationError(_("Null characters are not allowed."))
        return value

    def update(self, instance, validated_data):
        return apply.fill(instance, validated_data.get("machines"), validated_data.get("parameters"))

    def to_representation(self, instance):
        return PlanSerializer(instance, context=self.context).data
