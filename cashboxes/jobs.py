"""The configuration's background jobs: validation reports and deployment packages.

Registered with portal.jobs (see CashboxesConfig.ready). Each handler finds its target again
for the job's user through the tenancy gate, then calls the pure service.
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cashboxes.models import CashBox, Outlet
from portal import jobs
from portal.tenancy import VIEW

VALIDATE, PACKAGE = "validate", "package"
# outlet -> SVG of its topology, for the outlet bundle. The scenarios app sets it (it draws;
# the configuration does not know the scenarios).
outlet_drawing = None


def _target_model(job):
    return {"cashboxes.cashbox": CashBox, "cashboxes.outlet": Outlet}[job.target_type]


def load_target(job):
    """The target as the job's user may see it now (rights may have changed since)."""
    if job.user is None:
        raise PermissionError(_("The job has no user any more."))
    return _target_model(job).objects.for_user(job.user, VIEW).get(pk=job.target_id)


def revision_of(kind, target):
    """What a result depends on. A validation: the CashBoxes' revisions. A package: the published
    revisions and the access tokens (a rotated token must not come from an old package)."""
    boxes = [target] if isinstance(target, CashBox) else target.cashboxes.order_by("pk")
    if kind == VALIDATE:
        state = ",".join(f"{box.pk}:{box.revision}" for box in boxes)
    else:
        state = ",".join(f"{box.pk}:{box.published_id or 0}:{box.access_token_encrypted}" for box in boxes)
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def validate_handler(job, target, progress):
    from cashboxes import validation

    report = validation.validate(target, progress=progress)
    _link_findings(report["findings"])
    return jobs.Output(report)


def _link_findings(findings):
    """Give each finding the machine it is about and a link to the page where it is fixed."""
    ids = {f["object"].get("cashbox") for f in findings if f.get("object") and f["object"].get("cashbox")}
    names = dict(CashBox.objects.filter(pk__in=ids).values_list("pk", "description"))
    names = {str(pk): description for pk, description in names.items()}
    for finding in findings:
        obj = finding.get("object") or {}
        cashbox = obj.get("cashbox")
        if cashbox:
            obj["machine"] = names.get(str(cashbox), "")
            obj["url"] = reverse("cashbox-detail", args=[cashbox])
        elif obj.get("type") == "outlet" and obj.get("id"):
            obj["url"] = reverse("outlet-edit", args=[obj["id"]])


def package_handler(job, target, progress):
    from cashboxes import packages, validation

    portal_url = settings.PORTAL_URL
    if isinstance(target, CashBox):
        if validation.has_errors(target):
            raise ValueError(_("The CashBox has errors in its validation report; fix them before building its package."))
        content = packages.cashbox_package(target, portal_url, progress=progress)
        name = f"{slugify(target.description) or 'cashbox'}-{target.pk}.zip"
    else:
        drawing = outlet_drawing(target) if outlet_drawing else None
        content = packages.outlet_bundle(target, portal_url, progress=progress, drawing=drawing)
        name = f"outlet-{target.number}-{slugify(target.name) or 'outlet'}.zip"
    return jobs.Output({"file_name": name, "size": len(content)}, content, name)


def register():
    jobs.register(VALIDATE, validate_handler, load_target)
    jobs.register(PACKAGE, package_handler, load_target)


def submit(kind, target, user):
    label = str(target) if isinstance(target, CashBox) else f"{_('Outlet')} {target}"
    return jobs.submit(kind, target, organization=target.operator, user=user, revision=revision_of(kind, target), label=label)


def package_problem(target):
    """Why no package can be built now (a message), or None."""
    from cashboxes import validation

    cashboxes = [target] if isinstance(target, CashBox) else list(target.cashboxes.all())
    if not cashboxes:
        return _("This outlet has no CashBox yet.")
    unpublished = [str(c) for c in cashboxes if c.published_id is None]
    if unpublished:
        return _("Rebuild first: %(names)s.") % {"names": ", ".join(unpublished)}
    errors = validation.errors_by_cashbox(target)  # one validation for a whole outlet
    blocked = [str(c) for c in cashboxes if errors.get(str(c.pk)) or errors.get(c.pk)]
    if blocked:
        return _("Fix the errors of the validation report first: %(names)s.") % {"names": ", ".join(blocked)}
    return None
