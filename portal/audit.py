"""Writes the audit log from one place: model signals for every audited model.

Each audited model names its organization (`audit_organization_id`) and may list
`audit_secret_fields`; values of secret fields (and of fields whose names say secret) are
redacted before they are stored.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_save, pre_save

from portal.choices import AuditAction
from portal.context import current_request
from portal.redaction import REDACTED, REDACTED_CHANGED, redact_dict

_registered = []
# Who acts when the request's user is not (yet) the actor, e.g. a person accepting an invitation.
_acting_as = ContextVar("audit_acting_as", default=None)


@contextmanager
def acting_as(user):
    """Record the changes made inside the block as made by `user`."""
    token = _acting_as.set(user)
    try:
        yield
    finally:
        _acting_as.reset(token)


def _raw(instance):
    data = {field.attname: field.value_from_object(instance) for field in instance._meta.concrete_fields}
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def snapshot(instance):
    """Plain JSON of the concrete fields, secrets redacted."""
    return redact_dict(_raw(instance), getattr(instance, "audit_secret_fields", ()))


def _redacted_pair(instance, before, after):
    """Redact both sides; a secret that changed shows as changed, never its value."""
    secret_fields = getattr(instance, "audit_secret_fields", ())
    shown_before = redact_dict(before, secret_fields) if before is not None else None
    shown_after = redact_dict(after, secret_fields)
    if before is not None:
        for key, value in shown_after.items():
            if value == REDACTED and before.get(key) != after.get(key):
                shown_after[key] = REDACTED_CHANGED
    return shown_before, shown_after


def _via(request):
    if request is None:
        return "system"
    path = request.path
    if path.startswith("/api/v1/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "launcher"
    return "ui"


def _event(instance, action, before=None, after=None):
    from portal.models import AuditEvent

    request = current_request.get()
    user = _acting_as.get() or getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    return AuditEvent(
        organization_id=instance.audit_organization_id,
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
        via=_via(request),
        request_id=getattr(request, "request_id", ""),
    )


def record(instance, action, before=None, after=None):
    _event(instance, action, before, after).save()


def record_created(instances):
    """Audit objects made with bulk_create (which sends no signals), in one query."""
    from portal.models import AuditEvent

    AuditEvent.objects.bulk_create([_event(i, AuditAction.CREATE, after=snapshot(i)) for i in instances])


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        instance._audit_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = _raw(old) if old else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = _raw(instance)
    before = getattr(instance, "_audit_before", None)
    if not created and before == after:
        return  # nothing changed: no event
    shown_before, shown_after = _redacted_pair(instance, before, after)
    record(instance, AuditAction.CREATE if created else AuditAction.UPDATE, before=shown_before, after=shown_after)


def _after_delete(sender, instance, **kwargs):
    record(instance, AuditAction.DELETE, before=snapshot(instance))


def register(*models):
    """Audit every create, update and delete of these models."""
    for model in models:
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-del")
        _registered.append(model)


def registered_models():
    return list(_registered)
