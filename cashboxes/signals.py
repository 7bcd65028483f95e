"""Every change to what a configuration contains raises the revision of each CashBox whose
configuration shows it, so the UI knows a rebuild is due."""

from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cashboxes.models import CashBox, Helper, Outlet, Queue, QueueScuLink, Scu, SigningDevice
from portal.models import Organization, PosSystem
from portal.signals import organization_onboarded


def bump(cashbox_filter):
    CashBox.objects.filter(cashbox_filter).update(revision=F("revision") + 1)


@receiver([post_save, post_delete], sender=Queue)
@receiver([post_save, post_delete], sender=Helper)
def component_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump(Q(pk=instance.cashbox_id))


@receiver([post_save, post_delete], sender=Scu)
def scu_changed(sender, instance, raw=False, **kwargs):
    # The SCU's own CashBox and every CashBox whose queues use it (its URL is in their records).
    if not raw:
        users = QueueScuLink.objects.filter(scu_id=instance.pk).values("queue__cashbox_id")
        bump(Q(pk=instance.cashbox_id) | Q(pk__in=users))


@receiver([post_save, post_delete], sender=QueueScuLink)
def link_changed(sender, instance, raw=False, **kwargs):
    # The queue's CashBox (its init records) and the SCU's (its package lists who uses it).
    if not raw:
        queue_box = Queue.objects.filter(pk=instance.queue_id).values("cashbox_id")
        scu_box = Scu.objects.filter(pk=instance.scu_id).values("cashbox_id")
        bump(Q(pk__in=queue_box) | Q(pk__in=scu_box))


@receiver(post_save, sender=SigningDevice)
def device_changed(sender, instance, created, raw=False, **kwargs):
    # Its serial is in the SCU records of the queues that use it (AT: SN).
    if not raw and not created:
        users = QueueScuLink.objects.filter(scu__signing_device_id=instance.pk).values("queue__cashbox_id")
        bump(Q(pk__in=Scu.objects.filter(signing_device_id=instance.pk).values("cashbox_id")) | Q(pk__in=users))


# Saving only these leaves the configuration as it is (rotating the access token).
NOT_IN_CONFIGURATION = frozenset({"private_key_encrypted", "updated_at"})


@receiver(post_save, sender=CashBox)
def cashbox_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Its host name is in the configurations of the queues that use its SCUs.
    if update_fields is not None and set(update_fields) <= NOT_IN_CONFIGURATION:
        return
    if not raw and not created:
        users = QueueScuLink.objects.filter(scu__cashbox_id=instance.pk).values("queue__cashbox_id")
        bump(Q(pk=instance.pk) | Q(pk__in=users))


@receiver(post_save, sender=Outlet)
def outlet_changed(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:
        bump(Q(outlet_id=instance.pk))


@receiver(post_save, sender=Organization)
def organization_changed(sender, instance, created, raw=False, **kwargs):
    # Master data of the account is in init_masterData (a dealer's is not: dealers are not agencies).
    if not raw and not created:
        bump(Q(operator_id=instance.pk))


@receiver(post_save, sender=PosSystem)
def pos_system_changed(sender, instance, created, raw=False, **kwargs):
    # Its brand, model and version are in the master data of the queues that name it.
    if not raw and not created:
        bump(Q(pk__in=Queue.objects.filter(pos_system_id=instance.pk).values("cashbox_id")))


@receiver(organization_onboarded)
def first_outlet(sender, organization, **kwargs):
    """Every operator account starts with outlet number 1 at the company address."""
    if organization.is_pos_operator and not Outlet.objects.filter(operator=organization).exists():
        Outlet.objects.create(
            operator=organization,
            number=1,
            name=organization.name,
            address_line1=organization.address_line1,
            postal_code=organization.postal_code,
            city=organization.city,
            country=organization.country,
            vat_id=organization.vat_id,
        )
