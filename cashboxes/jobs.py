"""The configuration's background jobs: validation reports and deployment packages.

Registered with portal.jobs (see CashboxesConfig.ready). Each loader finds its target again
for the job's user through the tenancy gate, then the handler calls the pure service.

What can be validated: a CashBox, an outlet, an operator's whole configuration (kind
`validate`, target the operator's Organization), and everything a dealer looks after (kind
`validate-operators`, target the dealer's Organization).
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cashboxes.models import CashBox, Outlet
from portal import jobs
from portal.models import Organization
from portal.tenancy import VIEW, scope_for

VALIDATE, VALIDATE_OPERATORS, PACKAGE = "validate", "validate-operators", "package"
# outlet -> SVG of its topology, for the outlet bundle. The scenarios app sets it (it draws;
# the configuration does not know the scenarios).
outlet_drawing = None


def operator_problem(user, organization):
    """Why the user may not validate this organization's configuration (a message), or None."""
    if not organization.is_pos_operator:
        return _("%(name)s is not a PosOperator: it has no configuration of its own.") % {"name": organization.name}
    if organization.pk not in scope_for(user).data_ids(VIEW):
        return _("You may not see the configuration of %(name)s.") % {"name": organization.name}
    return None


def operators_problem(user, organization):
    """Why the user may not validate all the operators this dealer looks after, or None."""
    if not organization.is_pos_dealer:
        return _("%(name)s is not a PosDealer.") % {"name": organization.name}
    if organization.pk not in scope_for(user).own_ids(VIEW):
        return _("Only the members of %(name)s may validate all its operators.") % {"name": organization.name}
    return None


def _target_model(job):
    return {"cashboxes.cashbox": CashBox, "cashboxes.outlet": Outlet, "portal.organization": Organization}[job.target_type]


def _visible(model, job):
    """The job's target through the gate, as the job's user may see it now."""
    user = jobs.acting_user(job)
    target = model.objects.for_user(user, VIEW).filter(pk=job.target_id).first()
    if target is None:
        raise PermissionError(_("%(target)s is gone, or you may no longer see it.") % {"target": job.target_label})
    return user, target


def load_target(job):
    """The target as the job's user may see it now (rights may have changed since)."""
    user, target = _visible(_target_model(job), job)
    if isinstance(target, Organization):
        problem = operator_problem(user, target)
        if problem:
            raise PermissionError(problem)
    return target


def load_operators(job):
    """The dealer's operators, if the job's user is still a member of the dealer."""
    from cashboxes import validation

    user, dealer = _visible(Organization, job)
    problem = operators_problem(user, dealer)
    if problem:
        raise PermissionError(problem)
    return validation.Operators(dealer)


def revision_of(kind, target):
    """What a result depends on. A validation: the CashBoxes' revisions. A package: the published
    revisions and the access tokens (a rotated token must not come from an old package)."""
    from cashboxes import validation

    if kind == PACKAGE:
        boxes = [target] if isinstance(target, CashBox) else target.cashboxes.order_by("pk")
        state = ",".join(f"{box.pk}:{box.published_id or 0}:{box.private_key_encrypted}" for box in boxes)
    else:
        rows = validation.cashboxes_in(target).order_by("pk").values_list("pk", "revision")
        state = ",".join(f"{pk}:{revision}" for pk, revision in rows)
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def validate_handler(job, target, progress):
    from cashboxes import validation

    progress(0, _("Loading the configuration"))
    snapshot = validation.load(target)
    report = validation.validate_snapshot(snapshot, progress=lambda percent, message: progress(20 + percent * 4 // 5, message))
    _link_findings(report["findings"], _machine_names(snapshot))
    return jobs.Output(report)


def _machine_names(snapshot):
    """{CashBox id: how the report names it}: its description; with its outlet when the report
    covers several outlets, and its operator when it covers several operators."""
    scope = snapshot["scope"]["type"]
    outlets = {outlet["id"]: outlet for outlet in snapshot["outlets"]}
    operators = {operator["id"]: operator["name"] for operator in snapshot["operators"]}
    names = {}
    for box in snapshot["cashboxes"]:
        parts = [box["description"]]
        if scope in ("operator", "dealer") and box["outlet_id"] in outlets:
            outlet = outlets[box["outlet_id"]]
            parts.insert(0, f"{outlet['number']} {outlet['name']}")
        if scope == "dealer":
            parts.insert(0, operators.get(box["operator_id"], ""))
        names[box["id"]] = " · ".join(part for part in parts if part)
    return names


def _link_findings(findings, names):
    """Give each finding the machine it is about and a link to the page where it is fixed."""
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
    jobs.register(VALIDATE_OPERATORS, validate_handler, load_operators)
    jobs.register(PACKAGE, package_handler, load_target)


def submit(kind, target, user):
    """Start (or find) the job. For VALIDATE_OPERATORS, target is the dealer's Organization."""
    from cashboxes import validation

    if kind == VALIDATE_OPERATORS:
        return jobs.submit(
            kind,
            target,
            organization=target,
            user=user,
            revision=revision_of(kind, validation.Operators(target)),
            label=_("All operators of %(dealer)s") % {"dealer": target.name},
        )
    if isinstance(target, Organization):
        organization, label = target, target.name
    else:
        organization = target.operator
        label = str(target) if isinstance(target, CashBox) else f"{_('Outlet')} {target}"
    return jobs.submit(kind, target, organization=organization, user=user, revision=revision_of(kind, target), label=label)


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
