"""One FilterSet per model, shared by the list pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.choices import AuditAction, InvitationStatus, LinkStatus, Role
from portal.models import AuditEvent, DealerAssignment, Invitation, Job, Membership, OperatorLink, Organization, PosSystem


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    role = django_filters.ChoiceFilter(choices=Role.choices, method="with_role", label=_("role"))

    class Meta:
        model = Organization
        fields = ["country"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value) | Q(vat_id__icontains=value))

    def with_role(self, queryset, name, value):
        field = {Role.POS_CREATOR: "is_pos_creator", Role.POS_DEALER: "is_pos_dealer", Role.POS_OPERATOR: "is_pos_operator"}[
            value
        ]
        return queryset.filter(**{field: True})


class PosSystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = PosSystem
        fields = ["type", "brand"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(brand__icontains=value))


class InvitationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices)
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("created from"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("created until"))

    class Meta:
        model = Invitation
        fields = ["status", "kind", "country"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(company_name__icontains=value) | Q(email__icontains=value))


class DealerAssignmentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LinkStatus.choices)

    class Meta:
        model = DealerAssignment
        fields = ["status", "pos_system", "dealer"]


class OperatorLinkFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LinkStatus.choices)

    class Meta:
        model = OperatorLink
        fields = ["status", "right", "dealer", "operator"]


class MembershipFilterSet(django_filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["right"]


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    object_type = django_filters.CharFilter(label=_("what"))
    actor_email = django_filters.CharFilter(lookup_expr="icontains", label=_("who"))
    since = django_filters.DateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("since"))
    until = django_filters.DateTimeFilter(field_name="created_at", lookup_expr="lte", label=_("until"))

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "request_id"]


class JobFilterSet(django_filters.FilterSet):
    class Meta:
        model = Job
        fields = ["status", "kind", "target_type", "target_id"]
