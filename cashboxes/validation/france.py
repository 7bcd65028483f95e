"""Rules for France. FR-QUEUE-ONE-SCU is in common.py, shared with Germany and Italy."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cashboxes import catalog
from cashboxes.choices import LinkMode
from cashboxes.validation.loader import RETIRED
from cashboxes.validation.registry import ERROR, rule


@rule("FR-SCU-PER-OUTLET", ERROR, "FR", gettext_lazy("An SCU serves one outlet, with the outlet's SIRET"))
def fr_scu_per_outlet(estate):
    served = defaultdict(set)
    for link in estate.links:
        queue = estate.queues.get(link["queue_id"])
        if link["mode"] == LinkMode.DEACTIVATED or (queue is not None and queue["state"] == RETIRED):
            continue
        served[link["scu_id"]].add(link["queue_outlet_id"])
        # An SCU outside the snapshot (an outlet's report): said about the queue.
        foreign = link["scu_id"] not in estate.scus and link["scu_outlet_id"] != link["queue_outlet_id"]
        if foreign and queue is not None and queue["country"] == "FR":
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s uses the SCU of another outlet; in France each outlet has its own.")
                % {"queue": estate.label("queue", queue)},
                _("Link the queue to the SCU of its own outlet."),
            )
    for scu in estate.active_scus("FR"):
        label = estate.label("scu", scu)
        outlets = served[scu["id"]] | {scu["outlet_id"]}
        if len(outlets) > 1:
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s serves queues of %(n)d outlets; in France each outlet has its own SCU certificate.")
                % {"scu": label, "n": len(outlets)},
                _("Give each outlet its own SCU and link its queues to it."),
                related=[q["cashbox_id"] for q in estate.clients_of_scu[scu["id"]]],
            )
        outlet = estate.outlets.get(scu["outlet_id"])
        siret = str(scu["parameters"].get("Siret") or "")
        if outlet is not None and siret != (outlet["siret"] or ""):
            yield estate.about(
                "scu",
                scu,
                _("SCU %(scu)s has the SIRET %(scu_siret)s; its outlet's is %(siret)s.")
                % {"scu": label, "scu_siret": siret or "-", "siret": outlet["siret"] or "-"},
                _("Set the SCU's Siret to the outlet's SIRET."),
            )


@rule("FR-IDENTIFICATION-LENGTH", ERROR, "FR", gettext_lazy("CashBoxIdentification: at most 20 printable characters"))
def fr_identification_length(estate):
    limit = catalog.country("FR").identification_max
    for queue in estate.active_queues("FR"):
        value = queue["cashbox_identification"] or ""
        if len(value) > limit or not (value.isprintable() and value.isascii()):
            yield estate.about(
                "queue",
                queue,
                _("CashBoxIdentification %(id)s has %(n)d characters; in France it has at most %(max)d printable ones.")
                % {"id": value, "n": len(value), "max": limit},
                _("Create a new queue with a valid CashBoxIdentification (it cannot change once saved)."),
            )
