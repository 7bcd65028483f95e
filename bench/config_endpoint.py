"""Throughput of the Launcher 2.0 configuration endpoint against a trivial view of the same server.

Run by `make bench` (from the project root). It builds a throwaway SQLite database in a temporary
directory (migrate, one operator, outlet, CashBox with a queue and a fiskaly SCU, rebuilt through
the services), starts the portal (DEBUG off) under gunicorn in a second process on a free loopback
port (`manage.py runserver` if gunicorn is missing), then loads both URLs from this process with a
few keep-alive connections for a few seconds each: GET /api/configuration/<id> with the right
access token, and GET /healthz. It prints requests per second of both and their ratio; the target
is at least 0.7 of the trivial view. Only loopback traffic, bounded in count and time; always
exits 0.

Two server configurations are measured. "persistent": database connections kept open, as the
settings do in production (PostgreSQL, CONN_MAX_AGE=60); the target applies to this one.
"per request": the project's settings as they are for SQLite, which open a connection for every
request; SQLite then re-reads the schema before the first query (about 0.4 ms here), a cost every
view that touches the database pays and the trivial view does not.
"""

import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.7
CONNECTIONS = 4  # client threads, one keep-alive connection each
SECONDS = 1.0  # per measured round
ROUNDS = 5  # pairs of rounds (trivial, launcher); the medians count, so a noisy neighbour skews less
MAX_REQUESTS = 10_000  # per round, whatever the speed
WORKERS = 2  # the machine's cores
# One thread per worker: gthread for keep-alive, without threads of a worker queueing for the GIL
# each time a database call releases it (with 4 threads the launcher lost a third to that).
THREADS = 1


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(workdir):
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-" + Fernet.generate_key().decode(),
        SECRETS_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PORTAL_URL="https://portal.example.com/",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("REDIS_URL", None)
    return env


def persistent_environment(env, workdir):
    """The same settings with database connections kept open (written into the throwaway dir)."""
    (workdir / "bench_persistent_settings.py").write_text(
        "from portal.settings import *  # noqa: F403\n\nDATABASES['default']['CONN_MAX_AGE'] = 60  # noqa: F405\n"
    )
    return dict(
        env,
        DJANGO_SETTINGS_MODULE="bench_persistent_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(workdir), str(ROOT), env.get("PYTHONPATH", "")])),
    )


def prepare(env):
    """Migrate the throwaway database and publish one CashBox; returns (cashbox id, token, etag)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from cashboxes import services
    from cashboxes.models import CashBox, Outlet, Queue, QueueScuLink, Scu
    from portal.models import Organization

    operator = Organization.objects.create(
        name="Bench Operator", address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE", is_pos_operator=True
    )
    outlet = services.save(
        Outlet(
            operator=operator, number=1, name="Bench", address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE"
        )
    )
    cashbox = services.save(CashBox(operator=operator, outlet=outlet, description="Bench till", hostname="till.local"))
    scu = Scu(
        operator=operator,
        cashbox=cashbox,
        package="fiskaltrust.Middleware.SCU.DE.FiskalyCertified",
        urls=["grpc://localhost:1401"],
    )
    services.set_parameters(
        scu,
        {
            "TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
            "ApiKey": "bench-key",
            "ApiSecret": "bench-secret",
            "AdminPin": "12345678",
        },
    )
    services.save(scu)
    queue = Queue(
        operator=operator,
        cashbox=cashbox,
        package="fiskaltrust.Middleware.Queue.SQLite",
        cashbox_identification="BENCH-1",
        urls=["grpc://localhost:1200"],
    )
    services.set_parameters(queue, {})
    services.save(queue)
    services.save(QueueScuLink(operator=operator, queue=queue, scu=scu))
    publication = services.rebuild(cashbox)
    return str(cashbox.id), cashbox.access_token, publication.etag


def start_server(env, port):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if gunicorn.exists():
        command = [
            str(gunicorn),
            "portal.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--worker-class=gthread",
            f"--threads={THREADS}",
            "--keep-alive=5",
            "--log-level=warning",
        ]
        label = f"gunicorn, {WORKERS} gthread workers x {THREADS} thread"
    else:
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"]
        label = "manage.py runserver (gunicorn not installed)"
    log = open(Path(env["DATABASE_URL"].removeprefix("sqlite:///")).with_name(f"server-{port}.log"), "w")  # noqa: SIM115
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
                return process, label
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


def load(port, path, headers, seconds=SECONDS, max_requests=MAX_REQUESTS):
    """Requests per second over `seconds`, from CONNECTIONS keep-alive connections; (rate, errors)."""
    counts, errors = [0] * CONNECTIONS, [0] * CONNECTIONS
    budget = threading.Semaphore(max_requests)
    start = threading.Barrier(CONNECTIONS + 1)
    deadline = [0.0]

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start.wait()
        while time.monotonic() < deadline[0] and budget.acquire(blocking=False):
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    counts[index] += 1
                else:
                    errors[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + 15)
    elapsed = time.monotonic() - began
    return sum(counts) / elapsed, sum(errors)


def check(port, path, headers, expected_status, expected_etag=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != expected_status:
        raise SystemExit(f"GET {path}: {response.status}, expected {expected_status}: {body[:200]!r}")
    if expected_etag and response.getheader("ETag") != f'"{expected_etag}"':
        raise SystemExit(f"GET {path}: ETag {response.getheader('ETag')}, expected the publication's")
    return body


def measure(env, cashbox_id, token, etag):
    """Start a server with `env`, load both URLs in alternating rounds; returns the medians of
    (launcher req/s, trivial req/s, launcher/trivial per pair of rounds)."""
    port = free_port()
    process, label = start_server(env, port)
    try:
        launcher = (f"/api/configuration/{cashbox_id}", {"accesstoken": token})
        trivial = ("/healthz", {})
        body = check(port, *launcher, 200, etag)
        check(port, launcher[0], {"accesstoken": "wrong"}, 401)
        check(port, *trivial, 200)
        print(f"  server: {label} on 127.0.0.1:{port}; launcher answer {len(body)} bytes, ETag of the publication")
        for path, headers in (launcher, trivial):  # warm every worker up
            load(port, path, headers, seconds=0.5, max_requests=400)
        rates = {"launcher": [], "trivial": []}
        for number in range(1, ROUNDS + 1):
            line = []
            for name, (path, headers) in (("trivial", trivial), ("launcher", launcher)):
                rate, errors = load(port, path, headers)
                rates[name].append(rate)
                line.append(f"{name} {rate:6.0f} req/s" + (f" ({errors} failed or not 200)" if errors else ""))
            print(f"  round {number}: " + ", ".join(line))
    finally:
        stop_server(process)
    ratios = [launcher / trivial for launcher, trivial in zip(rates["launcher"], rates["trivial"], strict=True) if trivial]
    return statistics.median(rates["launcher"]), statistics.median(rates["trivial"]), statistics.median(ratios)


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-config-"))
    try:
        env = environment(workdir)
        started = time.monotonic()
        cashbox_id, token, etag = prepare(env)
        print(f"throwaway SQLite database ready in {time.monotonic() - started:.1f} s")
        results = []
        for name, server_env in (
            ("persistent", persistent_environment(env, workdir)),
            ("per request", env),
        ):
            print(f"database connections {name}:")
            results.append((name, *measure(server_env, cashbox_id, token, etag)))
        print()
        for name, launcher, trivial, ratio in results:
            verdict = ("PASS" if ratio >= TARGET else "BELOW TARGET") if name == "persistent" else "(no target)"
            print(f"database connections {name}:")
            print(f"  Launcher 2.0 GET /api/configuration/<id>  {launcher:8.0f} req/s")
            print(f"  trivial view GET /healthz                 {trivial:8.0f} req/s")
            print(f"  ratio {ratio:.2f} (median of the rounds), target at least {TARGET}: {verdict}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
