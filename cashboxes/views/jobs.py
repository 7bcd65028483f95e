"""Starting validation and package jobs from the pages; the job page shows their progress."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from cashboxes import jobs as job_kinds
from cashboxes.models import CashBox, Outlet
from portal.models import Organization
from portal.tenancy import CHANGE, VIEW
from portal.views.base import TenantActionView


class StartJobView(TenantActionView):
    kind = None

    def act(self, request, target):
        if self.kind == job_kinds.PACKAGE:
            problem = job_kinds.package_problem(target)
            if problem:
                messages.error(request, problem)
                return redirect(self.back_url(request))
        job = job_kinds.submit(self.kind, target, request.user)
        return redirect("job-detail", pk=job.pk)

    def back_url(self, request):
        """The page the button was on (from `next` or the Referer), if it is one of ours."""
        for url in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
            if url and url_has_allowed_host_and_scheme(
                url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return url
        return "cashboxes"


class CashBoxValidateView(StartJobView):
    model = CashBox
    object_action = VIEW
    kind = job_kinds.VALIDATE


class CashBoxPackageView(StartJobView):
    model = CashBox
    object_action = CHANGE  # the package holds the access token
    kind = job_kinds.PACKAGE


class OutletValidateView(CashBoxValidateView):
    model = Outlet


class OutletPackageView(CashBoxPackageView):
    model = Outlet


class OrganizationValidateView(StartJobView):
    """An operator's whole configuration (its members, its dealers within their grant)."""

    model = Organization
    object_action = VIEW
    kind = job_kinds.VALIDATE
    problem = staticmethod(job_kinds.operator_problem)

    def act(self, request, target):
        if self.problem(request.user, target):
            raise PermissionDenied
        return super().act(request, target)


class OrganizationValidateOperatorsView(OrganizationValidateView):
    """Everything a dealer looks after (the dealer's own members)."""

    kind = job_kinds.VALIDATE_OPERATORS
    problem = staticmethod(job_kinds.operators_problem)
