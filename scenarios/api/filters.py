"""The FilterSet of plans (the API's list; the wizard keeps its own drafts)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cashboxes.filters import visible
from cashboxes.models import Outlet
from scenarios import definitions
from scenarios.models import Plan


class PlanFilterSet(django_filters.FilterSet):
    outlet = django_filters.ModelChoiceFilter(queryset=visible(Outlet), label=_("outlet"))
    scenario = django_filters.ChoiceFilter(choices=[(s.id, s.name) for s in definitions.SCENARIOS], label=_("scenario"))
    applied = django_filters.BooleanFilter(field_name="applied_at", lookup_expr="isnull", exclude=True, label=_("applied"))

    class Meta:
        model = Plan
        fields = ["outlet", "scenario", "applied"]
