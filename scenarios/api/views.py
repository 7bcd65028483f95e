"""REST API of the rollout scenarios: thin over scenarios.advisor (pure) and scenarios.apply.

The catalog of scenarios and the advice are no tenant data: any signed-in user may read and
ask. Plans are: they list and fetch through `for_user` (another tenant's plan is 404, a missing
right 403); a new plan names an outlet the user may change (another tenant's outlet "does not
exist", 400), and its operator is the outlet's, never taken from the body.
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.base import TenantViewSet
from portal.tenancy import CHANGE
from scenarios import advisor, apply, definitions
from scenarios.api import filters
from scenarios.api import serializers as s
from scenarios.models import Plan


class ScenarioViewSet(viewsets.ViewSet):
    """The documented rollout scenarios, and the advisor's verdict on them for an outlet."""

    @extend_schema(responses={200: s.ScenarioListSerializer})
    def list(self, request):
        """The seven scenarios with their name, description, pros and cons (in the request's language)."""
        return Response({"scenarios": [scenario.as_dict() for scenario in definitions.SCENARIOS]})

    @extend_schema(request=s.InputsSerializer, responses={200: s.RecommendationSerializer})
    @action(detail=False, methods=["post"])
    def recommend(self, request):
        """Every scenario for the outlet described: allowed or the reasons why not, rank, TSEs
        needed, warnings, counts; the allowed ones first, best first."""
        serializer = s.InputsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"scenarios": advisor.assess(serializer.inputs)})


class PlanViewSet(TenantViewSet):
    """Plans of an outlet: make one from the inputs and a scenario, fill it in (host names,
    SCU parameters), apply it once. Plans are not edited otherwise, nor deleted."""

    queryset = Plan.objects.select_related("outlet")
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return {
            "list": s.PlanListSerializer,
            "create": s.PlanCreateSerializer,
            "partial_update": s.PlanFillSerializer,
        }.get(self.action, s.PlanSerializer)

    @extend_schema(request=s.PlanCreateSerializer, responses={201: s.PlanSerializer})
    def create(self, request, *args, **kwargs):
        """A plan for an outlet; 400 on `scenario` with the reasons when it is not allowed there."""
        # A reader is refused before the body is looked at (otherwise: "does not exist", 400).
        self.require(CHANGE)
        return super().create(request, *args, **kwargs)

    @extend_schema(request=s.PlanFillSerializer, responses={200: s.PlanSerializer})
    def partial_update(self, request, *args, **kwargs):
        """The review step: `machines` {key: {hostname, platform}} and `parameters`
        {scu key: {name: value}}; secrets are stored encrypted and never shown again."""
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        with transaction.atomic():
            # Two reviews at once must not lose each other's changes.
            serializer.instance = Plan.objects.select_for_update().select_related("outlet").get(pk=serializer.instance.pk)
            serializer.save()

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "PlanResult",
                {
                    "cashboxes": serializers.ListField(child=serializers.UUIDField()),
                    "queues": serializers.ListField(child=serializers.UUIDField()),
                    "scus": serializers.ListField(child=serializers.UUIDField()),
                    "signing_devices": serializers.ListField(child=serializers.UUIDField()),
                    "terminals": serializers.ListField(child=serializers.UUIDField()),
                },
            ),
            400: OpenApiResponse(description="What keeps the plan from being applied"),
        },
    )
    @action(detail=True, methods=["post"], url_path="apply", url_name="apply")
    def apply_plan(self, request, pk=None):
        """Create every CashBox, queue, SCU, signing device, link and terminal of the plan in
        one transaction. Applying again creates nothing more and answers the same."""
        plan = self.get_object()
        return Response(apply.apply(plan, request.user))
