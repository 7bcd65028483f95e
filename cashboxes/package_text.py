"""The Markdown of a package: README.md for the person at the machine, ROLLOUT-CHECKLIST.md for
the outlet bundle.

Plain Python rather than Django templates: a package's README is rebuilt for every package and
rendering it through the template engine took longer than zipping the whole package
(bench/build_packages.py). Every value arrives Markdown-ready (escaped or as code spans) from
packages.describe(); this module only lays the text out. English only, like the package. The
install steps follow the machine's launcher: Launcher 2.0 with the package's scripts, Launcher 1.x
offline with the scripts of fiskaltrust's download, the Android app with a CashBox at fiskaltrust.
"""

from cashboxes import catalog


def _text(lines):
    """The bytes of the lines, ending with exactly one line feed."""
    return ("\n".join(lines).rstrip("\n") + "\n").encode()


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _table(header, rows):
    """A Markdown table: header cells, then one row of cells per item."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]


def _secrets(c):
    """The paragraph on what the package holds that must not travel further."""
    keep = "Give it only to the person installing this machine, and delete it afterwards."
    if c["launcher"] == catalog.LAUNCHER_1:
        return [
            "**This package holds secrets**: the CashBox's access token and, in "
            f"`{c['configuration_name']}`, the configuration's keys, PINs, passwords and connection strings in plain text.",
            keep,
        ]
    if c["launcher"] == catalog.ANDROID_LAUNCHER:
        return [
            "This package holds no secrets: the app uses the access token fiskaltrust issues, and the reference",
            "copy of the configuration shows `***` in place of keys, PINs and passwords.",
        ]
    if c["offline_copy"]:
        return [
            "**This package holds secrets**: the CashBox's access token and the configuration's keys, PINs and",
            f"passwords. {keep}",
        ]
    return [f"**This package holds a secret**: the CashBox's access token. {keep}"]


def _install_launcher_2(c):
    machine = c["machine"]
    windows, macos, revision = c["windows"], c["macos"], machine["revision"]
    as_admin = " as administrator" if windows else ""
    launcher = "`fiskaltrust.Launcher.exe`" if windows else "`fiskaltrust.Launcher`"
    if not windows and not macos:
        launcher += ", or install the Debian package `fiskaltrust-middleware-launcher`"
    test, setup, remove = (
        ("test.cmd", "install.cmd", "uninstall.cmd") if windows else ("./test.sh", "sudo ./install.sh", "sudo ./uninstall.sh")
    )
    service_kind = "the launchd daemon" if macos else "the service"
    lines = [
        f"1. Put the fiskaltrust Launcher 2.0 for {machine['platform']} next to these files ({launcher}).",
        f"2. Test: run `{test}`{as_admin}. It checks the setup (`fiskaltrust.Launcher doctor`), then",
        "   runs the middleware in the foreground with debug logging. When the log says the queues and SCUs",
        "   are started and the POS system gets an answer, stop it with Ctrl+C.",
        f"3. Install the service: run `{setup}`{as_admin}. It installs {service_kind} `{c['service']}`, which",
        "   starts with the machine and reads `launcher.configuration.json` in this folder: keep the folder.",
        f"4. Uninstall: `{remove}`. It leaves the service folder `{c['service_folder']}` in place: it holds",
        "   the queues' receipt journals, which must be kept.",
        "",
        "`launcher.configuration.json` points the launcher at this portal (`configurationUrl`",
        f"{c['portal']}): it fetches the configuration there at every start.",
        "",
    ]
    if c["offline_copy"]:
        lines += [
            f"`{c['configuration_name']}` is the configuration as published (revision {revision}), for a",
            f"machine that cannot reach the portal: copy it into `{c['service_folder']}/service/` and add",
            '`"useOffline": true` to `launcher.configuration.json`. An offline machine gets no changes from the',
            "portal and no package updates.",
        ]
    else:
        lines += [
            "This package has no offline copy of the configuration: Launcher 2.0 receives",
            f"{_join(c['encrypted'])} from the portal, encrypted for its own key, and a",
            'plain-text copy would stop it ("Could not parse Cashbox configuration"). So its first start needs the',
            f"portal; after that it keeps the configuration it fetched in `{c['service_folder']}/service/`.",
        ]
    return lines


def _install_launcher_1(c):
    machine = c["machine"]
    windows = c["windows"]
    as_admin = " as administrator" if windows else ""
    test, setup, remove = (
        ("test.cmd", "install-service.cmd", "uninstall-service.cmd")
        if windows
        else ("sudo ./test.sh", "sudo ./install-service.sh", "sudo ./uninstall-service.sh")
    )
    download = "the .NET Launcher" if windows else "the Mono Launcher (it needs Mono with `mono-service`)"
    settings, configuration, folder = c["settings_name"], c["configuration_name"], c["service_folder"]
    return [
        "This market runs on fiskaltrust's Launcher 1.x (`fiskaltrust.exe`): Launcher 2.0 serves only Germany",
        "and Italy. Launcher 1.x takes its online configuration only from fiskaltrust's helipad, never from",
        f"this portal, so this package runs it offline: `{settings}` sets `useoffline` to true, and the",
        f"launcher reads `{configuration}`, the configuration as published (revision {machine['revision']}).",
        "",
        f"1. Download fiskaltrust's Launcher 1.x for {machine['platform']} from fiskaltrust: {download}.",
        f"2. Put `{configuration}` and `{settings}` of this package next to `fiskaltrust.exe`. If the",
        f"   launcher came with a `{settings}` of its own, keep that file and its other sections, and",
        "   replace only its `<appSettings>` section with the one of this package.",
        f"3. Test: run the launcher's `{test}`{as_admin}. When the log says the queues and SCUs are",
        "   started and the POS system gets an answer, stop it (any key).",
        f"4. Install the service: run the launcher's `{setup}`{as_admin}.",
        f"5. Uninstall: `{remove}`{as_admin}. It leaves the service folder `{folder}` in place: its",
        "   `service` folder holds the queues' receipt journals, which must be kept.",
        "",
        "Offline the launcher fetches nothing, neither configuration nor packages: the packages and versions",
        'under "What runs here" must come with the launcher you download (fiskaltrust\'s offline launcher',
        "brings those of its CashBox) or be in the service folder already.",
    ]


def _install_android(c):
    machine = c["machine"]
    return [
        "This device runs fiskaltrust's Android launcher, an app. It fetches its configuration from",
        f"fiskaltrust's helipad ({c['helipad']}), an address built into the app: it cannot be",
        "pointed at this portal. So this CashBox must be created at fiskaltrust too, with the same queues and SCUs.",
        "",
        "1. Create the CashBox at fiskaltrust (fiskaltrust.Portal, or its template API) with the components",
        f'   under "What runs here". `{c["configuration_name"]}` shows the configuration as this',
        f"   portal published it (revision {machine['revision']}), for reference only: the app never reads it, and its",
        "   keys, PINs and passwords are replaced by `***` (enter them at fiskaltrust from your own records).",
        "2. Install the fiskaltrust Android launcher app (Google Play, or the APK from fiskaltrust.Portal):",
        f"   {c['android_variant']}.",
        "3. The POS app starts the launcher with an intent whose extras `cashboxid` and `accesstoken` are the",
        "   id and access token fiskaltrust gives the CashBox there, not this portal's (this portal's CashBox",
        f"   id is `{machine['id']}`, for your records); `sandbox` stays false.",
        "4. The first start needs the internet: the app fetches the configuration then.",
    ]


def readme(context):
    """README.md of a package. `context`: packages.describe()'s result plus the machine's facts
    (see packages.package_files)."""
    c = context
    machine = c["machine"]
    launcher = c["launcher"]
    description, revision, cashbox_id = machine["description"], machine["revision"], machine["id"]

    role = [*c["intro"]]
    if c["role"]:
        role += ["", *(f"- {line}" for line in c["role"])]

    runs = []
    if c["queues"]:
        runs += [
            "Queues: the POS system sends its receipts to the queue's URL.",
            "",
            *_table(
                ("CashBoxIdentification", "Country", "Queue id", "Package", "URL the POS system calls", "Signs with"),
                ((q["identification"], q["country"], q["id"], q["package"], q["urls"], q["signs"]) for q in c["queues"]),
            ),
        ]
    else:
        runs.append("No queue.")
    runs.append("")
    if c["scus"]:
        runs += [
            "SCUs (signature creation units):",
            "",
            *_table(
                ("SCU", "Id", "Package", "Signing device", "URL", "Signs for"),
                ((s["name"], s["id"], s["package"], s["device"], s["urls"], s["users"]) for s in c["scus"]),
            ),
        ]
    else:
        runs.append("No SCU.")
    if c["helpers"]:
        runs += ["", "Helpers:", "", *_table(("Package", "URL"), ((h["package"], h["urls"]) for h in c["helpers"]))]

    if c["ports"]:
        ports = _table(
            ("Port", "Scheme", "For", "Inbound", "Why"),
            ((p["port"], p["scheme"], p["what"], p["inbound"], p["why"]) for p in c["ports"]),
        )
    else:
        ports = ["None: the components use named pipes."]
    if c["outbound"]:
        outbound = _table(("Host and port", "For"), ((host["address"], host["why"]) for host in c["outbound"]))
    else:
        outbound = ["None."]

    if launcher == catalog.LAUNCHER_1:
        install = _install_launcher_1(c)
    elif launcher == catalog.ANDROID_LAUNCHER:
        install = _install_android(c)
    else:
        install = _install_launcher_2(c)
    service = [f"| Service | `{c['service']}` |"] if c["service"] else []
    # Every file by name: a glob would miss some, and the Windows shell expands none.
    names = " ".join(c["files"])

    return _text(
        [
            f"# {description}: fiskaltrust Middleware package",
            "",
            "For the person installing the fiskaltrust Middleware on this machine. Built by the rollout portal",
            f"{c['portal']} from published revision {revision} of CashBox `{cashbox_id}`.",
            "",
            "| | |",
            "|---|---|",
            f"| PosOperator | {c['operator']} |",
            f"| Outlet | {c['outlet']} |",
            f"| Machine | {description}, host name {machine['hostname']}, {machine['platform']} |",
            f"| Launcher | {c['launcher_name']} |",
            f"| CashBox | `{cashbox_id}`, revision {revision} |",
            *service,
            "",
            *_secrets(c),
            "",
            "## Role of this machine",
            "",
            *role,
            "",
            "## What runs here",
            "",
            *runs,
            "",
            "## What to plug in",
            "",
            *(f"- {line}" for line in c["plug"]),
            "",
            "## Network",
            "",
            'Ports the middleware listens on here (TCP). "Inbound" says whether other machines of the outlet',
            "connect to it, so that this machine's firewall must let them in.",
            "",
            *ports,
            "",
            "Outbound connections from this machine (TCP):",
            "",
            *outbound,
            "",
            "## Before you install (preflight)",
            "",
            *(f"- [ ] {check}" for check in c["checks"]),
            "",
            "## Install",
            "",
            *install,
            "",
            *(f"- {line}" for line in c["after"]),
            "",
            "## Verify this package",
            "",
            "`MANIFEST.json` lists the SHA-256 and size of every other file; `MANIFEST.sig` is the portal's",
            "Ed25519 signature of `MANIFEST.json`. Get the portal's public key from the portal",
            f"(`GET {c['portal']}api/v1/signing-key/`, field `public_key_pem`), not from this package, and save",
            "it as `portal-signing-key.pem`. Its SHA-256 fingerprint (of the DER form) is",
            f"`{c['fingerprint']}`.",
            "",
            "With OpenSSL 3:",
            "",
            "```sh",
            "openssl pkey -pubin -in portal-signing-key.pem -outform DER | openssl dgst -sha256",
            "openssl pkeyutl -verify -pubin -inkey portal-signing-key.pem -rawin -in MANIFEST.json -sigfile MANIFEST.sig",
            f"openssl dgst -sha256 {names}",
            "```",
            "",
            'The second command prints "Signature Verified Successfully"; compare the sums of the third with',
            "`MANIFEST.json`. Or with Python and the `cryptography` package, which checks both:",
            "",
            "```python",
            "import hashlib, json, pathlib",
            "from cryptography.hazmat.primitives.serialization import load_pem_public_key",
            "",
            'key = load_pem_public_key(pathlib.Path("portal-signing-key.pem").read_bytes())',
            'manifest = pathlib.Path("MANIFEST.json").read_bytes()',
            'key.verify(pathlib.Path("MANIFEST.sig").read_bytes(), manifest)  # raises InvalidSignature',
            'for name, entry in json.loads(manifest)["files"].items():',
            "    data = pathlib.Path(name).read_bytes()",
            '    assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"], name',
            'print("package verified")',
            "```",
            "",
            "## Files",
            "",
            *(f"- `{name}`" for name in c["files"]),
            "- `MANIFEST.json`, `MANIFEST.sig`",
        ]
    )


def rollout_checklist(context):
    """ROLLOUT-CHECKLIST.md of an outlet bundle. `context`: see packages.rollout_checklist."""
    c = context
    drawing = " `topology.svg` shows how the machines connect." if c["has_drawing"] else ""
    machines = []
    for m in c["machines"]:
        machines += [
            "",
            f"## {m['position']}. {m['description']} ({m['hostname']}, {m['platform']})",
            "",
            f"Role: {m['role']}. Package: {m['package']}.",
        ]
        if m["shared"]:
            machines.append("Other machines sign through this one: finish it before them.")
        machines += [
            "",
            "- [ ] Unzip the package on the machine; read its README.md.",
            '- [ ] Go through the preflight checklist of the README ("Before you install").',
            *(f"- [ ] Plug in: {line}" for line in m["plug"]),
            *(
                f"- [ ] Open inbound TCP port {port['port']} ({port['what']}) in this machine's firewall."
                for port in m["inbound"]
            ),
        ]
        if m["launcher"] == catalog.ANDROID_LAUNCHER:
            machines += [
                "- [ ] Create this CashBox at fiskaltrust too: the Android launcher fetches its configuration from "
                f'fiskaltrust\'s helipad ({m["helipad"]}), not from this portal (README.md, "Install").',
                "- [ ] Install the fiskaltrust Android launcher app; the POS app starts it with the CashBox id and access "
                "token fiskaltrust gives that CashBox.",
            ]
        elif m["launcher"] == catalog.LAUNCHER_1:
            test, install = (
                ("test.cmd", "install-service.cmd") if m["windows"] else ("sudo ./test.sh", "sudo ./install-service.sh")
            )
            admin = " as administrator" if m["windows"] else ""
            machines += [
                f"- [ ] Download fiskaltrust's Launcher 1.x ({'.NET' if m['windows'] else 'Mono'} Launcher); put the "
                "package's `configuration.json` next to `fiskaltrust.exe`, and the `<appSettings>` of its "
                '`fiskaltrust.exe.config` into the launcher\'s (README.md, "Install").',
                f"- [ ] Run the launcher's `{test}`{admin}; the middleware starts; stop it.",
                f"- [ ] Run the launcher's `{install}`{admin}; the service runs.",
            ]
        else:
            machines += [
                "- [ ] Put the fiskaltrust Launcher 2.0 next to the files.",
                f"- [ ] Run `{m['test']}`{' as administrator' if m['windows'] else ''}; the doctor finds no issues "
                "and the middleware starts; stop it with Ctrl+C.",
                f"- [ ] Run `{m['install']}`{' as administrator' if m['windows'] else ' with sudo'}; "
                f"the service `{m['service']}` runs.",
            ]
        machines += [
            f"- [ ] The POS system reaches queue {q['identification']} at {q['urls']} (an echo call answers)."
            for q in m["queues"]
        ]
    return _text(
        [
            f"# Rollout checklist: outlet {c['outlet']}",
            "",
            f"PosOperator: {c['operator']}. Built by the rollout portal {c['portal']}.",
            "",
            "Install the machines in this order: first those others depend on (the server, a machine whose SCU",
            "other machines use), then the tills. Each package has a README.md with the details; these are the",
            f"steps.{drawing}",
            "",
            "Before you start, for the whole bundle:",
            "",
            "- [ ] Verify the bundle: `MANIFEST.sig` is the portal's Ed25519 signature of `MANIFEST.json`, which",
            '  lists the SHA-256 of every package (how: "Verify this package" in any package\'s README.md).',
            "- [ ] Each machine has its package; the packages hold access tokens and secrets: keep them safe.",
            *machines,
            "",
            "## At the end",
            "",
            "- [ ] Every POS system has sent a receipt through its queue, and it came back signed.",
            "- [ ] Every queue is registered with the tax office where the country asks for it (Germany:",
            "  each queue is a cash register to report).",
        ]
    )
