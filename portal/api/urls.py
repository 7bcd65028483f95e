from django.urls import include, path
from rest_framework.routers import DefaultRouter

from portal.api import views

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("possystems", views.PosSystemViewSet, basename="possystem")
router.register("dealer-assignments", views.DealerAssignmentViewSet, basename="dealerassignment")
router.register("operator-links", views.OperatorLinkViewSet, basename="operatorlink")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("audit-events", views.AuditEventViewSet, basename="auditevent")
router.register("api-tokens", views.ApiTokenViewSet, basename="apitoken")
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("signing-key/", views.SigningKeyView.as_view(), name="signing-key"),
    path("", include(router.urls)),
]
