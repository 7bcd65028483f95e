"""REST API of the core: thin viewsets over the services, behind the tenancy gate."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import audit, filters, jobs
from portal.api import serializers as s
from portal.api.base import TenantReadOnlyViewSet, TenantViewSet
from portal.choices import AuditAction, Role
from portal.models import (
    ApiToken,
    AuditEvent,
    DealerAssignment,
    Invitation,
    Job,
    Membership,
    OperatorLink,
    Organization,
    PosSystem,
)
from portal.services import invitations, links, members
from portal.services.invitations import InvitationError
from portal.tenancy import CHANGE, MANAGE, scope_for


def refused(error):
    """A service's refusal as a 400 with the message on its field."""
    return ValidationError({error.field or "non_field_errors": [str(error)]})


def base_url(request):
    return request.build_absolute_uri("/")


class MeView(APIView):
    """Who is asking, the organizations they belong to, and the one they act for."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        scope = scope_for(request.user)
        memberships = request.user.memberships.select_related("organization")
        return Response(
            {
                "email": request.user.email,
                "organization": str(scope.organization_id) if scope.organization_id else None,
                "memberships": [
                    {
                        "organization": str(m.organization_id),
                        "name": m.organization.name,
                        "right": m.right,
                        "roles": m.organization.roles,
                    }
                    for m in memberships
                ],
            }
        )


class OrganizationViewSet(TenantViewSet):
    """Organizations the user may see: its own, its partners, a dealer's operators.

    New organizations come from accepted invitations, so there is no create here.
    """

    queryset = Organization.objects.all()
    serializer_class = s.OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]


class PosSystemViewSet(TenantViewSet, mixins.DestroyModelMixin):
    queryset = PosSystem.objects.all()
    serializer_class = s.PosSystemSerializer
    filterset_class = filters.PosSystemFilterSet

    def perform_create(self, serializer):
        self.require(CHANGE, Role.POS_CREATOR)
        serializer.save(creator=self.scope.organization)

    @extend_schema(
        request=s.DealerRegistrationSerializer, responses={201: s.DealerAssignmentSerializer, 202: s.InvitationSerializer}
    )
    @action(detail=True, methods=["post"])
    def dealers(self, request, pk=None):
        """Register a dealer by e-mail: a known dealer is assigned, an unknown address invited."""
        pos_system = self.get_object()
        data = s.DealerRegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        email = fields.pop("email")
        try:
            outcome, obj = links.register_dealer(pos_system, request.user, email, base_url(request), company=fields or None)
        except InvitationError as error:
            raise refused(error)
        if outcome == "assigned":
            return Response(s.DealerAssignmentSerializer(obj).data, status=status.HTTP_201_CREATED)
        return Response(s.InvitationSerializer(obj).data, status=status.HTTP_202_ACCEPTED)


class DealerAssignmentViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin, mixins.DestroyModelMixin):
    """Dealers registered for PosSystems. A dealer asks with POST {pos_system}; the creator
    accepts; either side removes."""

    queryset = DealerAssignment.objects.select_related("dealer")
    serializer_class = s.DealerAssignmentSerializer
    filterset_class = filters.DealerAssignmentFilterSet

    def perform_create(self, serializer):
        self.require(CHANGE, Role.POS_DEALER)
        try:
            assignment = links.request_assignment(serializer.validated_data["pos_system"], self.scope.organization)
        except InvitationError as error:
            raise refused(error)
        serializer.instance = assignment

    def perform_destroy(self, instance):
        links.remove_assignment(instance)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        assignment = self.get_object()
        if assignment.pos_system.creator_id != self.scope.organization_id:
            raise PermissionDenied()
        try:
            links.accept_assignment(assignment)
        except InvitationError as error:
            raise refused(error)
        return Response(self.get_serializer(assignment).data)


class OperatorLinkViewSet(TenantViewSet):
    """Dealer-operator links. The operator changes the right (PATCH) or revokes; the dealer
    accepts an operator's request."""

    queryset = OperatorLink.objects.select_related("dealer", "operator")
    serializer_class = s.OperatorLinkSerializer
    filterset_class = filters.OperatorLinkFilterSet
    http_method_names = ["get", "patch", "post", "head", "options"]
    object_actions = {"accept": "view"}  # the dealer's side: checked in the action

    def create(self, request, *args, **kwargs):
        raise PermissionDenied()  # links come from invitations and requests

    def perform_update(self, serializer):
        links.set_dealer_right(serializer.instance, serializer.validated_data.get("right", serializer.instance.right))

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        link = self.get_object()
        links.revoke(link)
        return Response(self.get_serializer(link).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        link = self.get_object()
        if link.dealer_id != self.scope.organization_id or not self.scope.allows(CHANGE):
            raise PermissionDenied()
        try:
            links.accept_dealer_request(link)
        except InvitationError as error:
            raise refused(error)
        return Response(self.get_serializer(link).data)


class InvitationViewSet(TenantViewSet):
    queryset = Invitation.objects.prefetch_related("events__by")
    serializer_class = s.InvitationSerializer
    filterset_class = filters.InvitationFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        self.require(CHANGE, Role.POS_DEALER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k not in ("pos_system",)}
        try:
            invitation, _token = invitations.invite(self.scope.organization, request.user, fields, base_url(request))
        except InvitationError as error:
            raise refused(error)
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        invitation = self.get_object()
        try:
            invitations.resend(invitation, request.user, base_url(request))
        except InvitationError as error:
            raise refused(error)
        return Response(self.get_serializer(invitation).data)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        invitation = self.get_object()
        try:
            invitations.withdraw(invitation, request.user)
        except InvitationError as error:
            raise refused(error)
        return Response(self.get_serializer(invitation).data)


class MembershipViewSet(TenantViewSet, mixins.DestroyModelMixin):
    """People of the active organization; admins add (by e-mail), change and remove them."""

    queryset = Membership.objects.select_related("user")
    serializer_class = s.MembershipSerializer
    filterset_class = filters.MembershipFilterSet
    object_actions = {"update": MANAGE, "partial_update": MANAGE, "destroy": MANAGE}

    def create(self, request, *args, **kwargs):
        self.require(MANAGE)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_data = serializer.validated_data["user"]
        try:
            membership = members.add_member(
                self.scope.organization,
                user_data["email"],
                serializer.validated_data["right"],
                first_name=user_data.get("first_name", ""),
                last_name=user_data.get("last_name", ""),
                base_url=base_url(request),
            )
        except InvitationError as error:
            raise refused(error)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        try:
            members.set_right(serializer.instance, serializer.validated_data.get("right", serializer.instance.right))
        except InvitationError as error:
            raise refused(error)

    def perform_destroy(self, instance):
        try:
            members.remove(instance)
        except InvitationError as error:
            raise refused(error)


class AuditEventViewSet(TenantReadOnlyViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = s.AuditEventSerializer
    filterset_class = filters.AuditEventFilterSet


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The user's own API tokens. The key is in the create response only; DELETE revokes."""

    serializer_class = s.ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = ApiToken.issue(request.user, serializer.validated_data["name"])
        return Response(dict(self.get_serializer(token).data, key=key), status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if instance.revoked_at is None:
            instance.revoke()


class JobViewSet(TenantReadOnlyViewSet):
    """Background jobs (validation, packages): status, progress, result, error; the file of a
    finished package job downloads at `download/`."""

    queryset = Job.objects.all()
    serializer_class = s.JobSerializer
    filterset_class = filters.JobFilterSet
    object_actions = {"download": "view", "cancel": CHANGE}

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if not job.file:
            raise NotFound(_("This job has no file (not finished, or past the retention period)."))
        if not jobs.may_download(request.user, job):
            raise PermissionDenied(_("A deployment package holds the access token: downloading it needs the right to change."))
        audit.record(job, AuditAction.DOWNLOAD, after={"file": job.file_name, "sha256": job.file_sha256})
        return FileResponse(jobs.open_file(job), as_attachment=True, filename=job.file_name or "result.bin")

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = self.get_object()
        if not jobs.cancel(job):
            raise ValidationError({"status": [_("Only a queued job can be cancelled.")]})
        job.refresh_from_db()
        return Response(self.get_serializer(job).data)


class SigningKeyView(APIView):
    """The portal's public key: deployment packages carry MANIFEST.sig, its Ed25519 signature
    of MANIFEST.json, verifiable with this key."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request):
        from portal import signing

        return Response({"public_key_pem": signing.public_key_pem(), "algorithm": "Ed25519"})
