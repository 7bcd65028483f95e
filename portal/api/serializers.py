from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.countries import COUNTRIES
from portal.models import (
    ApiToken,
    AuditEvent,
    DealerAssignment,
    Invitation,
    InvitationEvent,
    Job,
    Membership,
    OperatorLink,
    Organization,
    PosSystem,
)


class OrganizationSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "roles",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "vat_id",
            "tax_number",
            "web",
            "phone",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class PosSystemSerializer(serializers.ModelSerializer):
    pos_system_id = serializers.UUIDField(source="id", read_only=True)
    creator = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PosSystem
        fields = ["id", "pos_system_id", "creator", "name", "brand", "type", "software_version", "created_at"]
        read_only_fields = ["id", "created_at"]


class DealerRegistrationSerializer(serializers.Serializer):
    email = serializers.EmailField()
    company_name = serializers.CharField(max_length=200, required=False)
    country = serializers.ChoiceField(choices=sorted(COUNTRIES), required=False)
    contact_first_name = serializers.CharField(max_length=100, required=False)
    contact_last_name = serializers.CharField(max_length=100, required=False)

    def validate(self, attrs):
        # Like DealerRegistrationForm.company(): company data is all or nothing, so an invitation
        # never lacks its country or contact.
        company = ["company_name", "country", "contact_first_name", "contact_last_name"]
        if any(attrs.get(key) for key in company):
            missing = {key: [_("Needed to invite a new dealer.")] for key in company if not attrs.get(key)}
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class DealerAssignmentSerializer(serializers.ModelSerializer):
    pos_system = serializers.PrimaryKeyRelatedField(queryset=PosSystem.objects.all())
    dealer = serializers.PrimaryKeyRelatedField(read_only=True)
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)

    class Meta:
        model = DealerAssignment
        fields = ["id", "pos_system", "dealer", "dealer_name", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]


class OperatorLinkSerializer(serializers.ModelSerializer):
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True)

    class Meta:
        model = OperatorLink
        fields = ["id", "dealer", "dealer_name", "operator", "operator_name", "right", "status", "created_at", "updated_at"]
        read_only_fields = ["id", "dealer", "operator", "status", "created_at", "updated_at"]


class InvitationEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.email", default=None, read_only=True)

    class Meta:
        model = InvitationEvent
        fields = ["kind", "by", "at"]


class InvitationSerializer(serializers.ModelSerializer):
    events = InvitationEventSerializer(many=True, read_only=True)
    country = serializers.ChoiceField(choices=sorted(COUNTRIES))
    expired = serializers.BooleanField(source="is_expired", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "kind",
            "status",
            "expired",
            "email",
            "company_name",
            "country",
            "contact_first_name",
            "contact_last_name",
            "account_email",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "vat_id",
            "tax_number",
            "web",
            "phone",
            "contact_title",
            "contact_mobile_phone",
            "dealer_right",
            "pos_system",
            "expires_at",
            "created_at",
            "events",
        ]
        read_only_fields = ["id", "kind", "status", "pos_system", "expires_at", "created_at"]
        extra_kwargs = {"email": {"help_text": _("The contact's e-mail: the login of the new account.")}}


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name", required=False, allow_blank=True)
    last_name = serializers.CharField(source="user.last_name", required=False, allow_blank=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "first_name", "last_name", "organization", "right", "created_at"]
        read_only_fields = ["id", "organization", "created_at"]

    def validate(self, attrs):
        if self.instance is not None and "user" in attrs:
            raise serializers.ValidationError({"email": _("The person of a membership cannot change.")})
        return attrs


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "organization",
            "actor_email",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "via",
            "request_id",
            "created_at",
        ]


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "hint", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "hint", "created_at", "last_used_at", "revoked_at"]


class JobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "message",
            "result",
            "error",
            "target_type",
            "target_id",
            "target_label",
            "revision",
            "organization",
            "created_at",
            "started_at",
            "finished_at",
            "celery_task_id",
            "attempts",
            "file_name",
            "file_sha256",
            "file_size",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job):
        if not job.file:
            return None
        from django.urls import reverse

        return reverse("api:job-download", args=[job.pk])
