"""Serializers of the configuration.

Every write goes through cashboxes.services.save(), so the models' write rules apply; a broken
rule is a Django ValidationError, which the API answers with 400 and a message per field
(portal.api.errors). Related objects are offered through the tenancy gate with the CHANGE right:
another tenant's outlet, CashBox, queue or SCU "does not exist". The tenant (`operator`) is set
by the viewset from the related object, never taken from the body (outlets name theirs).

Secrets are write-only: queue and SCU parameters come in one `parameters` object, the service
splits the secrets out (encrypted), and responses show the plain parameters plus `secrets_set`,
the names of the secrets that are stored.
"""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cashboxes import catalog, services
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal, pos_systems_of
from portal.api.base import TenantRelatedField
from portal.models import Organization
from portal.tenancy import CHANGE, scope_for


class ConfigurationSerializer(serializers.ModelSerializer):
    """Creates and updates through services.save() (model full_clean, then save, atomically)."""

    def create(self, validated_data):
        return self.write(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self.write(instance, validated_data)

    def write(self, instance, data):
        for name, value in data.items():
            setattr(instance, name, value)
        return services.save(instance)


class OutletSerializer(ConfigurationSerializer):
    operator = TenantRelatedField(
        action=CHANGE,
        queryset=Organization.objects.filter(is_pos_operator=True),
        required=False,
        help_text=_("The PosOperator the outlet belongs to; by default the organization you act for."),
    )

    class Meta:
        model = Outlet
        fields = [
            "id",
            "operator",
            "number",
            "name",
            "address_line1",
            "postal_code",
            "city",
            "country",
            "vat_id",
            "siret",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The number is unique per operator: the model says so on `number` (not the constraint's
        # generic message).
        validators = []

    def validate(self, attrs):
        if self.instance is None and "operator" not in attrs:
            scope = scope_for(self.context["request"].user)
            if scope.organization is None or not scope.organization.is_pos_operator or not scope.allows(CHANGE):
                raise serializers.ValidationError({"operator": [_("Name the PosOperator this outlet belongs to.")]})
            attrs["operator"] = scope.organization
        return attrs


class CashBoxSerializer(ConfigurationSerializer):
    outlet = TenantRelatedField(action=CHANGE, queryset=Outlet.objects.all())
    operator = serializers.PrimaryKeyRelatedField(read_only=True)
    published_revision = serializers.IntegerField(read_only=True, help_text=_("0: never rebuilt"))
    needs_rebuild = serializers.BooleanField(read_only=True)
    launcher = serializers.ChoiceField(
        choices=list(catalog.LAUNCHER_LABELS.items()),
        read_only=True,
        help_text=_("What runs this machine's packages: it follows from the outlet's country and the platform."),
    )
    launcher_note = serializers.CharField(read_only=True, help_text=_("Where that launcher takes its configuration from."))
    queues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    scus = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    helpers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CashBox
        fields = [
            "id",
            "operator",
            "outlet",
            "description",
            "machine_role",
            "hostname",
            "platform",
            "launcher",
            "launcher_note",
            "revision",
            "published_revision",
            "needs_rebuild",
            "last_fetch_at",
            "last_fetch_address",
            "queues",
            "scus",
            "helpers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "revision", "last_fetch_at", "last_fetch_address", "created_at", "updated_at"]

    def write(self, instance, data):
        instance = super().write(instance, data)
        # A change raises the revision in the database (cashboxes.signals): show the new one.
        instance.refresh_from_db(fields=["revision"])
        return instance


class ComponentSerializer(ConfigurationSerializer):
    """Queues, SCUs and helpers: they run in a CashBox, in its outlet."""

    cashbox = TenantRelatedField(action=CHANGE, queryset=CashBox.objects.all())
    operator = serializers.PrimaryKeyRelatedField(read_only=True)
    outlet = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The outlet of its CashBox"))
    urls = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    parameters = serializers.DictField(
        required=False,
        help_text=_(
            "The package's parameters, secrets included. Replaces the plain values; a secret left out or "
            "empty keeps the stored one. Responses leave the secrets out (see secrets_set)."
        ),
    )
    secrets_set = serializers.SerializerMethodField(help_text=_("Names of the secrets that are stored"))

    component_fields = [
        "id",
        "operator",
        "cashbox",
        "outlet",
        "description",
        "package",
        "version",
        "urls",
        "parameters",
        "secrets_set",
        "state",
        "start_moment",
        "stop_moment",
        "created_at",
        "updated_at",
    ]
    # The state changes by actions (take-out-of-operation), never by editing.
    component_read_only = ["id", "state", "start_moment", "stop_moment", "created_at", "updated_at"]

    def get_secrets_set(self, obj) -> list[str]:
        return sorted(obj.secrets)

    def validate_parameters(self, value):
        # PostgreSQL's jsonb refuses the NUL character: a 400 here rather than a 500 there.
        if "\\u0000" in json.dumps(value):
            raise serializers.ValidationError(_("Null characters are not allowed."))
        return value

    def write(self, instance, data):
        parameters = data.pop("parameters", None)
        for name, value in data.items():
            setattr(instance, name, value)
        if parameters is not None or instance._state.adding:
            # After the other fields: which names are secrets depends on the package and country.
            services.set_parameters(instance, parameters or {})
        return services.save(instance)


class PosSystemOfOperatorField(serializers.PrimaryKeyRelatedField):
    """A PosSystem that the operators the user acts for may name (cashboxes.models.pos_systems_of);
    any other id is "does not exist", so nothing outside the user's reach is confirmed."""

    def get_queryset(self):
        return pos_systems_of(scope_for(self.context["request"].user).data_ids(CHANGE))


class QueueSerializer(ComponentSerializer):
    pos_system = PosSystemOfOperatorField(
        required=False, allow_null=True, help_text=_("The register's POS software (master data); one its dealers sell.")
    )

    class Meta:
        model = Queue
        fields = [
            *ComponentSerializer.component_fields,
            "pos_system",
            "country",
            "cashbox_identification",
            "timeout_ms",
            "purchase_date",
            "commissioning_date",
        ]
        read_only_fields = [*ComponentSerializer.component_read_only, "country"]
        # CashBoxIdentification is unique per operator: the model says so on its field.
        validators = []


class ScuSerializer(ComponentSerializer):
    signing_device = TenantRelatedField(action=CHANGE, queryset=SigningDevice.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Scu
        fields = [*ComponentSerializer.component_fields, "signing_device"]
        read_only_fields = ComponentSerializer.component_read_only


class HelperSerializer(ComponentSerializer):
    class Meta:
        model = Helper
        fields = ComponentSerializer.component_fields
        read_only_fields = ComponentSerializer.component_read_only


class SigningDeviceSerializer(ConfigurationSerializer):
    outlet = TenantRelatedField(action=CHANGE, queryset=Outlet.objects.all())
    host_cashbox = TenantRelatedField(action=CHANGE, queryset=CashBox.objects.all(), required=False, allow_null=True)
    operator = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SigningDevice
        fields = [
            "id",
            "operator",
            "outlet",
            "vendor",
            "kind",
            "serial",
            "cloud_account",
            "max_clients",
            "bundle",
            "host_cashbox",
            "description",
            "created_at",
            "updated_at",
        ]
        # The kind follows from the signing option (vendor).
        read_only_fields = ["id", "kind", "created_at", "updated_at"]


class QueueScuLinkSerializer(ConfigurationSerializer):
    queue = TenantRelatedField(action=CHANGE, queryset=Queue.objects.all())
    scu = TenantRelatedField(action=CHANGE, queryset=Scu.objects.all())
    operator = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = QueueScuLink
        fields = ["id", "operator", "queue", "scu", "mode", "timeout_s", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class TerminalSerializer(ConfigurationSerializer):
    queue = TenantRelatedField(action=CHANGE, queryset=Queue.objects.all())
    operator = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Terminal
        fields = ["id", "operator", "queue", "name", "terminal_id", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
