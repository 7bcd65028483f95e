"""Rules for Italy. IT-QUEUE-ONE-SCU is in common.py, shared with Germany and France."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cashboxes.validation.registry import ERROR, rule

EPSON_RT_SERVER = "fiskaltrust.Middleware.SCU.IT.EpsonRTServer"


@rule("IT-EPSON-RT-SERVER-ID-8", ERROR, "IT", gettext_lazy("Epson RT server: CashBoxIdentification of 8 characters"))
def it_epson_rt_server_id_8(estate):
    for queue in estate.active_queues("IT"):
        value = queue["cashbox_identification"] or ""
        uses_server = any(
            estate.scus.get(link["scu_id"], {}).get("package") == EPSON_RT_SERVER for link in estate.active_links(queue)
        )
        if uses_server and len(value) != 8:
            yield estate.about(
                "queue",
                queue,
                _("Queue %(queue)s uses an Epson RT server, so its CashBoxIdentification has exactly 8 characters; it has %(n)d.")
                % {"queue": value, "n": len(value)},
                _(
                    "Create a queue whose CashBoxIdentification has 8 characters (4 for the store, 4 for the till) and add it to the server's till list."
                ),
            )
