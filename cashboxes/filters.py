"""One FilterSet per configuration model, shared by the list pages and the API.

Filters that name a related object (outlet, CashBox, queue, ...) offer only what the user may
see, through the tenancy gate; pass `request=` when building a FilterSet.
"""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cashboxes.choices import ComponentState, DeviceKind, LinkMode, MachineRole, Platform
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.models import Organization


def visible(model, **filters):
    """The choices of a related-object filter: what the request's user may see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.for_user(request.user).filter(**filters)

    return queryset


class ComponentFilterSet(django_filters.FilterSet):
    """Filters every component (queue, SCU, helper) has."""

    q = django_filters.CharFilter(method="search", label=_("search"))
    cashbox = django_filters.ModelChoiceFilter(queryset=visible(CashBox), label=_("CashBox"))
    outlet = django_filters.ModelChoiceFilter(queryset=visible(Outlet), label=_("outlet"))
    state = django_filters.ChoiceFilter(choices=ComponentState.choices, label=_("state"))
    active = django_filters.BooleanFilter(method="with_active", label=_("active (not out of operation)"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(package__icontains=value))

    def with_active(self, queryset, name, value):
        if value:
            return queryset.exclude(state=ComponentState.OUT_OF_OPERATION)
        return queryset.filter(state=ComponentState.OUT_OF_OPERATION)


class OutletFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    operator = django_filters.ModelChoiceFilter(queryset=visible(Organization, is_pos_operator=True), label=_("PosOperator"))

    class Meta:
        model = Outlet
        fields = ["country", "operator"]

    def search(self, queryset, name, value):
        query = Q(name__icontains=value) | Q(city__icontains=value) | Q(address_line1__icontains=value)
        if value.isdigit():
            query |= Q(number=int(value))
        return queryset.filter(query)


class CashBoxFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    outlet = django_filters.ModelChoiceFilter(queryset=visible(Outlet), label=_("outlet"))
    operator = django_filters.ModelChoiceFilter(queryset=visible(Organization, is_pos_operator=True), label=_("PosOperator"))
    machine_role = django_filters.ChoiceFilter(choices=MachineRole.choices, label=_("machine"))
    platform = django_filters.ChoiceFilter(choices=Platform.choices, label=_("operating system"))
    needs_rebuild = django_filters.BooleanFilter(method="with_needs_rebuild", label=_("needs a rebuild"))

    class Meta:
        model = CashBox
        fields = ["outlet", "operator", "machine_role", "platform"]

    def search(self, queryset, name, value):
        # Subqueries rather than joins, so that each CashBox comes once.
        queues = Queue.objects.filter(cashbox_identification__icontains=value).values("cashbox_id")
        scus = Scu.objects.filter(description__icontains=value).values("cashbox_id")
        return queryset.filter(Q(description__icontains=value) | Q(hostname__icontains=value) | Q(pk__in=queues) | Q(pk__in=scus))

    def with_needs_rebuild(self, queryset, name, value):
        # The same as CashBox.needs_rebuild, in SQL.
        due = Q(published__isnull=True) | Q(published__revision__lt=F("revision"))
        return queryset.filter(due) if value else queryset.exclude(due)


class QueueFilterSet(ComponentFilterSet):
    country = django_filters.CharFilter(label=_("country"))
    package = django_filters.CharFilter(label=_("package"))

    class Meta:
        model = Queue
        fields = ["state", "country", "package", "cashbox", "outlet"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(cashbox_identification__icontains=value) | Q(description__icontains=value))


class ScuFilterSet(ComponentFilterSet):
    package = django_filters.CharFilter(label=_("package"))
    signing_device = django_filters.ModelChoiceFilter(queryset=visible(SigningDevice), label=_("signing device"))

    class Meta:
        model = Scu
        fields = ["state", "package", "cashbox", "outlet", "signing_device"]


class HelperFilterSet(ComponentFilterSet):
    package = django_filters.CharFilter(label=_("package"))

    class Meta:
        model = Helper
        fields = ["state", "package", "cashbox", "outlet"]


class SigningDeviceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    outlet = django_filters.ModelChoiceFilter(queryset=visible(Outlet), label=_("outlet"))
    host_cashbox = django_filters.ModelChoiceFilter(queryset=visible(CashBox), label=_("plugged into"))
    kind = django_filters.ChoiceFilter(choices=DeviceKind.choices, label=_("kind"))

    class Meta:
        model = SigningDevice
        fields = ["outlet", "kind", "vendor", "host_cashbox"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(serial__icontains=value) | Q(cloud_account__icontains=value))


class QueueScuLinkFilterSet(django_filters.FilterSet):
    queue = django_filters.ModelChoiceFilter(queryset=visible(Queue), label=_("queue"))
    scu = django_filters.ModelChoiceFilter(queryset=visible(Scu), label=_("SCU"))
    mode = django_filters.ChoiceFilter(choices=LinkMode.choices, label=_("mode"))

    class Meta:
        model = QueueScuLink
        fields = ["queue", "scu", "mode"]


class TerminalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    queue = django_filters.ModelChoiceFilter(queryset=visible(Queue), label=_("queue"))

    class Meta:
        model = Terminal
        fields = ["queue"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(terminal_id__icontains=value))
