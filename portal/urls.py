from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import cashboxes.api.urls
import cashboxes.urls
import portal.api.urls
import scenarios.api.urls
import scenarios.topology_urls
import scenarios.urls
from portal.views import audit, health, home, invitations, jobs, partners, people, possystems

# The REST API of every app under one namespace ("api:").
api_patterns = portal.api.urls.urlpatterns + cashboxes.api.urls.urlpatterns + scenarios.api.urls.urlpatterns

urlpatterns = [
    path("", home.dashboard, name="dashboard"),
    path("organization/", home.my_organization, name="organization"),
    path("organization/switch/", home.switch_organization, name="organization-switch"),
    path("organizations/<uuid:pk>/", home.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<uuid:pk>/edit/", home.OrganizationUpdateView.as_view(), name="organization-edit"),
    path("members/", people.MembershipListView.as_view(), name="members"),
    path("members/add/", people.member_add, name="member-add"),
    path("members/<uuid:pk>/edit/", people.MembershipUpdateView.as_view(), name="member-edit"),
    path("members/<uuid:pk>/remove/", people.MembershipRemoveView.as_view(), name="member-remove"),
    path("tokens/", people.tokens, name="tokens"),
    path("tokens/<uuid:pk>/revoke/", people.token_revoke, name="token-revoke"),
    path("possystems/", possystems.PosSystemListView.as_view(), name="possystems"),
    path("possystems/new/", possystems.PosSystemCreateView.as_view(), name="possystem-create"),
    path("possystems/request/", possystems.request_assignment, name="possystem-request"),
    path("possystems/<uuid:pk>/", possystems.PosSystemDetailView.as_view(), name="possystem-detail"),
    path("possystems/<uuid:pk>/edit/", possystems.PosSystemUpdateView.as_view(), name="possystem-edit"),
    path("possystems/<uuid:pk>/dealers/", possystems.DealerRegisterView.as_view(), name="possystem-register-dealer"),
    path("assignments/<uuid:pk>/accept/", possystems.AssignmentAcceptView.as_view(), name="assignment-accept"),
    path("assignments/<uuid:pk>/remove/", possystems.AssignmentRemoveView.as_view(), name="assignment-remove"),
    path("invitations/", invitations.InvitationListView.as_view(), name="invitations"),
    path("invitations/new/", invitations.InvitationCreateView.as_view(), name="invitation-create"),
    path("invitations/import/", invitations.InvitationImportView.as_view(), name="invitation-import"),
    path("invitations/import/template.csv", invitations.import_template, name="invitation-template"),
    path("invitations/<uuid:pk>/", invitations.InvitationDetailView.as_view(), name="invitation-detail"),
    path("invitations/<uuid:pk>/resend/", invitations.InvitationResendView.as_view(), name="invitation-resend"),
    path("invitations/<uuid:pk>/withdraw/", invitations.InvitationWithdrawView.as_view(), name="invitation-withdraw"),
    path("invite/<str:token>/", invitations.accept_invitation, name="invitation-accept"),
    path("operators/", partners.OperatorListView.as_view(), name="operators"),
    path("operators/<uuid:pk>/accept/", partners.OperatorRequestAcceptView.as_view(), name="operator-accept"),
    path("dealers/", partners.DealerListView.as_view(), name="dealers"),
    path("dealers/<uuid:pk>/right/", partners.DealerRightView.as_view(), name="dealer-right"),
    path("dealers/<uuid:pk>/revoke/", partners.DealerRevokeView.as_view(), name="dealer-revoke"),
    path("jobs/", jobs.JobListView.as_view(), name="jobs"),
    path("jobs/<uuid:pk>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/download/", jobs.JobDownloadView.as_view(), name="job-download"),
    path("audit/", audit.AuditEventListView.as_view(), name="audit"),
    path("audit/<int:pk>/", audit.AuditEventDetailView.as_view(), name="audit-detail"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include(cashboxes.urls)),
    path("", include(scenarios.urls)),
    path("", include(scenarios.topology_urls)),
    path("api/v1/", include((api_patterns, "api"))),
    # Where the middleware's launchers fetch their configuration (also served by portal.wsgi's lean path).
    path("", include("cashboxes.launcher_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Last, so that resolving it costs no less than any other route (bench/config_endpoint.py).
    path("healthz", health.healthz, name="healthz"),
]
