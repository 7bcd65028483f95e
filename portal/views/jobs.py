"""Jobs in the browser: a list, and a page whose progress bar updates itself (htmx polling
that stops when the job ends), with the result: a validation report or a download."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django_htmx.http import HttpResponseStopPolling

from portal import audit, filters, jobs
from portal.choices import AuditAction
from portal.models import Job
from portal.views.base import TenantDetailView, TenantListView

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class JobListView(TenantListView):
    model = Job
    filterset_class = filters.JobFilterSet
    template_name = "portal/jobs.html"


def group_findings(findings):
    """Findings grouped by machine (CashBox), then by severity, errors first; the findings
    about no machine (outlets, the operator) last."""
    machines, names = {}, {}
    for finding in sorted(findings, key=lambda f: SEVERITY_ORDER.get(f["severity"], 3)):
        obj = finding.get("object") or {}
        key = obj.get("cashbox") or ""  # two machines may share a name (in two outlets)
        names[key] = obj.get("machine") or ""
        machines.setdefault(key, {}).setdefault(finding["severity"], []).append(finding)
    # Machines with errors first (a report over an estate is long), then by name.
    worst = {key: min(SEVERITY_ORDER.get(severity, 3) for severity in machines[key]) for key in machines}
    ordered = sorted(machines, key=lambda key: (key == "", worst[key], names[key], key))
    return [(names[key], machines[key]) for key in ordered]


class JobDetailView(TenantDetailView):
    model = Job
    template_name = "portal/job_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object)
        if request.htmx and request.GET.get("poll"):
            response = render(request, "portal/job_detail.html#job-status", context)
            # 286 tells htmx to stop polling; the final state is swapped in with it.
            return HttpResponseStopPolling(response.content) if self.object.finished else response
        return render(request, self.template_name, context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.object.result or {}
        if "findings" in result:
            context["groups"] = group_findings(result["findings"])
            context["summary"] = result.get("summary", {})
        return context


class JobDownloadView(TenantDetailView):
    """The job's file, for those who may see its target; every download is in the audit log."""

    model = Job

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.file:
            raise Http404
        if not jobs.may_download(request.user, job):
            raise PermissionDenied
        audit.record(job, AuditAction.DOWNLOAD, after={"file": job.file_name, "sha256": job.file_sha256})
        return FileResponse(jobs.open_file(job), as_attachment=True, filename=job.file_name or "result.bin")
