"""Topology drawings (SVG) of a plan, or of an outlet as it is configured.

Both go through one pure function on plain data, `drawing(data)`: the plan's shape (the dict of
scenarios.planner.plan), which `outlet_data` builds from the database too. `layout` places boxes
and lines on a canvas whose size follows from the content; `draw` writes the SVG.

The drawing reads left to right, the way a request travels: terminals (and POS systems without
middleware) -> the machines with their CashBox, queues and SCUs -> network signing devices, all
inside the dashed outlet frame; then, outside it, data centres, hosted services and cloud
signing devices. A hardware TSE sits in its machine, right under the SCU that drives it.

Only presentation attributes, no <style> and no style="": the SVG then also works inlined in a
page whose CSP allows no inline styles, and as an <img>. No ids either (two drawings on one page
must not clash), no external references, and every text escaped.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cashboxes import catalog

# Colours of static/css/portal.css (ink, muted, line, accent, bg) and three soft tints.
INK, MUTED, LINE, ACCENT, BG = "#1d2330", "#5b6475", "#d9dee7", "#0b5fff", "#f6f7f9"
EDGE = "#b8c0cd"  # a machine's border: a little darker than --line, to stand out on white
STYLES = {
    # kind: (fill, stroke)
    "machine": ("#ffffff", EDGE),
    "cashbox": (BG, LINE),
    "queue": ("#e8f0ff", ACCENT),
    "scu": ("#fff4e5", "#c7791f"),
    "hardware": ("#eaf6ec", "#1e7b34"),
    "network": ("#eaf6ec", "#1e7b34"),
    "cloud": ("#f1edfb", "#6b4fbb"),
    "virtual": ("#f1edfb", "#6b4fbb"),
    "service": ("#f1edfb", "#6b4fbb"),
    "terminal": ("#ffffff", MUTED),
}
LINK_COLOURS = {"queue-scu": ACCENT, "scu-device": "#1e7b34", "terminal-queue": "#7d8699"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

# Sizes (px). Text is at least 11px; boxes are wide enough for about 20 characters.
PAD = 20  # canvas margin
SIZE, SMALL, HEAD = 12, 11, 13
BOX_W, BOX_H = 190, 38
LINE_H = 14  # between the baselines of a box's lines
STACK = 8  # between boxes stacked in a column
COL_GAP = 44  # between the queue and the SCU column of a CashBox
CB_PAD, CB_TITLE = 10, 22
M_PAD, M_HEAD = 10, 42
MACHINE_W = 2 * M_PAD + 2 * CB_PAD + 2 * BOX_W + COL_GAP
MACHINE_GAP = 18
TERM_W, TERM_H = 156, 36
COLUMN_GAP = 56  # between columns, room for the lines
LANE = 16  # between the lanes of the links from one machine to another
FRAME_PAD, FRAME_TITLE = 16, 34

DATA_CENTRE = "data-centre"
TERMINAL = "terminal"


def text_width(text, size, bold=False):
    """An estimate of the rendered width: no font metrics here, so err on the wide side."""
    return len(text) * size * (0.64 if bold else 0.6)


def fit(text, width, size, bold=False):
    """`text` cut with an ellipsis so that it fits `width`."""
    text = clean(text)
    if text_width(text, size, bold) <= width:
        return text
    keep = max(int(width / (size * (0.64 if bold else 0.6))) - 1, 1)
    return text[:keep].rstrip() + "…"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def wrap(text, width, size, bold=False, most=2):
    """`text` in at most `most` lines of `width`, broken after spaces, dots, hyphens or slashes."""
    text = clean(text)
    if text_width(text, size, bold) <= width or most == 1:
        return [fit(text, width, size, bold)]
    per_line = max(int(width / (size * (0.64 if bold else 0.6))), 1)
    cut = text.rfind(" ", 0, per_line + 1)  # rather between words than inside one
    if cut < per_line // 3:
        cut = max(text.rfind(c, 0, per_line) for c in ".-/_")
    if cut < per_line // 3:
        cut = per_line - 1
    head = text[: cut + 1].rstrip()
    return [head, *wrap(text[cut + 1 :].lstrip(), width, size, bold, most - 1)]


def _rows(lines, width, wrap_first=True):
    rows = []
    for n, (text, style) in enumerate(lines):
        if not text:
            continue
        bold = style == "strong"
        size, colour = (SIZE, INK) if bold else (SMALL, MUTED)
        parts = wrap(text, width, size, bold) if (n == 0 and wrap_first) else [fit(text, width, size, bold)]
        rows += [(part, size, bold, colour) for part in parts]
    return rows


def clean(text):
    """Text as str without the characters XML 1.0 cannot carry."""
    return _CONTROL.sub("", "" if text is None else str(text))


def esc(text):
    return (
        clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
    )


# ------------------------------------------------------------------ the scene


@dataclass
class Box:
    kind: str  # machine, cashbox, queue, scu, device, terminal
    key: str
    x: float
    y: float
    w: float
    h: float
    lines: list = field(default_factory=list)  # [(text, "strong" | "plain" | "muted")]
    tooltip: str = ""
    style: str = ""  # the STYLES entry (defaults to kind)
    attrs: dict = field(default_factory=dict)  # data-* attributes
    dashed: bool = False
    rows: list = field(default_factory=list)  # [(text, size, bold, colour)] as drawn

    def __post_init__(self):
        if self.kind in ("machine", "cashbox") and self.h > TERM_H:
            return  # containers draw a header of their own
        self.rows = _rows(self.lines, self.w - 16, wrap_first=self.kind != "terminal" and self.h == BOX_H)
        if self.h == BOX_H:  # the standard height grows with a wrapped name
            self.h = 24 + LINE_H * (len(self.rows) - 1)

    @property
    def right(self):
        return self.x + self.w

    @property
    def bottom(self):
        return self.y + self.h

    @property
    def cy(self):
        return self.y + self.h / 2


@dataclass
class Link:
    kind: str  # queue-scu, scu-device, terminal-queue
    source: str
    target: str
    path: list  # SVG path commands as (command, numbers...)
    arrow: tuple  # (x, y, direction)
    dashed: bool = False
    faint: bool = False
    attrs: dict = field(default_factory=dict)


@dataclass
class Label:
    x: float
    y: float
    text: str
    size: int = SMALL
    weight: str = "normal"
    colour: str = INK
    kind: str = "label"
    halo: bool = False


@dataclass
class Scene:
    title: str
    width: float = 0
    height: float = 0
    frames: list = field(default_factory=list)  # (kind, x, y, w, h, label)
    boxes: list = field(default_factory=list)
    links: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    legend: list = field(default_factory=list)  # (x, y, kind, text)


# ------------------------------------------------------------------ reading the data


def _option(data, package=None, vendor=None):
    country = catalog.country(data.get("country") or "")
    if package:
        option = country.option_for_package(package) if country else None
        return option or catalog.signing_option_for_package(package)[1]
    if vendor and country:
        return country.signing_option(vendor)
    return None


def short_package(package):
    """fiskaltrust.Middleware.SCU.DE.Swissbit -> Swissbit."""
    return (package or "").rsplit(".", 1)[-1]


def _placement(data, scu):
    option = _option(data, package=scu.get("package"))
    return option.placement if option else catalog.COMPONENT


def _device_kind(data, device):
    if device.get("kind"):
        return device["kind"]
    option = _option(data, vendor=device.get("vendor"))
    return option.kind if option else catalog.HARDWARE


def _port_text(item):
    port = item.get("port")
    return f":{port}" if port else ""


# ------------------------------------------------------------------ layout


class _Layout:
    def __init__(self, data, title):
        self.data = data
        self.scene = Scene(title=title)
        self.by_key = {}  # box key -> Box (queues, SCUs, devices, terminals, machines)
        machines = [m for m in data.get("machines") or [] if m.get("key")]
        # One CashBox per machine (as the planner and the portal make them); parts that point
        # at nothing drawn are left out rather than failing the whole drawing.
        known = {m["key"] for m in machines}
        self.cashbox_of_machine = {}
        for cashbox in data.get("cashboxes") or []:
            if cashbox.get("machine") in known:
                self.cashbox_of_machine.setdefault(cashbox["machine"], cashbox)
        self.machine_of_cashbox = {c["key"]: machine for machine, c in self.cashbox_of_machine.items()}
        self.devices = {d.get("key"): d for d in data.get("devices") or []}
        self.scus = [s for s in data.get("scus") or [] if s.get("cashbox") in self.machine_of_cashbox]
        self.queues = [q for q in data.get("queues") or [] if q.get("cashbox") in self.machine_of_cashbox]
        queue_keys, scu_keys = {q["key"] for q in self.queues}, {s["key"] for s in self.scus}
        self.links = [link for link in data.get("links") or [] if link.get("queue") in queue_keys and link.get("scu") in scu_keys]
        self.terminals = [t for t in data.get("terminals") or [] if t.get("queue") in queue_keys]
        self.service_scus = [s for s in self.scus if _placement(data, s) == catalog.SERVICE]
        service_keys = {s["key"] for s in self.service_scus}
        self.local_scus = [s for s in self.scus if s["key"] not in service_keys]
        # Machines: with a CashBox in the outlet (servers first: their SCUs and queues serve the
        # others) or in a data centre; without one they are clients, like terminals.
        with_cashbox = [m for m in machines if m["key"] in self.cashbox_of_machine]
        self.outlet_machines = sorted(
            (m for m in with_cashbox if m.get("role") != DATA_CENTRE),
            key=lambda m: m.get("role") not in ("server", "terminal-host"),
        )
        self.centre_machines = [m for m in with_cashbox if m.get("role") == DATA_CENTRE]
        self.client_machines = [m for m in machines if m["key"] not in self.cashbox_of_machine and m.get("role") != TERMINAL]
        kinds = {key: _device_kind(data, d) for key, d in self.devices.items()}
        self.device_kind = kinds
        hosts = set(self.cashbox_of_machine)
        self.plugged = {
            key: d.get("host_machine")
            for key, d in self.devices.items()
            if kinds[key] == catalog.HARDWARE and d.get("host_machine") in hosts
        }
        self.network_devices = [d for k, d in self.devices.items() if kinds[k] != catalog.CLOUD and k not in self.plugged]
        self.cloud_devices = [d for k, d in self.devices.items() if kinds[k] == catalog.CLOUD]

    # -------------------------------------------------- columns

    def run(self):
        scene = self.scene
        top = PAD + 46  # under the heading
        inner_top = top + FRAME_TITLE
        clients = len(self.client_machines) + len(self.terminals)
        two_columns = clients > 8
        x = PAD + FRAME_PAD
        self.clients_x = x
        clients_w = (2 * TERM_W + 24 if two_columns else TERM_W) if clients else 0
        x += clients_w + (COLUMN_GAP + 24 if clients else 0)
        self.machines_x = x
        machines_w = MACHINE_W if self.outlet_machines else 0
        x += machines_w
        lanes = self._lanes()
        self.lanes_x = x + 14
        x += (14 + LANE * len(lanes) + 40) if lanes else (COLUMN_GAP if self.network_devices else 0)
        self.network_x = x
        x += BOX_W if self.network_devices else 0
        frame_right = x + FRAME_PAD
        if not (clients or self.outlet_machines or self.network_devices):
            frame_right = max(frame_right, PAD + 260)
        x = frame_right + COLUMN_GAP
        self.centre_x = x
        x += (MACHINE_W + COLUMN_GAP) if self.centre_machines else 0
        self.services_x = x
        x += (BOX_W + COLUMN_GAP) if self.service_scus else 0
        self.cloud_x = x
        x += BOX_W if self.cloud_devices else 0
        right = max(x, frame_right)

        bottom = inner_top
        y = inner_top
        for machine in self.outlet_machines:
            y = self._machine(machine, self.machines_x, y) + MACHINE_GAP
        bottom = max(bottom, y - MACHINE_GAP)
        outside_bottom = inner_top
        y = inner_top
        for machine in self.centre_machines:
            y = self._machine(machine, self.centre_x, y) + MACHINE_GAP
        outside_bottom = max(outside_bottom, y - MACHINE_GAP)
        outside_bottom = max(outside_bottom, self._services(inner_top))
        bottom = max(bottom, self._network(inner_top))
        outside_bottom = max(outside_bottom, self._cloud(inner_top))
        bottom = max(bottom, self._clients(inner_top, two_columns))

        frame_bottom = max(bottom, inner_top + 24) + FRAME_PAD
        outlet_label = self.data.get("outlet_label") or _("Outlet")
        scene.frames.append(("outlet", PAD, top, frame_right - PAD, frame_bottom - top, outlet_label))
        if self.centre_machines:
            scene.labels.append(Label(self.centre_x, top + 20, _("Data centre"), SIZE, "bold", MUTED, "heading"))
        if self.service_scus:
            scene.labels.append(Label(self.services_x, top + 20, _("Hosted services"), SIZE, "bold", MUTED, "heading"))
        if self.cloud_devices:
            scene.labels.append(Label(self.cloud_x, top + 20, _("Cloud"), SIZE, "bold", MUTED, "heading"))
        if not (clients or self.outlet_machines or self.network_devices or self.centre_machines or self.service_scus):
            scene.labels.append(Label(PAD + FRAME_PAD, inner_top + 16, _("Nothing configured yet."), SIZE, colour=MUTED))

        self._links(lanes)
        content_bottom = max(frame_bottom, outside_bottom)
        legend_bottom, legend_right = self._legend(content_bottom + 24, max(right, 640))
        scene.width = round(max(right, legend_right) + PAD)
        scene.height = round(legend_bottom + PAD)
        scene.labels.insert(
            0, Label(PAD, PAD + 16, fit(scene.title, scene.width - 2 * PAD, 16, True), 16, "bold", INK, "heading")
        )
        subtitle = self.data.get("subtitle") or ""
        if subtitle:
            scene.labels.insert(
                1, Label(PAD, PAD + 34, fit(subtitle, scene.width - 2 * PAD, SIZE), SIZE, colour=MUTED, kind="heading")
            )
        return scene

    # -------------------------------------------------- machines

    def _machine(self, machine, x, y):
        key = machine["key"]
        cashbox = self.cashbox_of_machine[key]
        queues = [q for q in self.queues if q["cashbox"] == cashbox["key"]]
        scus = [s for s in self.local_scus if s["cashbox"] == cashbox["key"]]
        plugged_here = [k for k, host in self.plugged.items() if host == key]
        # The SCU column: each SCU with the hardware device it drives right under it.
        slots, placed = [], set()
        for scu in scus:
            device = scu.get("device")
            slots.append(("scu", scu))
            if device in plugged_here and device not in placed:
                slots.append(("device", self.devices[device]))
                placed.add(device)
        slots += [("device", self.devices[k]) for k in plugged_here if k not in placed]
        cb_x, cb_y = x + M_PAD, y + M_HEAD
        row_y = cb_y + CB_TITLE
        queue_x, scu_x = cb_x + CB_PAD, cb_x + CB_PAD + BOX_W + COL_GAP
        parts = []
        top = row_y
        for queue in queues:
            parts.append(self._queue_box(queue, queue_x, top, key))
            top = parts[-1].bottom + STACK
        left_bottom = top - STACK
        top = row_y
        for what, item in slots:
            box = self._scu_box(item, scu_x, top, key) if what == "scu" else self._device_box(item, scu_x, top, key)
            parts.append(box)
            top = box.bottom + STACK
        right_bottom = top - STACK
        inner_h = max(left_bottom, right_bottom, row_y + BOX_H) - row_y
        cashbox_h = CB_TITLE + inner_h + CB_PAD
        height = M_HEAD + cashbox_h + M_PAD
        name = machine.get("name") or key
        details = " · ".join(
            part for part in (machine.get("hostname"), _platform_label(machine.get("platform"))) if part and part != "localhost"
        )
        self.add(
            Box(
                "machine",
                key,
                x,
                y,
                MACHINE_W,
                height,
                [(name, "head"), (details or _role_label(machine.get("role")), "muted")],
                tooltip=" · ".join(p for p in (name, machine.get("hostname"), _role_label(machine.get("role"))) if p),
                attrs={"role": machine.get("role") or ""},
            )
        )
        description = cashbox.get("description") or ""
        cb_title = _("CashBox") if description in ("", name) else _("CashBox · %(name)s") % {"name": description}
        self.add(
            Box(
                "cashbox",
                cashbox["key"],
                cb_x,
                cb_y,
                MACHINE_W - 2 * M_PAD,
                cashbox_h,
                [(cb_title, "muted")],
                tooltip=cb_title,
                attrs={"machine": key},
            )
        )
        for box in parts:
            self.add(box)
        return y + height

    def _queue_box(self, queue, x, y, machine):
        identification = queue.get("identification") or queue["key"]
        where = _port_text(queue)
        if queue.get("network") and where:
            where = _("%(port)s, from the network") % {"port": where}
        return Box(
            "queue",
            queue["key"],
            x,
            y,
            BOX_W,
            BOX_H,
            [(_("Queue %(id)s") % {"id": identification}, "strong"), (where or _("local"), "muted")],
            tooltip=_("Queue, CashBoxIdentification %(id)s") % {"id": identification},
            attrs={"machine": machine, "identification": identification},
        )

    def _scu_box(self, scu, x, y, machine, placement=catalog.COMPONENT):
        package = short_package(scu.get("package"))
        if placement == catalog.SERVICE:
            where = _("hosted service")
        elif _placement(self.data, scu) == catalog.IN_QUEUE:
            where = _("runs in the queue")
        else:
            where = _port_text(scu) or _("local")
        return Box(
            "scu",
            scu["key"],
            x,
            y,
            BOX_W,
            BOX_H,
            [(_("SCU %(name)s") % {"name": package}, "strong"), (where, "muted")],
            tooltip=scu.get("package") or package,
            style="service" if placement == catalog.SERVICE else "scu",
            attrs={"machine": machine or "", "placement": placement},
        )

    def _device_box(self, device, x, y, machine=None):
        kind = self.device_kind[device["key"]]
        option = _option(self.data, vendor=device.get("vendor"))
        vendor = (option.vendor or str(option.label)) if option else (device.get("vendor") or "")
        name = device.get("description") or " ".join(
            p for p in (str(option.label) if option else vendor, device.get("detail")) if p
        )
        name = name or device["key"]
        kind_text = {
            catalog.HARDWARE: _("plugged in") if machine else _("hardware, not plugged in"),
            catalog.NETWORK: _("network device"),
            catalog.CLOUD: _("cloud"),
            catalog.VIRTUAL: _("certificate"),
        }.get(kind, kind)
        return Box(
            "device",
            device["key"],
            x,
            y,
            BOX_W,
            BOX_H,
            [(name, "strong"), (f"{vendor} · {kind_text}" if vendor else kind_text, "muted")],
            tooltip=" · ".join(p for p in (name, str(option.label) if option else vendor) if p),
            style=kind if kind in STYLES else "hardware",
            attrs={"machine": machine or "", "device-kind": kind, "vendor": device.get("vendor") or ""},
            dashed=kind == catalog.CLOUD,
        )

    # -------------------------------------------------- the other columns

    def _aligned(self, items, top, desired, make, x, gap=STACK):
        """Stack boxes in a column, each as near the height of what it connects to as it can."""
        y = top
        for item in sorted(items, key=lambda i: desired(i) if desired(i) is not None else float("inf")):
            wish = desired(item)
            box = make(item, x, y)
            box.y = max(y, (wish - box.h / 2) if wish is not None else y)
            self.add(box)
            y = box.bottom + gap
        return y - gap if items else top

    def _first_center(self, keys):
        centers = [self.by_key[k].cy for k in keys if k in self.by_key]
        return min(centers) if centers else None

    def _services(self, top):
        def desired(scu):
            return self._first_center(link["queue"] for link in self.links if link["scu"] == scu["key"])

        return self._aligned(
            self.service_scus,
            top,
            desired,
            lambda scu, x, y: self._scu_box(scu, x, y, None, catalog.SERVICE),
            self.services_x,
        )

    def _device_users(self, device_key):
        return [s["key"] for s in self.scus if s.get("device") == device_key]

    def _network(self, top):
        return self._aligned(
            self.network_devices,
            top,
            lambda d: self._first_center(self._device_users(d["key"])),
            lambda d, x, y: self._device_box(d, x, y),
            self.network_x,
        )

    def _cloud(self, top):
        return self._aligned(
            self.cloud_devices,
            top,
            lambda d: self._first_center(self._device_users(d["key"])),
            lambda d, x, y: self._device_box(d, x, y),
            self.cloud_x,
        )

    def _clients(self, top, two_columns):
        """POS systems without middleware and terminals, each near the queue it calls. In two
        columns the boxes of one column sit between the lines of the other (a line passes at
        least 8px from any box)."""
        entries = [("machine", m, None) for m in self.client_machines]
        entries += [("terminal", t, self.by_key[t["queue"]].cy) for t in self.terminals]
        entries.sort(key=lambda e: (e[2] is not None, e[2] or 0))
        lane = TERM_H / 2 + 8 if two_columns else TERM_H + STACK
        same_column = TERM_H + 16
        ys = []
        for n, (what, item, wish) in enumerate(entries):
            y = top if wish is None else max(top, wish - TERM_H / 2)
            if ys:
                y = max(y, ys[-1] + lane)
            if two_columns and len(ys) > 1:
                y = max(y, ys[-2] + same_column)
            ys.append(y)
            # The first entry in the right column: the nearest to the machines.
            x = self.clients_x + ((TERM_W + 24) if two_columns and n % 2 == 0 else 0)
            name = item.get("name") or item["key"]
            if what == "machine":
                detail, attrs = item.get("hostname") or _role_label(item.get("role")), {"role": item.get("role") or ""}
            else:
                detail, attrs = _("Terminal ID %(id)s") % {"id": item.get("terminal_id") or "-"}, {"queue": item["queue"]}
            self.add(Box(what, item["key"], x, y, TERM_W, TERM_H, [(name, "strong"), (detail, "muted")], name, attrs=attrs))
        self.clients_right = self.clients_x + ((2 * TERM_W + 24) if two_columns else TERM_W)
        return ys[-1] + TERM_H if ys else top

    def add(self, box):
        self.scene.boxes.append(box)
        self.by_key[box.key] = box
        return box

    # -------------------------------------------------- lines

    def _machine_of(self, key):
        box = self.by_key.get(key)
        return box.attrs.get("machine") if box else None

    def _cross(self, link):
        """A queue -> SCU link between two machines of the outlet (routed through the lanes)."""
        queue = next(q for q in self.queues if q["key"] == link["queue"])
        scu = next(s for s in self.scus if s["key"] == link["scu"])
        outlet_machines = {m["key"] for m in self.outlet_machines}
        source, target = self.machine_of_cashbox[queue["cashbox"]], self.machine_of_cashbox[scu["cashbox"]]
        return source != target and source in outlet_machines and target in outlet_machines and scu in self.local_scus

    def _lanes(self):
        lanes = []
        for link in self.links:
            if self._cross(link) and link["scu"] not in lanes:
                lanes.append(link["scu"])
        return lanes

    def _links(self, lanes):
        scene, by_key = self.scene, self.by_key
        labelled = set()
        for link in self.links:
            queue, scu = by_key.get(link["queue"]), by_key.get(link["scu"])
            if not (queue and scu):
                continue
            mode = link.get("mode") or "normal"
            attrs = {"mode": mode} if mode != "normal" else {}
            if queue.attrs.get("machine") == scu.attrs.get("machine") and scu.x >= queue.right:
                path, arrow = _inside(queue, scu)
            elif link["scu"] in lanes:
                lane_x = self.lanes_x + LANE * lanes.index(link["scu"])
                entry = scu.y + 12
                path = [("M", queue.right, queue.cy), ("H", lane_x), ("V", entry), ("H", scu.right)]
                arrow = (scu.right, entry, "left")
                if link["scu"] not in labelled:
                    labelled.add(link["scu"])
                    port = _port_text(next(s for s in self.scus if s["key"] == link["scu"]))
                    if port:
                        scene.labels.append(Label(lane_x + 5, entry - 4, port, SMALL, "bold", ACCENT, "port", halo=True))
            else:
                path, arrow = _curve(queue, scu)
            scene.links.append(
                Link(
                    "queue-scu",
                    link["queue"],
                    link["scu"],
                    path,
                    arrow,
                    dashed=mode == "backup",
                    faint=mode == "deactivated",
                    attrs=attrs,
                )
            )
        for scu_item in self.scus:
            scu, device = by_key.get(scu_item["key"]), by_key.get(scu_item.get("device") or "")
            if not (scu and device):
                continue
            if device.attrs.get("machine") == scu.attrs.get("machine") and device.x == scu.x:
                if 0 <= device.y - scu.bottom <= STACK + 1:  # plugged in right under its SCU
                    middle = scu.x + scu.w / 2
                    path, arrow = [("M", middle, scu.bottom), ("V", device.y)], (middle, device.y, "down")
                else:
                    path, arrow = _side_curve(scu, device)
            else:
                path, arrow = _curve(scu, device, start_y=scu.y + scu.h - 12 if scu_item["key"] in lanes else None)
            scene.links.append(Link("scu-device", scu_item["key"], device.key, path, arrow))
        for terminal_item in self.terminals:
            terminal, queue = by_key[terminal_item["key"]], by_key[terminal_item["queue"]]
            path, arrow = _curve(terminal, queue, via_x=self.clients_right)
            scene.links.append(Link("terminal-queue", terminal.key, queue.key, path, arrow))

    # -------------------------------------------------- legend

    def _legend(self, top, width):
        items = [
            ("queue", _("Queue (CashBoxIdentification)")),
            ("scu", _("SCU")),
            ("hardware", _("Signing device in the outlet")),
            ("cloud", _("Cloud signing device or service")),
            ("terminal", _("Terminal")),
            ("line:queue-scu", _("Queue calls SCU (port)")),
            ("line:scu-device", _("SCU drives signing device")),
            ("line:terminal-queue", _("Terminal calls queue")),
        ]
        boxes, links = self.scene.boxes, self.scene.links
        present = {b.style or b.kind for b in boxes} | {f"line:{link.kind}" for link in links}
        if present & {"network", "hardware"}:
            present.add("hardware")
        if present & {"service", "virtual"}:
            present.add("cloud")
        items = [(kind, text) for kind, text in items if kind in present]
        if not items:
            return top - 24, PAD
        self.scene.labels.append(Label(PAD, top + 12, _("Legend"), SMALL, "bold", MUTED, "legend"))
        x, y, right = PAD + 56, top, PAD
        for kind, text in items:
            text = fit(text, 260, SMALL)
            item_w = 30 + text_width(text, SMALL) + 18
            if x + item_w > width and x > PAD + 56:
                x, y = PAD + 56, y + 22
            self.scene.legend.append((x, y, kind, text))
            x += item_w
            right = max(right, x)
        return y + 18, right


def _curve(source, target, start_y=None, via_x=None):
    """A line from the source's right side to the target's left side (or back, when the target
    lies to the left), leaving and arriving horizontally."""
    if target.x >= source.right:
        x1, x2, direction = source.right, target.x, "right"
    else:
        x1, x2, direction = source.x, target.right, "left"
    y1, y2 = (start_y if start_y is not None else source.cy), target.cy
    path = [("M", x1, y1)]
    if via_x is not None and direction == "right" and via_x > x1:
        path.append(("H", via_x))
        x1 = via_x
    bend = max(abs(x2 - x1) / 2, 24)
    sign = 1 if direction == "right" else -1
    path.append(("C", x1 + sign * bend, y1, x2 - sign * bend, y2, x2, y2))
    return path, (x2, y2, direction)


def _inside(queue, scu):
    """Queue -> SCU in one CashBox: through the gap between their columns."""
    if abs(queue.cy - scu.cy) < 1:
        return [("M", queue.right, queue.cy), ("H", scu.x)], (scu.x, scu.cy, "right")
    middle = (queue.right + scu.x) / 2
    return [("M", queue.right, queue.cy), ("H", middle), ("V", scu.cy), ("H", scu.x)], (scu.x, scu.cy, "right")


def _side_curve(source, target):
    """From a box to one below it in the same column, round its right side."""
    x = source.right
    path = [("M", x, source.cy), ("C", x + 24, source.cy, x + 24, target.cy, target.right, target.cy)]
    return path, (target.right, target.cy, "left")


def _platform_label(platform):
    return {"windows": "Windows", "linux": "Linux", "macos": "macOS", "android": "Android"}.get(platform or "", platform or "")


def _role_label(role):
    return {
        "pos": _("POS system"),
        "server": _("Server"),
        "terminal-host": _("Terminal host"),
        DATA_CENTRE: _("Data centre"),
        TERMINAL: _("Terminal"),
    }.get(role or "", role or "")


def layout(data, title=None):
    """The scene (boxes, lines and labels with coordinates) of plan-shaped data. Pure."""
    return _Layout(data, title or data.get("title") or _("Topology")).run()


# ------------------------------------------------------------------ drawing


def _num(value):
    value = round(value, 1)
    return str(int(value)) if value == int(value) else str(value)


def _path(commands):
    return " ".join(command + " ".join(_num(v) for v in values) for command, *values in commands)


def _arrow(x, y, direction, colour):
    size = 7
    points = {
        "right": [(x, y), (x - size, y - size / 2), (x - size, y + size / 2)],
        "left": [(x, y), (x + size, y - size / 2), (x + size, y + size / 2)],
        "down": [(x, y), (x - size / 2, y - size), (x + size / 2, y - size)],
        "up": [(x, y), (x - size / 2, y + size), (x + size / 2, y + size)],
    }[direction]
    return f'<path d="M{" L".join(f"{_num(a)} {_num(b)}" for a, b in points)} Z" fill="{colour}"/>'


def _text(x, y, text, size=SIZE, weight="normal", colour=INK, halo=False):
    weight_attr = ' font-weight="bold"' if weight == "bold" else ""
    halo_attr = ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"' if halo else ""
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}"{weight_attr} fill="{colour}"{halo_attr}>{esc(text)}</text>'


def _data_attrs(attrs):
    return "".join(f' data-{name}="{esc(value)}"' for name, value in attrs.items())


def _box(box):
    fill, stroke = STYLES.get(box.style or box.kind, STYLES["machine"])
    radius = 8 if box.kind in ("machine", "cashbox") else 5
    dash = ' stroke-dasharray="5 3"' if box.dashed else ""
    width = 1.5 if box.kind in ("machine", "queue", "scu", "device", "terminal") else 1
    parts = [
        f'<g data-kind="{box.kind}" data-key="{esc(box.key)}"{_data_attrs(box.attrs)}>',
        f"<title>{esc(box.tooltip)}</title>" if box.tooltip else "",
        f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" height="{_num(box.h)}" rx="{radius}"'
        f' fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>',
    ]
    inner = box.w - 16
    if box.kind == "machine" and box.h > TERM_H:
        name, details = box.lines[0][0], box.lines[1][0] if len(box.lines) > 1 else ""
        parts.append(_text(box.x + 12, box.y + 19, fit(name, inner, HEAD, True), HEAD, "bold"))
        if details:
            parts.append(_text(box.x + 12, box.y + 34, fit(details, inner, SMALL), SMALL, colour=MUTED))
    elif box.kind == "cashbox":
        parts.append(_text(box.x + 10, box.y + 15, fit(box.lines[0][0], inner, SMALL, True), SMALL, "bold", MUTED))
    else:
        for n, (text, size, bold, colour) in enumerate(box.rows):
            parts.append(_text(box.x + 8, box.y + 16 + n * LINE_H, text, size, "bold" if bold else "normal", colour))
    parts.append("</g>")
    return "".join(parts)


def _link(link):
    colour = LINK_COLOURS[link.kind]
    d = _path(link.path)
    dash = ' stroke-dasharray="6 4"' if link.dashed else ""
    opacity = ' opacity="0.45"' if link.faint else ""
    return (
        f'<g data-kind="link" data-link="{link.kind}" data-from="{esc(link.source)}" data-to="{esc(link.target)}"'
        f"{_data_attrs(link.attrs)}{opacity}>"
        f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="4" stroke-opacity="0.8"/>'
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.5"{dash}/>'
        f"{_arrow(*link.arrow, colour)}</g>"
    )


def _legend_item(x, y, kind, text):
    if kind.startswith("line:"):
        colour = LINK_COLOURS[kind[5:]]
        mark = f'<path d="M{_num(x)} {_num(y + 7)} H{_num(x + 22)}" stroke="{colour}" stroke-width="1.5"/>' + _arrow(
            x + 24, y + 7, "right", colour
        )
    else:
        fill, stroke = STYLES[kind]
        dash = ' stroke-dasharray="4 2"' if kind == "cloud" else ""
        mark = (
            f'<rect x="{_num(x)}" y="{_num(y)}" width="22" height="14" rx="3" fill="{fill}" stroke="{stroke}"'
            f' stroke-width="1.5"{dash}/>'
        )
    return f'<g data-kind="legend-item">{mark}{_text(x + 30, y + 11, text, SMALL, colour=INK)}</g>'


def draw(scene):
    """The SVG document of a scene."""
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
        f' width="{_num(scene.width)}" height="{_num(scene.height)}" viewBox="0 0 {_num(scene.width)} {_num(scene.height)}"'
        f' font-family="{FONT}" role="img" data-kind="topology">',
        f"<title>{esc(scene.title)}</title>",
        f'<rect x="0" y="0" width="{_num(scene.width)}" height="{_num(scene.height)}" fill="#ffffff"/>',
    ]
    for kind, x, y, w, h, label in scene.frames:
        out.append(
            f'<g data-kind="{kind}"><rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" rx="10"'
            f' fill="{BG}" stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="7 5"/>'
            f"{_text(x + 14, y + 22, fit(label, w - 28, HEAD, True), HEAD, 'bold', MUTED)}</g>"
        )
    containers = [b for b in scene.boxes if b.kind in ("machine", "cashbox") and b.h > TERM_H]
    others = [b for b in scene.boxes if b not in containers]
    out += [_box(box) for box in containers]
    out += [_link(link) for link in scene.links]
    out += [_box(box) for box in others]
    for label in scene.labels:
        weight = label.weight
        out.append(
            f'<g data-kind="{label.kind}">{_text(label.x, label.y, label.text, label.size, weight, label.colour, label.halo)}</g>'
        )
    out += [_legend_item(*item) for item in scene.legend]
    out.append("</svg>")
    return "\n".join(out)


def drawing(data, title=None):
    """The SVG (str) of plan-shaped data: the one pure function behind both renderers."""
    return draw(layout(data, title))


# ------------------------------------------------------------------ the two entry points


def outlet_label(outlet):
    """How the drawings name an outlet: "Outlet 7 · Hauptstraße"."""
    return _("Outlet %(number)s · %(name)s") % {"number": outlet.number, "name": outlet.name}


def render_plan(plan_data, title=None, outlet_label=None):
    """An SVG document (str) of a plan (planner.plan / Plan.data). `outlet_label` names the
    outlet frame (see outlet_label())."""
    from scenarios import definitions

    scenario = definitions.get(plan_data.get("scenario")) if plan_data.get("scenario") else None
    country = catalog.country(plan_data.get("country") or "")
    option = country.signing_option(plan_data.get("signing")) if country else None
    parts = (scenario.name if scenario else "", country.name if country else "", option.label if option else "")
    data = dict(plan_data, subtitle=" · ".join(str(p) for p in parts if p), outlet_label=outlet_label or _("Outlet"))
    return drawing(data, title or _("Planned topology"))


def _summary(data):
    country = catalog.country(data.get("country") or "")
    counts = [
        ngettext("%(n)d CashBox", "%(n)d CashBoxes", len(data["cashboxes"])),
        ngettext("%(n)d queue", "%(n)d queues", len(data["queues"])),
        ngettext("%(n)d SCU", "%(n)d SCUs", len(data["scus"])),
        ngettext("%(n)d signing device", "%(n)d signing devices", len(data["devices"])),
        ngettext("%(n)d terminal", "%(n)d terminals", len(data["terminals"])),
    ]
    sizes = (len(data["cashboxes"]), len(data["queues"]), len(data["scus"]), len(data["devices"]), len(data["terminals"]))
    parts = [str(country.name)] if country else []
    return " · ".join(parts + [text % {"n": n} for text, n in zip(counts, sizes, strict=True)])


def outlet_data(outlet):
    """Plan-shaped data of an outlet as configured: six queries, whatever its size."""
    from django.db.models import Q

    from cashboxes.models import CashBox, Queue, QueueScuLink, Scu, SigningDevice, Terminal

    cashboxes = list(
        CashBox.objects.filter(outlet=outlet)
        .order_by("description", "created_at")
        .values("id", "description", "hostname", "platform", "machine_role")
    )
    queues = list(
        Queue.objects.filter(outlet=outlet)
        .order_by("cashbox_identification")
        .values("id", "cashbox_id", "package", "cashbox_identification", "urls")
    )
    scus = list(
        Scu.objects.filter(outlet=outlet)
        .order_by("description", "created_at")
        .values("id", "cashbox_id", "package", "urls", "signing_device_id", "description")
    )
    device_ids = {s["signing_device_id"] for s in scus if s["signing_device_id"]}
    devices = list(
        SigningDevice.objects.filter(Q(outlet=outlet) | Q(pk__in=device_ids))
        .order_by("description", "created_at")
        .values("id", "kind", "vendor", "host_cashbox_id", "description", "serial", "cloud_account")
    )
    links = list(QueueScuLink.objects.filter(queue__outlet=outlet).order_by("created_at").values("queue_id", "scu_id", "mode"))
    terminals = list(
        Terminal.objects.filter(queue__outlet=outlet).order_by("name").values("id", "queue_id", "name", "terminal_id")
    )
    data = {
        "country": outlet.country,
        "outlet_label": outlet_label(outlet),
        "machines": [
            {
                "key": f"m-{c['id']}",
                "name": c["description"],
                "role": c["machine_role"],
                "hostname": c["hostname"],
                "platform": c["platform"],
            }
            for c in cashboxes
        ],
        "cashboxes": [{"key": str(c["id"]), "machine": f"m-{c['id']}", "description": c["description"]} for c in cashboxes],
        "queues": [
            {
                "key": str(q["id"]),
                "cashbox": str(q["cashbox_id"]),
                "package": q["package"],
                "identification": q["cashbox_identification"],
                **_address(q["urls"]),
            }
            for q in queues
        ],
        "scus": [
            {
                "key": str(s["id"]),
                "cashbox": str(s["cashbox_id"]),
                "package": s["package"],
                "device": str(s["signing_device_id"]) if s["signing_device_id"] else None,
                **_address(s["urls"]),
            }
            for s in scus
        ],
        "devices": [
            {
                "key": str(d["id"]),
                "vendor": d["vendor"],
                "kind": d["kind"],
                "host_machine": f"m-{d['host_cashbox_id']}" if d["host_cashbox_id"] else None,
                "description": d["description"],
                "detail": d["serial"] or d["cloud_account"],
            }
            for d in devices
        ],
        "links": [{"queue": str(k["queue_id"]), "scu": str(k["scu_id"]), "mode": k["mode"]} for k in links],
        "terminals": [
            {"key": str(t["id"]), "name": t["name"], "terminal_id": t["terminal_id"], "queue": str(t["queue_id"])}
            for t in terminals
        ],
    }
    data["subtitle"] = _summary(data)
    return data


def _address(urls):
    """The port of a component's first URL, and whether it listens beyond localhost."""
    try:
        parts = urlsplit((urls or [""])[0])
        port = parts.port
    except ValueError:
        return {"port": None, "network": False}
    return {"port": port, "network": bool(parts.hostname) and parts.hostname not in ("localhost", "127.0.0.1", "::1")}


def render_outlet(outlet, title=None):
    """An SVG document (str) of an outlet as it is configured in the database."""
    return drawing(outlet_data(outlet), title or _("Topology: %(outlet)s") % {"outlet": outlet_label(outlet)})
