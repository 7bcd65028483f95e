"""Rules for Italy. IT-QUEUE-ONE-SCU is in common.py, shared with Germany and France."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cashboxes.validation.registry import ERROR, rule

EPSON_RT_SERVER = "fiskaltrust.Middleware.SCU.IT.EpsonRTServer"


@rule("IT-RT-SERVER-ID-8", ERROR, "IT", gettext_lazy("RT server: CashBoxIdentification of 8 characters"))
def it_rt_server_id_8(estate):
    # The Epson and Custom RT servers read the first 4 characters as the store, the next 4 as
    # the till (middleware scu-it EpsonRTServerSCU.cs, CustomRTServerSCU.cs).
    for queue in estate.active_queues("IT"):
        value = queue["cashbox_identification"] or ""
        for link in estate.active_links(queue):
            scu = estate.scus.get(link["scu_id"])
            option = estate.option(scu) if scu else None
            length = option.identification_length if option else None
            if length and len(value) != length:
                yield estate.about(
                    "queue",
                    queue,
                    _(
                        "Queue %(queue)s uses an %(option)s, so its CashBoxIdentification has exactly %(length)d characters; it has %(n)d."
                    )
                    % {"queue": value, "option": option.label, "length": length, "n": len(value)},
                    _(
                        "Create a queue whose CashBoxIdentification has 8 characters (4 for the store, 4 for the till) and add it to the server's till list."
                    ),
                )
                break
