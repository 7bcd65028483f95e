"""REST API of the configuration: thin viewsets over cashboxes.services, behind the gate.

Every route lists and fetches through `for_user` (another tenant's object is 404, a missing
right 403). Creating needs the CHANGE right in the organization the user acts for, and the new
object's operator comes from the related object it hangs on (outlet, CashBox, queue), never
from the body. Updates honour `If-Match` (portal.api.base.ETagMixin).

Deleting follows the domain: queues, SCUs and helpers only while never in operation, links and
terminals always, signing devices while no SCU uses them, CashBoxes only while none of their
components was ever in operation; outlets are not deleted.
"""

from django.db.models import Prefetch, ProtectedError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cashboxes import catalog, filters, services
from cashboxes import jobs as job_kinds
from cashboxes.api import serializers as s
from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice, Terminal
from portal.api.base import ETagMixin, TenantViewSet
from portal.api.serializers import JobSerializer
from portal.models import Organization
from portal.tenancy import CHANGE, VIEW


class CatalogView(APIView):
    """Countries, queue packages and signing options with their SCU packages and parameters."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(catalog.as_dict())


class ConfigurationViewSet(ETagMixin, TenantViewSet):
    """Base of the configuration's viewsets. `tenant_from` names the serializer field whose
    object's operator owns a new object."""

    tenant_from = None

    def create(self, request, *args, **kwargs):
        # A reader is refused before the body is looked at (otherwise: "does not exist", 400).
        self.require(CHANGE)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.save(operator=serializer.validated_data[self.tenant_from].operator)


def still_used(error):
    """A PROTECTed relation refused a delete: say what still uses the object."""
    users = sorted({str(obj) for obj in error.protected_objects})
    return ValidationError(
        {"non_field_errors": [_("It is still used by %(users)s; remove those first.") % {"users": ", ".join(users)}]}
    )


class DeletableMixin(mixins.DestroyModelMixin):
    """DELETE through services.delete(): the model refuses what was ever in operation (400)."""

    def perform_destroy(self, instance):
        try:
            services.delete(instance)
        except ProtectedError as error:
            raise still_used(error)


class ComponentViewSet(DeletableMixin, ConfigurationViewSet):
    """Queues, SCUs and helpers: they run in a CashBox; deleted only while never in operation."""

    tenant_from = "cashbox"

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="take-out-of-operation")
    def take_out_of_operation(self, request, pk=None):
        """Take it out of operation for good (a component that was in operation is never deleted)."""
        component = self.get_object()
        services.take_out_of_operation(component)
        return Response(self.get_serializer(component).data)


class JobActionsMixin:
    """`validate/` (any reader) and `package/` (write right: a package holds the access token)
    start background jobs and answer 202 with the job; its progress is at /api/v1/jobs/{id}/."""

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        job = job_kinds.submit(job_kinds.VALIDATE, self.get_object(), request.user)
        return Response(JobSerializer(job, context={"request": request}).data, status=202)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def package(self, request, pk=None):
        target = self.get_object()
        problem = job_kinds.package_problem(target)
        if problem:
            raise ValidationError({"non_field_errors": [problem]})
        job = job_kinds.submit(job_kinds.PACKAGE, target, request.user)
        return Response(JobSerializer(job, context={"request": request}).data, status=202)


class OrganizationValidateView(APIView):
    """Validate an operator's whole configuration: every outlet and CashBox. Answers 202 with
    the job, whose result is the report (like a CashBox's `validate/`). Whoever may see that
    configuration may: the operator's members, and its dealers within their grant. Another
    organization the user may see (a partner that is no operator, or whose configuration is not
    theirs to see) is 403; one they may not see, 404."""

    kind = job_kinds.VALIDATE

    def problem(self, user, organization):
        return job_kinds.operator_problem(user, organization)

    @extend_schema(request=None, responses={202: JobSerializer})
    def post(self, request, pk):
        organization = get_object_or_404(Organization.objects.for_user(request.user, VIEW), pk=pk)
        problem = self.problem(request.user, organization)
        if problem:
            raise PermissionDenied(problem)
        job = job_kinds.submit(self.kind, organization, request.user)
        return Response(JobSerializer(job, context={"request": request}).data, status=202)


class OrganizationValidateOperatorsView(OrganizationValidateView):
    """Validate everything a dealer looks after: the configuration of every operator with an
    active link to it (and its own, when the dealer is an operator too), in one report. For the
    dealer's own members (any right)."""

    kind = job_kinds.VALIDATE_OPERATORS

    def problem(self, user, organization):
        return job_kinds.operators_problem(user, organization)


class OutletViewSet(JobActionsMixin, ConfigurationViewSet):
    """Outlets of the operators the user may see. New outlets name their `operator` (by default
    the organization the user acts for); outlets are never deleted."""

    queryset = Outlet.objects.all()
    serializer_class = s.OutletSerializer
    filterset_class = filters.OutletFilterSet
    object_actions = {"validate": VIEW, "package": CHANGE}

    def perform_create(self, serializer):
        serializer.save()  # the serializer checked `operator` through the gate (CHANGE)


class CashBoxViewSet(JobActionsMixin, mixins.DestroyModelMixin, ConfigurationViewSet):
    """CashBoxes: the configuration of one middleware instance each.

    `access-token` reveals the launcher's secret, so it needs the CHANGE right, like
    `rotate-token`: a read-only member or a dealer with a read grant gets 403. Both are in the
    audit log.
    """

    queryset = (
        CashBox.objects.select_related("published", "outlet")
        .defer("published__configuration_encrypted", "published__configuration_masked", "published__diff")
        .prefetch_related(
            Prefetch("queues", Queue.objects.only("id", "cashbox_id")),
            Prefetch("scus", Scu.objects.only("id", "cashbox_id")),
            Prefetch("helpers", Helper.objects.only("id", "cashbox_id")),
        )
    )
    serializer_class = s.CashBoxSerializer
    filterset_class = filters.CashBoxFilterSet
    tenant_from = "outlet"
    object_actions = {"access_token": CHANGE, "validate": VIEW, "package": CHANGE}

    def perform_destroy(self, instance):
        try:
            services.delete_cashbox(instance)
        except ProtectedError as error:
            raise still_used(error)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Rebuild",
                {
                    "revision": serializers.IntegerField(),
                    "published_revision": serializers.IntegerField(),
                    "diff": serializers.ListField(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def rebuild(self, request, pk=None):
        """Publish the current revision for the launchers; 400 with the reasons when it cannot be built."""
        cashbox = self.get_object()
        publication = services.rebuild(cashbox, request.user)
        cashbox.refresh_from_db(fields=["revision"])
        return Response({"revision": cashbox.revision, "published_revision": publication.revision, "diff": publication.diff})

    @extend_schema(responses={200: inline_serializer("AccessToken", {"accessToken": serializers.CharField()})})
    @action(detail=True, methods=["get"], url_path="access-token")
    def access_token(self, request, pk=None):
        """The launcher's access token (needs the CHANGE right; each reveal is audit-logged)."""
        cashbox = self.get_object()
        return _no_store(Response({"accessToken": services.reveal_access_token(cashbox)}))

    @extend_schema(request=None, responses={200: inline_serializer("NewAccessToken", {"accessToken": serializers.CharField()})})
    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request, pk=None):
        """A new access token; launchers with the old one get 401 from now on."""
        cashbox = self.get_object()
        return _no_store(Response({"accessToken": services.rotate_access_token(cashbox)}))

    @extend_schema(
        responses={
            200: inline_serializer(
                "ConfigurationPreview",
                {
                    "revision": serializers.IntegerField(),
                    "published_revision": serializers.IntegerField(),
                    "needs_rebuild": serializers.BooleanField(),
                    "configuration": serializers.DictField(),
                    "diff": serializers.ListField(),
                    "problems": serializers.ListField(child=serializers.CharField()),
                },
            )
        }
    )
    @action(detail=True, methods=["get"])
    def configuration(self, request, pk=None):
        """What a rebuild would publish, secrets masked, with the diff to the published revision."""
        cashbox = self.get_object()
        masked, diff, problems = services.preview(cashbox)
        return Response(
            {
                "revision": cashbox.revision,
                "published_revision": cashbox.published_revision,
                "needs_rebuild": cashbox.needs_rebuild,
                "configuration": masked,
                "diff": diff,
                "problems": problems,
            }
        )


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class QueueViewSet(ComponentViewSet):
    queryset = Queue.objects.all()
    serializer_class = s.QueueSerializer
    filterset_class = filters.QueueFilterSet


class ScuViewSet(ComponentViewSet):
    queryset = Scu.objects.all()
    serializer_class = s.ScuSerializer
    filterset_class = filters.ScuFilterSet


class HelperViewSet(ComponentViewSet):
    queryset = Helper.objects.all()
    serializer_class = s.HelperSerializer
    filterset_class = filters.HelperFilterSet


class SigningDeviceViewSet(DeletableMixin, ConfigurationViewSet):
    """TSEs, smart cards, HSMs, RT printers, certificates. Deleted only while no SCU uses them."""

    queryset = SigningDevice.objects.all()
    serializer_class = s.SigningDeviceSerializer
    filterset_class = filters.SigningDeviceFilterSet
    tenant_from = "outlet"


class QueueScuLinkViewSet(DeletableMixin, ConfigurationViewSet):
    """A queue uses an SCU (DE: exactly one; AT: several, with a mode)."""

    queryset = QueueScuLink.objects.all()
    serializer_class = s.QueueScuLinkSerializer
    filterset_class = filters.QueueScuLinkFilterSet
    tenant_from = "queue"


class TerminalViewSet(DeletableMixin, ConfigurationViewSet):
    queryset = Terminal.objects.all()
    serializer_class = s.TerminalSerializer
    filterset_class = filters.TerminalFilterSet
    tenant_from = "queue"
