"""The Estate: a snapshot (see loader.load) with the indexes the rules share, built once."""

from collections import defaultdict
from functools import cache

from cashboxes import catalog, rules
from cashboxes.choices import LinkMode
from cashboxes.validation.loader import RETIRED
from cashboxes.validation.registry import RANK

# A URL with one of these hosts (or a named pipe) is reachable from its own machine only.
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _by_id(rows):
    return {row["id"]: row for row in rows or ()}


@cache
def _option_for_package(package):
    return catalog.signing_option_for_package(package)[1]


class Estate:
    """A snapshot with the indexes the rules share, built once (pure, no queries)."""

    def __init__(self, snapshot):
        self.scope = snapshot.get("scope") or {}
        self.focus = self.scope.get("cashbox")
        self.operators = _by_id(snapshot.get("operators"))
        self.outlets = _by_id(snapshot.get("outlets"))
        self.cashboxes = _by_id(snapshot.get("cashboxes"))
        self.queues = _by_id(snapshot.get("queues"))
        self.scus = _by_id(snapshot.get("scus"))
        self.helpers = _by_id(snapshot.get("helpers"))
        self.devices = _by_id(snapshot.get("signing_devices"))
        self.links = list(snapshot.get("links") or ())
        self.terminals = list(snapshot.get("terminals") or ())

        self.queues_of_cashbox = defaultdict(list)
        self.active_queues_of_outlet = defaultdict(list)
        for queue in self.queues.values():
            self.queues_of_cashbox[queue["cashbox_id"]].append(queue)
            if queue["state"] != RETIRED:
                self.active_queues_of_outlet[queue["outlet_id"]].append(queue)
        self.scus_of_cashbox = defaultdict(list)
        self.scus_of_outlet = defaultdict(list)
        self.scus_of_device = defaultdict(list)
        for scu in self.scus.values():
            self.scus_of_cashbox[scu["cashbox_id"]].append(scu)
            self.scus_of_outlet[scu["outlet_id"]].append(scu)
            if scu["signing_device_id"]:
                self.scus_of_device[scu["signing_device_id"]].append(scu)
        self.helpers_of_cashbox = defaultdict(list)
        for helper in self.helpers.values():
            self.helpers_of_cashbox[helper["cashbox_id"]].append(helper)
        self.links_of_queue = defaultdict(list)
        for link in self.links:
            self.links_of_queue[link["queue_id"]].append(link)
        self.terminals_of_queue = defaultdict(list)
        for terminal in self.terminals:
            self.terminals_of_queue[terminal["queue_id"]].append(terminal)
        # Who signs with what: queues in operation (or to be) through links that are not deactivated.
        self.clients_of_scu = defaultdict(list)
        self.clients_of_device = defaultdict(set)
        for link in self.links:
            queue, scu = self.queues.get(link["queue_id"]), self.scus.get(link["scu_id"])
            if queue is None or scu is None or queue["state"] == RETIRED or link["mode"] == LinkMode.DEACTIVATED:
                continue
            self.clients_of_scu[scu["id"]].append(queue)
            if scu["signing_device_id"]:
                self.clients_of_device[scu["signing_device_id"]].add(queue["id"])
        self.countries = {o["country"] for o in self.outlets.values()} | {q["country"] for q in self.queues.values()}
        self._components, self._urls, self._sort = {}, {}, {}

    # ---------------------------------------------------------- lookups

    def launcher_of(self, cashbox):
        """What runs the CashBox's packages (catalog.launcher_for)."""
        outlet = self.outlets.get(cashbox["outlet_id"]) or {}
        return catalog.launcher_for(outlet.get("country"), cashbox["platform"])

    def country_of(self, item):
        outlet = self.outlets.get(item.get("outlet_id"))
        return outlet["country"] if outlet else item.get("country")

    def option(self, scu):
        return _option_for_package(scu["package"])

    def device_option(self, device):
        info = catalog.country(self.country_of(device))
        return info.signing_option(device["vendor"]) if info else None

    def device_kind(self, device):
        option = self.device_option(device)
        return option.kind if option else device.get("kind")

    def active_links(self, queue):
        return [link for link in self.links_of_queue[queue["id"]] if link["mode"] != LinkMode.DEACTIVATED]

    def active_queues(self, country=None):
        return [q for q in self.queues.values() if q["state"] != RETIRED and (country is None or q["country"] == country)]

    def active_scus(self, country=None):
        return [s for s in self.scus.values() if s["state"] != RETIRED and (country is None or self.country_of(s) == country)]

    def device_clients(self, device):
        """Queues signing with the device: those in the snapshot, or the loader's count over
        every outlet when that is more (a cloud TSE shared by outlets)."""
        return max(len(self.clients_of_device[device["id"]]), device.get("clients") or 0)

    def focus_cashboxes(self):
        """The CashBoxes per-machine rules look at: the scope's one, or all."""
        if self.focus:
            return [self.cashboxes[self.focus]] if self.focus in self.cashboxes else []
        return list(self.cashboxes.values())

    def components_of(self, cashbox_id):
        """[(kind, component)] of a CashBox: its queues, SCUs and helpers."""
        found = self._components.get(cashbox_id)
        if found is None:
            found = self._components[cashbox_id] = [
                *(("queue", q) for q in self.queues_of_cashbox[cashbox_id]),
                *(("scu", s) for s in self.scus_of_cashbox[cashbox_id]),
                *(("helper", h) for h in self.helpers_of_cashbox[cashbox_id]),
            ]
        return found

    # ---------------------------------------------------------- URLs (each parsed once per run)

    def parse(self, url):
        """(scheme, host, port, None) of a URL, or (None, None, None, the message) when it does not parse."""
        found = self._urls.get(url)
        if found is None:
            try:
                found = (*rules.parse_url(url), None)
            except ValueError as error:
                found = (None, None, None, str(error))
            self._urls[url] = found
        return found

    def ports(self, urls):
        """The ports the URLs listen on, sorted (named pipes have none)."""
        found = set()
        for url in urls:
            scheme, _host, port, _error = self.parse(url)
            if scheme and scheme != "net.pipe" and port:
                found.add(port)
        return sorted(found)

    def loopback_only(self, urls):
        """True when every URL listens on the machine itself (localhost, a named pipe)."""
        for url in urls:
            scheme, host, _port, _error = self.parse(url)
            if scheme != "net.pipe" and (host or "") not in LOOPBACK:
                return False
        return True

    # ---------------------------------------------------------- labels and findings

    def label(self, kind, item):
        if kind == "queue":
            return item["cashbox_identification"]
        if kind in ("scu", "helper"):
            return item["description"] or item["package"].rsplit(".", 1)[-1]
        if kind == "cashbox":
            return item["description"]
        if kind == "outlet":
            return f"{item['number']} {item['name']}"
        if kind == "signing_device":
            return item["description"] or f"{item['vendor']} {item['serial'] or item['cloud_account']}".strip()
        if kind == "terminal":
            return f"{item['name']} ({item['terminal_id']})"
        return str(item.get("id"))

    def machine(self, cashbox_id):
        cashbox = self.cashboxes.get(cashbox_id)
        return cashbox["description"] if cashbox else "?"

    def _machine_of(self, kind, item):
        if kind == "cashbox":
            return item["id"]
        if kind == "signing_device":
            return item.get("host_cashbox_id")
        if kind == "terminal":
            queue = self.queues.get(item["queue_id"])
            return queue["cashbox_id"] if queue else None
        return item.get("cashbox_id")

    def _outlet_of(self, kind, item):
        if kind == "outlet":
            return item["id"]
        if kind == "terminal":
            queue = self.queues.get(item["queue_id"])
            return queue["outlet_id"] if queue else None
        return item.get("outlet_id")

    def about(self, kind, item, message, hint, related=()):
        """A finding about one object; `related`: other CashBoxes it concerns (for a CashBox's report)."""
        machine = self._machine_of(kind, item)
        concerned = {c for c in related if c}
        if machine:
            concerned.add(machine)
        return {
            "message": message,
            "hint": hint,
            "object": {"type": kind, "id": item["id"], "label": self.label(kind, item), "cashbox": machine},
            "_related": concerned,
            "_outlet": self._outlet_of(kind, item),
        }

    def sort_key(self, finding):
        """Operator, outlet, machine (outlet-wide findings first), severity, code, object."""
        place = (finding["_outlet"], finding["object"]["cashbox"])
        prefix = self._sort.get(place)
        if prefix is None:
            outlet = self.outlets.get(place[0]) or {}
            operator = self.operators.get(outlet.get("operator_id")) or {}
            machine = self.cashboxes.get(place[1])
            prefix = self._sort[place] = (
                operator.get("name") or "",
                outlet.get("number") if outlet.get("number") is not None else -1,
                outlet.get("id") or "",
                machine is not None,
                machine["description"] if machine else "",
                machine["id"] if machine else "",
            )
        return (*prefix, RANK[finding["severity"]], finding["code"], finding["object"]["label"], finding["object"]["id"])
