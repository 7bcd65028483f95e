"""Operations on the configuration. Views, API and the planner call these; they apply the
write rules (model clean()) and keep secrets encrypted."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cashboxes import catalog, configuration, keys
from cashboxes.choices import ComponentState
from cashboxes.models import CashBox, CashBoxPublication, Helper, Queue, QueueScuLink, Scu, Terminal
from portal import audit, crypto
from portal.choices import AuditAction


def save(instance):
    """Validate every rule, then save. Raises ValidationError (a message per field)."""
    with transaction.atomic():
        instance.full_clean()
        instance.save()
    return instance


def parameter_definitions(component):
    """The catalog's parameters of a queue or SCU package (helpers take free key/values)."""
    if isinstance(component, Scu):
        option = component.signing_option
        return option.parameters if option else ()
    if isinstance(component, Queue):
        info = catalog.country(component.cashbox.outlet.country) if component.cashbox_id else None
        package = info.queue_package(component.package) if info else None
        return (package.parameters if package else ()) + (info.queue_parameters if info else ())
    return None


def set_parameters(component, values):
    """Split submitted parameters into plain values and secrets. An empty secret keeps the
    stored one (secrets are write-only: nobody sees them again to re-enter them)."""
    definitions = parameter_definitions(component)
    if definitions is None:
        component.parameters = {k: v for k, v in values.items() if v not in (None, "")}
        return
    secret_names = {p.name for p in definitions if p.secret}
    kept = component.secrets
    plain = {k: v for k, v in values.items() if k not in secret_names and v not in (None, "")}
    secrets = {k: v for k, v in values.items() if k in secret_names and v not in (None, "")}
    for name in secret_names:
        if name not in secrets and name in kept:
            secrets[name] = kept[name]
    for param in definitions:  # defaults for what was left out
        if param.default is not None and param.name not in plain and not param.secret:
            plain[param.name] = param.default
    component.parameters = plain
    component.set_secrets(secrets)


def take_out_of_operation(component):
    if component.state == ComponentState.OUT_OF_OPERATION:
        raise ValidationError(_("It is already out of operation."))
    component.take_out_of_operation()
    return save(component)


def delete(component):
    """Delete a component that was never in operation (the rule is in the model)."""
    with transaction.atomic():
        component.delete()


def reveal_access_token(cashbox):
    """The CashBox's access token; every reveal is in the audit log."""
    audit.record(cashbox, AuditAction.REVEAL, after={"field": "access_token"})
    return cashbox.access_token


def rotate_access_token(cashbox):
    """A new key pair, so a new access token; launchers with the old one get 401 from now on."""
    cashbox.private_key_encrypted = keys.new_private_key()
    cashbox.save(update_fields=["private_key_encrypted", "updated_at"])
    return cashbox.access_token


def preview(cashbox):
    """What a rebuild would publish: (masked configuration, diff to the published one, problems)."""
    data = configuration.load(cashbox)
    masked = configuration.build(data, configuration.ticks(), reveal=False)
    published = cashbox.published.configuration_masked if cashbox.published_id else {}
    return masked, configuration.diff(published, masked), configuration.problems(data)


@transaction.atomic
def rebuild(cashbox, user=None):
    """Publish the current revision as an immutable snapshot. Returns the publication."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to `published`.
    cashbox = CashBox.objects.select_for_update(of=("self",)).select_related("published").get(pk=cashbox.pk)
    if cashbox.published_id and cashbox.published.revision == cashbox.revision:
        return cashbox.published  # nothing changed since the last rebuild
    data = configuration.load(cashbox)
    found = configuration.problems(data)
    if found:
        raise ValidationError(found)
    # Strictly increasing: the middleware only takes records newer than the ones it has.
    previous_stamp = cashbox.published.timestamp_ticks if cashbox.published_id else 0
    stamp = max(configuration.ticks(), previous_stamp + 1)
    plain = configuration.build(data, stamp, reveal=True)
    masked = configuration.build(data, stamp, reveal=False)
    body = json.dumps(plain, sort_keys=True, separators=(",", ":"))
    previous = cashbox.published.configuration_masked if cashbox.published_id else {}
    publication = CashBoxPublication.objects.create(
        cashbox=cashbox,
        revision=cashbox.revision,
        timestamp_ticks=stamp,
        configuration_encrypted=crypto.encrypt(body),
        configuration_masked=masked,
        diff=configuration.diff(previous, masked),
        etag=hashlib.sha256(body.encode()).hexdigest(),
        published_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # update(): publishing is not a change of the configuration (no revision bump, no audit row).
    CashBox.objects.filter(pk=cashbox.pk).update(published=publication)
    audit.record(cashbox, AuditAction.UPDATE, after={"published_revision": publication.revision})
    return publication


def delete_cashbox(cashbox):
    """Delete a CashBox with its components, their links and terminals, while none of them was
    ever in operation and no queue of another CashBox uses one of its SCUs."""
    components = [
        *Queue.objects.filter(cashbox=cashbox),
        *Scu.objects.filter(cashbox=cashbox),
        *Helper.objects.filter(cashbox=cashbox),
    ]
    used = [str(component) for component in components if component.ever_used]
    if used:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("%(names)s of this CashBox were in operation: it cannot be deleted.") % {"names": ", ".join(used)}
                ]
            }
        )
    foreign = QueueScuLink.objects.filter(scu__cashbox=cashbox).exclude(queue__cashbox=cashbox).select_related("queue")
    if foreign:
        raise ValidationError(
            {
                "non_field_errors": [
                    _("Queues of other CashBoxes use its SCUs (%(queues)s): unlink them first.")
                    % {"queues": ", ".join(sorted({str(link.queue) for link in foreign}))}
                ]
            }
        )
    with transaction.atomic():
        # One by one, so that each deletion is in the audit log.
        for terminal in Terminal.objects.filter(queue__cashbox=cashbox):
            terminal.delete()
        for link in QueueScuLink.objects.filter(queue__cashbox=cashbox):
            link.delete()
        for device in cashbox.signing_devices.all():
            device.host_cashbox = None
            device.save(update_fields=["host_cashbox", "updated_at"])
        for component in components:
            component.delete()
        cashbox.delete()
