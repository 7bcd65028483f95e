"""Throughput of the Launcher 2.0 configuration endpoint against a trivial view of the same server.

Run by `make bench` (from the project root, `DEBUG=1 .venv/bin/python bench/config_endpoint.py`).

Database: with DATABASE_URL naming PostgreSQL (as .ci/run sets it) the bench creates its own
database `bench_config_<pid>` on that server and drops it at the end, so the portal's data is
never touched; otherwise (no DATABASE_URL, or a sqlite:// one) a temporary SQLite file, its
connections kept open as the PostgreSQL settings keep theirs (CONN_MAX_AGE=60).

Data: 1,000 published CashBoxes (50 outlets of 20 tills), each with its own key pair, so its own
access token, a SQLite queue and a MySQL queue with its own `connectionstring`, both linked to
its fiskaly cloud SCU. The MySQL queue makes every answer do what a real Launcher 2.0 fetch does:
one ECDH with the launcher's key and AES of the connection string. Rows are bulk-created; each
CashBox is published with services.rebuild.

Server: the portal with production settings (DEBUG off, PORTAL_URL set) under gunicorn on a free
loopback port. Client: a process of its own, raw sockets and a selector, requests
prepared beforehand, 16 keep-alive connections spread evenly over gunicorn's workers, each
sending its next request as soon as the answer is in; it takes about a tenth of a core. It asks
as Launcher 2.0 does: GET with the `accesstoken` header and the JSON body {"publicKeyX509": ...}.
The same client on the same connections loads, in rounds, three kinds:
  trivial   GET /healthz
  one       one CashBox's configuration, with one launcher key
  rotating  the 1,000 CashBoxes' configurations in turn, each with its own launcher key (1,000
            launcher key pairs, made before the timed part)
Each round runs the three back to back, a different one first each time; a ratio is a launcher
kind's rate over the trivial view's in the same round, and the median over the rounds counts.
Every answer during the load must be a 200, and a sample of the bodies must decrypt, with the key
of the launcher that asked, to the connection string put into that CashBox.

A warm-up before the rounds lets every worker connect and fill its caches, and records the first
fetch of every CashBox. The portal writes a CashBox's last fetch again only after 30 s (or from
another address), so the rounds measure launchers that fetch again within 30 s, with one wave of
1,000 such writes when the 30 s are over. A real launcher fetches when it starts, so in a fleet
most fetches are written: one more statement per request, which these rounds do not show.

Targets: one >= 0.7 and rotating >= 0.5 of the trivial view. Prints PASS or BELOW TARGET and,
like the other benches, exits 0 once it could measure (a server or database that does not come
up, or a wrong answer, stops it with a message).
"""

import contextlib
import http.client
import json
import multiprocessing
import os
import re
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import throwaway  # noqa: E402 - bench/ is on the path when a bench runs

ROOT = throwaway.ROOT
TARGET_ONE, TARGET_ROTATING = 0.7, 0.5
CASHBOXES, OUTLETS = 1000, 50
CONNECTIONS = 16  # concurrent keep-alive connections of the client
SECONDS = 2.0  # per kind and round
ROUNDS = 6  # the medians count, so a noisy moment (or a wave of fetch records) skews less
SAMPLES = 8  # bodies kept per round and checked by decryption: every SAMPLE_STRIDE-th 200
SAMPLE_STRIDE = 97  # prime, so the CashBoxes sampled from the rotation differ
# gunicorn on this 2-core machine: gthread, which keeps connections alive (the sync worker closes
# each one), one worker per core, one thread each. While a worker waits for PostgreSQL, the
# database works on the same cores, so there is no idle core for a third worker or thread to use:
# measured with the connections spread evenly, 3 workers, 4 workers or 2 threads each served the
# trivial view alike and the launcher endpoint 10-40% slower (more switching, colder caches).
WORKERS = 2
THREADS = 1
FISKALY = "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"


# ------------------------------------------------------------------ the throwaway database


def postgres_url(url):
    """True when `url` names PostgreSQL (the scheme aliases dj-database-url accepts)."""
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


@contextlib.contextmanager
def throwaway_postgres(url):
    """A new database on the server `url` names, dropped afterwards; yields its URL."""
    import psycopg

    parts = urlsplit(url)
    name = f"bench_config_{os.getpid()}"
    admin = dict(host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username, password=parts.password)
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:  # FORCE: a connection still open (the server's, if it hangs) does not keep it
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ the CashBoxes


def connection_string(number):
    return f"Server=db-{number}.local;Port=3306;Database=ft;Uid=ft;Pwd=bench-{number:04d};"


def generate():
    """CASHBOXES published CashBoxes, bulk-created; returns [(id, token, connection string)]."""
    from django.db import transaction

    from cashboxes import keys, services
    from cashboxes.models import CashBox, Outlet, Queue, QueueScuLink, Scu, SigningDevice
    from portal.models import Organization

    operator = Organization.objects.create(
        name="Bench Operator", address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE", is_pos_operator=True
    )
    started = time.perf_counter()
    private_keys = [keys.new_private_key() for _ in range(CASHBOXES)]
    key_seconds = time.perf_counter() - started
    rows = {"outlets": [], "cashboxes": [], "devices": [], "scus": [], "queues": [], "links": []}
    for number in range(1, OUTLETS + 1):
        rows["outlets"].append(
            Outlet(
                operator=operator,
                number=number + 2,  # outlet number 2 is reserved
                name=f"Shop {number}",
                address_line1="Straße 1",
                postal_code="10115",
                city="Berlin",
                country="DE",
            )
        )
    expected = []
    for n in range(CASHBOXES):
        outlet = rows["outlets"][n % OUTLETS]
        host = f"till-{n}.local"
        box = CashBox(
            operator=operator, outlet=outlet, description=f"Till {n}", hostname=host, private_key_encrypted=private_keys[n]
        )
        tss = str(uuid.uuid4())
        device = SigningDevice(operator=operator, outlet=outlet, vendor="fiskaly", kind="cloud", cloud_account=tss)
        scu = Scu(
            operator=operator, outlet=outlet, cashbox=box, package=FISKALY, urls=["grpc://localhost:1401"], signing_device=device
        )
        services.set_parameters(scu, {"TssId": tss, "ApiKey": f"key-{n}", "ApiSecret": f"secret-{n}", "AdminPin": "12345678"})
        till = Queue(
            operator=operator,
            outlet=outlet,
            cashbox=box,
            package="fiskaltrust.Middleware.Queue.SQLite",
            urls=[f"grpc://{host}:1200"],
            country="DE",
            cashbox_identification=f"T-{n}",
        )
        services.set_parameters(till, {})
        mysql = Queue(
            operator=operator,
            outlet=outlet,
            cashbox=box,
            package="fiskaltrust.Middleware.Queue.MySQL",
            urls=[f"grpc://{host}:1201"],
            country="DE",
            cashbox_identification=f"M-{n}",
        )
        services.set_parameters(mysql, {"connectionstring": connection_string(n)})
        rows["cashboxes"].append(box)
        rows["devices"].append(device)
        rows["scus"].append(scu)
        rows["queues"] += [till, mysql]
        rows["links"] += [QueueScuLink(operator=operator, queue=queue, scu=scu) for queue in (till, mysql)]
        expected.append((str(box.id), box.access_token, connection_string(n)))
    Outlet.objects.bulk_create(rows["outlets"])
    CashBox.objects.bulk_create(rows["cashboxes"], batch_size=500)
    SigningDevice.objects.bulk_create(rows["devices"], batch_size=500)
    Scu.objects.bulk_create(rows["scus"], batch_size=500)
    Queue.objects.bulk_create(rows["queues"], batch_size=500)
    QueueScuLink.objects.bulk_create(rows["links"], batch_size=500)
    built = time.perf_counter()
    with transaction.atomic():  # one commit, not one per CashBox
        for box in rows["cashboxes"]:
            services.rebuild(box)
    print(
        f"  {CASHBOXES} CashBoxes: {CASHBOXES} key pairs in {key_seconds:.2f} s, rows in {built - started - key_seconds:.1f} s,"
        f" published (services.rebuild each) in {time.perf_counter() - built:.1f} s"
    )
    return expected


# ------------------------------------------------------------------ requests and their check


def launcher_request(port, cashbox_id, token, launcher):
    """The bytes of Launcher 2.0's GET (Download/ConfigurationDownloader.cs): the token in the
    `accesstoken` header, its public key in a JSON body."""
    body = launcher.request_body()
    head = (
        f"GET /api/configuration/{cashbox_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\naccesstoken: {token}\r\n"
        f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def trivial_request(port):
    return f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def served_connection_string(body, cashbox, launcher):
    """The MySQL queue's connectionstring of a served body, decrypted as the launcher does."""
    cashbox_id, token, _expected = cashbox
    queues = json.loads(body)["ftQueues"]
    value = next(q for q in queues if q["Package"].endswith(".MySQL"))["Configuration"]["connectionstring"]
    return launcher.decrypt(cashbox_id, token, value)


def verify(samples, cashboxes, launchers, what):
    """Every sampled body decrypts, with its launcher's key, to its CashBox's connection string."""
    for index, status, body in samples:
        cashbox = cashboxes[index]
        if status != 200:
            raise SystemExit(f"{what}: CashBox {cashbox[0]} answered {status}: {body[:200]!r}")
        if served_connection_string(body, cashbox, launchers[index]) != cashbox[2]:
            raise SystemExit(f"{what}: CashBox {cashbox[0]}: the connection string does not decrypt to the one put in")
    return len(samples)


# ------------------------------------------------------------------ the load client (own process)


class Connection:
    __slots__ = ("sock", "buffer", "need", "status", "index")

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer, self.need, self.status, self.index = b"", None, 0, 0


_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)


def worker_pids(server_pid):
    """gunicorn's workers: the children of its master process."""
    with open(f"/proc/{server_pid}/task/{server_pid}/children") as children:
        return [int(pid) for pid in children.read().split()]


def worker_of(connection, port, workers):
    """The worker that accepted `connection`, or None while none has: the server's end of the
    connection in /proc/net/tcp names a socket inode, and one worker's descriptors hold it."""
    client_port = connection.sock.getsockname()[1]
    with open("/proc/net/tcp") as table:
        next(table)
        rows = (line.split() for line in table)
        inode = next(
            (
                row[9]
                for row in rows
                if int(row[1].rsplit(":", 1)[1], 16) == port and int(row[2].rsplit(":", 1)[1], 16) == client_port
            ),
            "0",
        )
    if inode == "0":
        return None
    for pid in workers:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                        return pid
    return None


def spread_connections(port, server_pid):
    """CONNECTIONS connections spread evenly over gunicorn's workers: {worker pid: [Connection]}.

    A worker accepts whatever it is quickest to take; left alone, one of them often holds 14 or
    16 of a burst of 16 connections and another none, so a run measures one core, or two, by
    chance. A fleet's many short connections spread evenly. So connections are opened until each
    worker has its share (16 over 3 workers: 6, 5, 5), and the ones too many closed."""
    try:
        workers = worker_pids(server_pid)
    except OSError:  # no /proc (not Linux): the connections as they come
        return {None: [Connection(port) for _ in range(CONNECTIONS)]}
    floor, remainder = divmod(CONNECTIONS, len(workers))
    kept = {pid: [] for pid in workers}
    for _attempt in range(40 * CONNECTIONS):
        if sum(map(len, kept.values())) == CONNECTIONS:
            break
        connection = Connection(port)
        deadline = time.monotonic() + 2
        while (owner := worker_of(connection, port, workers)) is None and time.monotonic() < deadline:
            time.sleep(0.001)
        above = sum(len(held) > floor for held in kept.values())
        if owner in kept and (len(kept[owner]) < floor or (len(kept[owner]) == floor and above < remainder)):
            kept[owner].append(connection)
        else:
            connection.sock.close()
    missing = CONNECTIONS - sum(map(len, kept.values()))
    if missing:  # could not spread them: go on with the connections as they come, and say so
        kept.setdefault(None, []).extend(Connection(port) for _ in range(missing))
    return kept


class LoadClient:
    """CONNECTIONS keep-alive connections, each sending its next request when the answer is in.

    The connections are spread evenly over the server's workers and stay open from round to
    round, the same for every kind of request; one the server closes is opened again."""

    def __init__(self, port, server_pid):
        self.port = port
        self.poller = selectors.DefaultSelector()
        self.connections = {}
        self.spread = spread_connections(port, server_pid)
        for held in self.spread.values():
            for connection in held:
                self.add(connection)

    def add(self, connection):
        self.connections[connection.sock.fileno()] = connection
        self.poller.register(connection.sock.fileno(), selectors.EVENT_READ)
        return connection

    def open(self):
        return self.add(Connection(self.port))

    def reopen(self, connection):
        fd = connection.sock.fileno()
        self.poller.unregister(fd)
        del self.connections[fd]
        connection.sock.close()
        return self.open()

    def run(self, requests, seconds, samples):
        """Load `requests` (taken in turn) for `seconds`. Returns the 200s answered in that time,
        the other answers by status, the seconds, the client's CPU seconds, and up to `samples`
        answers (request index, status, body): every SAMPLE_STRIDE-th 200 and any other."""
        ok, others, kept = 0, {}, []
        counter = 0
        cpu = time.process_time()
        began = time.monotonic()
        deadline = began + seconds
        for connection in list(self.connections.values()):
            connection.index = counter % len(requests)
            counter += 1
            connection.sock.sendall(requests[connection.index])
        in_flight = len(self.connections)
        now = began
        while in_flight:
            events = self.poller.select(1.0)
            if not events and time.monotonic() > deadline + 15:
                raise SystemExit("the server stopped answering")
            now = time.monotonic()
            for key, _event in events:
                connection = self.connections[key.fd]
                try:
                    data = connection.sock.recv(262144)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:  # closed by the server: count it, reopen, go on
                    others["closed"] = others.get("closed", 0) + 1
                    connection = self.reopen(connection)
                    in_flight -= 1
                    if now < deadline:
                        connection.index = counter % len(requests)
                        counter += 1
                        connection.sock.sendall(requests[connection.index])
                        in_flight += 1
                    continue
                connection.buffer += data
                if connection.need is None:
                    end = connection.buffer.find(b"\r\n\r\n")
                    if end < 0:
                        continue
                    head = connection.buffer[:end]
                    length = _LENGTH.search(head)
                    if length is None:
                        raise SystemExit(f"an answer without Content-Length: {head[:300]!r}")
                    connection.status = int(head[9:12])
                    connection.need = end + 4 + int(length.group(1))
                if len(connection.buffer) < connection.need:
                    continue
                head_end = connection.buffer.find(b"\r\n\r\n")
                closing = _CLOSE.search(connection.buffer, 0, head_end) is not None
                in_flight -= 1
                if now <= deadline:
                    if connection.status == 200:
                        ok += 1
                    else:
                        others[connection.status] = others.get(connection.status, 0) + 1
                    if len(kept) < samples and (connection.status != 200 or ok % SAMPLE_STRIDE == 0):
                        kept.append((connection.index, connection.status, connection.buffer[head_end + 4 : connection.need]))
                connection.buffer, connection.need = b"", None
                if closing:
                    connection = self.reopen(connection)
                if now < deadline:
                    connection.index = counter % len(requests)
                    counter += 1
                    connection.sock.sendall(requests[connection.index])
                    in_flight += 1
        return ok, others, seconds, time.process_time() - cpu, kept


def client_process(pipe):
    """The load client's loop in its own process: ("open", port, server pid) answers how many
    connections each worker holds (under None those not spread), ("run", requests, seconds,
    samples) the figures of LoadClient.run()."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the bench process handles ^C and ends this one
    client = None
    while True:
        message = pipe.recv()
        if message[0] == "open":
            client = LoadClient(*message[1:])
            pipe.send({pid: len(held) for pid, held in client.spread.items()})
        elif message[0] == "run":
            pipe.send(client.run(*message[1:]))
        else:
            return


# ------------------------------------------------------------------ the server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url, workdir):
    """The portal's production-like settings for gunicorn; the keys are the set-up's, so the
    server decrypts what the bench wrote."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PORTAL_URL="https://portal.example.com/",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("REDIS_URL", None)
    if not postgres_url(database_url):
        # The project's settings open a SQLite connection per request (and SQLite then re-reads
        # the schema); keep it open as the PostgreSQL settings do, so the figures are comparable.
        (workdir / "bench_persistent_settings.py").write_text(
            "from portal.settings import *  # noqa: F403\n\nDATABASES['default']['CONN_MAX_AGE'] = 60  # noqa: F405\n"
        )
        env["DJANGO_SETTINGS_MODULE"] = "bench_persistent_settings"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workdir), str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def start_server(env, port, workdir):
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--worker-class=gthread",
        f"--threads={THREADS}",
        "--keep-alive=30",  # longer than a pause between rounds: the client's connections stay
        "--log-level=warning",
    ]
    log = open(workdir / f"server-{port}.log", "w")  # noqa: SIM115 - closed in stop_server
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log = log
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = server_log(process)
            process.log.close()
            raise SystemExit(f"the server stopped at start-up (exit {process.returncode}):\n{text}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    text = server_log(process)
    stop_server(process)
    raise SystemExit(f"the server did not answer /healthz with 200 within 30 seconds:\n{text}")


def server_log(process):
    process.log.flush()
    return Path(process.log.name).read_text()[-3000:]


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.log.close()


def ask(port, request):
    """One request on its own connection: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.headers, response.read()


# ------------------------------------------------------------------ the measurement


def measure(env, workdir, cashboxes, launchers):
    """Start the server and load it in rounds; returns {kind: [req/s per round]}."""
    from tests.conformance import LauncherClient

    port = free_port()
    process = start_server(env, port, workdir)
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    client = context.Process(target=client_process, args=(there,), daemon=True)
    client.start()
    try:
        pairs = list(zip(cashboxes, launchers, strict=True))
        kinds = {
            "trivial": [trivial_request(port)],
            "one": [launcher_request(port, *cashboxes[0][:2], launchers[0])],
            "rotating": [launcher_request(port, *cashbox[:2], launcher) for cashbox, launcher in pairs],
        }
        # Before the load: the answer is what the launcher needs, refusals are refusals.
        status, _headers, body = ask(port, kinds["one"][0])
        if status != 200 or served_connection_string(body, cashboxes[0], launchers[0]) != cashboxes[0][2]:
            raise SystemExit(f"the launcher endpoint answered {status}, not the configuration: {body[:300]!r}")
        if ask(port, launcher_request(port, cashboxes[0][0], cashboxes[1][1], launchers[0]))[0] != 401:
            raise SystemExit("another CashBox's token was not refused with 401")
        stranger = LauncherClient()
        other = ask(port, launcher_request(port, *cashboxes[1][:2], stranger))[2]
        if served_connection_string(other, cashboxes[1], stranger) != cashboxes[1][2]:
            raise SystemExit("a second launcher key did not get the values encrypted for it")
        print(f"  server: gunicorn, {WORKERS} gthread workers x {THREADS} thread, DEBUG off, 127.0.0.1:{port}")
        print(
            f"  a launcher's answer: {len(body)} bytes, the MySQL queue's connectionstring encrypted for its key"
            " (one ECDH and AES per request)"
        )
        here.send(("open", port, process.pid))
        spread = here.recv()
        unspread = spread.pop(None, 0)
        held = f"per worker {', '.join(map(str, spread.values()))}" if spread else "not spread over the workers (no /proc)"
        print(
            f"  {CONNECTIONS} keep-alive connections, {held}"
            + (f", {unspread} more as they came (spreading them took too many tries)" if unspread and spread else "")
        )
        for name, seconds in (("trivial", 1.0), ("one", 1.0), ("rotating", 5.0)):  # the warm-up
            here.send(("run", kinds[name], seconds, 0))
            here.recv()
        rates = {name: [] for name in kinds}
        cpu = elapsed = 0.0
        checked = 0
        order = list(kinds)
        for number in range(1, ROUNDS + 1):
            for name in order:
                here.send(("run", kinds[name], SECONDS, SAMPLES))
                ok, others, seconds, client_cpu, samples = here.recv()
                if others:
                    raise SystemExit(f"{name}: answers other than 200 under load: {others}; for example {samples[:1]}")
                if name != "trivial":
                    checked += verify(samples, cashboxes, launchers, name)
                rates[name].append(ok / seconds)
                cpu, elapsed = cpu + client_cpu, elapsed + seconds
            print(f"  round {number} (req/s): " + ", ".join(f"{name} {rates[name][-1]:5.0f}" for name in order))
            order = order[1:] + order[:1]  # another kind first in the next round
        here.send(("stop",))
        print(
            f"  every answer a 200; {checked} sampled bodies decrypted, with the asking launcher's key, to the connection string put in"
        )
        print(f"  the client process used {cpu / elapsed:.0%} of one core")
    finally:
        client.join(5)
        if client.is_alive():
            client.terminate()
        stop_server(process)
    return rates


def report(rates):
    """The figures and the verdicts."""
    trivial = statistics.median(rates["trivial"])
    print(f"trivial view            GET /healthz                    {trivial:6.0f} req/s (median of the rounds)")
    for name, label, target in (
        ("one", "one CashBox", TARGET_ONE),
        ("rotating", f"{CASHBOXES:,} CashBoxes in turn", TARGET_ROTATING),
    ):
        ratio = statistics.median(rate / base for rate, base in zip(rates[name], rates["trivial"], strict=True))
        verdict = "PASS" if ratio >= target else "BELOW TARGET"
        print(
            f"Launcher 2.0, {label + ':':22} GET /api/configuration/<id> {statistics.median(rates[name]):6.0f} req/s,"
            f" ratio {ratio:.2f} (median of the rounds'), target at least {target}: {verdict}"
        )


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the throwaway database is dropped
    workdir = Path(tempfile.mkdtemp(prefix="bench-config-"))
    url = os.environ.get("DATABASE_URL", "")
    try:
        with contextlib.ExitStack() as stack:
            if postgres_url(url):
                database_url = stack.enter_context(throwaway_postgres(url))
                print(f"database: PostgreSQL on {urlsplit(url).hostname}, throwaway database {urlsplit(database_url).path[1:]}")
            else:
                database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                print("database: SQLite in a temporary file (DATABASE_URL names no PostgreSQL)")
            started = time.perf_counter()
            throwaway.setup_django(workdir, DATABASE_URL=database_url)
            cashboxes = generate()
            from django.db import connections

            from tests.conformance import LauncherClient

            connections.close_all()
            launchers = [LauncherClient() for _ in cashboxes]
            print(f"  ready in {time.perf_counter() - started:.1f} s, with {len(launchers):,} launcher key pairs")
            rates = measure(server_environment(database_url, workdir), workdir, cashboxes, launchers)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    report(rates)
    return 0


if __name__ == "__main__":
    sys.exit(main())
