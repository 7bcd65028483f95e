"""The documented rollout scenarios (seeds 000 and 001, brief section 4.5), in our own words.

Each scenario has a name, description, pros and cons in English and German (through gettext)
and its availability rules per country and signing option, which live in scenarios.advisor.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    description: str
    pros: tuple
    cons: tuple
    source: str

    def as_dict(self):
        return {
            "id": self.id,
            "name": str(self.name),
            "description": str(self.description),
            "pros": [str(p) for p in self.pros],
            "cons": [str(c) for c in self.cons],
            "source": self.source,
        }


SCENARIOS = (
    Scenario(
        "scu-per-pos",
        _("One SCU per POS system"),
        _("Every till runs its own middleware with its own queue, SCU and signing device. Nothing is shared."),
        (
            _("The simplest set-up: each till stands on its own."),
            _("Fast: queue, SCU and signing device sit on the same machine."),
            _("A broken or lost TSE stops only its own till."),
        ),
        (_("One signing device per till, however little it is used."),),
        "seeds/000 'One SCU for each POS-System'; seeds/001 'TSE pro Kasse'",
    ),
    Scenario(
        "server-scu",
        _("SCU on a local server for several POS systems"),
        _(
            "The server or back office runs the SCU with one or more signing devices; each till runs only its queue, "
            "which signs through the server. Add TSEs on the server when the load grows."
        ),
        (
            _("Fewer signing devices: one central device serves several tills."),
            _("Few components to look after."),
        ),
        (
            _("The network between tills and server has to be set up and kept working."),
            _("Server and signing device are a bottleneck and a single point of failure for every till."),
        ),
        "seeds/000 'One SCU at server for multiple POS-Systems'; seeds/001 'Hardware TSE am lokalen Server'",
    ),
    Scenario(
        "main-pos-scu",
        _("SCU in the main POS, used by the other POS systems"),
        _(
            "The main till runs its queue and the SCU with the signing device; the other tills run only their queues and sign through it."
        ),
        (
            _("Fewer signing devices without a server."),
            _("No back office or server needed."),
        ),
        (
            _("When the main till is off, every till is in failure mode."),
            _("The main till and its signing device are a bottleneck."),
        ),
        "seeds/000 'One SCU in the main POS-System'; seeds/001 'Hardware TSE an der Hauptkasse'",
    ),
    Scenario(
        "shared-cloud-tse",
        _("Several POS systems share one external signature service"),
        _("Each till runs its own queue and SCU; all SCUs sign with the same cloud signature service (one TSS or account)."),
        (
            _("Little to install and no local network between tills."),
            _("One signature service for all tills lowers the cost."),
        ),
        (
            _("The cloud service handles requests one after another: it can become the bottleneck."),
            _("Fair-use limits of the service apply to the whole outlet."),
        ),
        "seeds/000 'Multiple POS-Systems share one external signature service'; seeds/001 'Eine Cloud TSE für mehrere Kassen'",
    ),
    Scenario(
        "terminals-shared-queue",
        _("Main POS for several terminals, one shared queue"),
        _(
            "Terminals without a cash-register function (handhelds, tablets) post to one queue on the main POS or server, which also runs the SCU."
        ),
        (
            _("Add or remove terminals as the workload changes."),
            _("Staff can move freely with their handhelds."),
            _("No extra signing device per terminal."),
        ),
        (
            _("If the host or its SCU is down, every terminal is down."),
            _("A terminal that keeps sending a broken receipt can block the shared queue."),
        ),
        "seeds/000 'Main POS-System for multiple Terminals'; seeds/001 'Szenario mit Terminals'",
    ),
    Scenario(
        "terminals-queue-per-terminal",
        _("Main POS for several terminals, one queue per terminal"),
        _(
            "Like the shared queue, but every terminal gets its own queue in the host's CashBox, all signing through the host's SCU."
        ),
        (
            _("A misbehaving terminal blocks only its own queue."),
            _("Add or remove terminals as the workload changes."),
        ),
        (
            _("If the host or its SCU is down, every terminal is down."),
            _("More queues to register (in Germany each queue is a cash register for the tax office)."),
        ),
        "seeds/000 tip on scenario 5 (separate queue per terminal); seeds/001 'Zuordnung jedes Terminals zu einer eigenen Queue'",
    ),
    Scenario(
        "hosted-middleware",
        _("Hosted middleware or own data centre"),
        _(
            "Tills and terminals talk to a middleware that runs in the fiskaltrust cloud (SignatureCloud) or in the "
            "operator's own data centre; nothing is installed in the shop."
        ),
        (
            _("No local installation or hardware in the shop."),
            _("Data is kept in the data centre or cloud."),
            _("Scales with the number of terminals."),
        ),
        (
            _("Needs a permanent, stable internet connection."),
            _("Without the connection no receipt can be signed."),
        ),
        "seeds/000 'Hosted Middleware & custom data centers'; seeds/001 'Rechenzentrum als operational environment'",
    ),
)

BY_ID = {scenario.id: scenario for scenario in SCENARIOS}


def get(scenario_id):
    return BY_ID.get(scenario_id)
