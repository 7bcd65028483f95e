"""Applying a big rollout plan against a small one: time and number of queries.

Run by `make bench` (from the project root, `DEBUG=1 .venv/bin/python bench/apply_plan.py`). It
builds a throwaway SQLite database in a temporary directory (migrate, one operator with three
outlets), makes and fills three plans of the scenario "one queue per terminal" with a fiskaly
cloud TSS (technically unlimited clients, so one TSS serves many queues):

- a warm-up plan (1 POS system, 1 terminal, a server), applied first so that one-time costs of the
  process (content types, the first connection) count for neither measured plan;
- the small plan: 1 POS system, 1 terminal (the scenario needs one) and a server;
- the big plan: 100 POS systems, 400 terminals and a server (500 queues, 101 CashBoxes).

The big plan is far above the German fair use of 25 devices per outlet: the advisor warns (and
suggests virtual outlets), it does not refuse, so it can be applied. For each plan it prints the
time and the number of queries of scenarios.apply.apply(), then the ratios; the target is the
same number of queries for both (bulk writes, no query per object). Always exits 0.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

import throwaway  # noqa: E402 - bench/ is on the path when a bench runs

ROOT = throwaway.ROOT
FISKALY = {
    "TssId": "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10",
    "ApiKey": "bench-key",
    "ApiSecret": "bench-secret",
    "AdminPin": "12345678",
}
SCENARIO = "terminals-queue-per-terminal"


def environment(workdir):
    throwaway.setup_django(workdir)


def operator():
    from portal.models import Organization

    return Organization.objects.create(
        name="Bench Operator", address_line1="Straße 1", postal_code="10115", city="Berlin", country="DE", is_pos_operator=True
    )


def filled_plan(owner, number, pos_systems, terminals, peak):
    """A plan for a new outlet, with every SCU's parameters filled in. Returns (plan, seconds)."""
    from cashboxes import services
    from cashboxes.models import Outlet
    from scenarios import apply
    from scenarios.advisor import Inputs

    outlet = services.save(
        Outlet(
            operator=owner,
            number=number,
            name=f"Bench {number}",
            address_line1="Straße 1",
            postal_code="10115",
            city="Berlin",
            country="DE",
        )
    )
    started = time.perf_counter()
    inputs = Inputs("DE", pos_systems, terminals, True, "fiskaly", peak, monthly_receipts=pos_systems * 20_000)
    plan = apply.make_plan(SCENARIO, inputs, outlet)
    plan = apply.fill(plan, parameters={scu["key"]: FISKALY for scu in plan.data["scus"]})
    return plan, time.perf_counter() - started


def measure(plan):
    """(seconds, queries, result) of applying the plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scenarios import apply

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = apply.apply(plan)
        seconds = time.perf_counter() - started
    return seconds, len(queries), result


def describe(result):
    return ", ".join(f"{len(ids)} {name}" for name, ids in result.items())


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-apply-"))
    try:
        started = time.perf_counter()
        environment(workdir)
        from scenarios import advisor

        owner = operator()
        print(f"throwaway SQLite database ready in {time.perf_counter() - started:.1f} s")
        warm_up, _seconds = filled_plan(owner, 10, 1, 1, 10)
        measure(warm_up)

        rows = []
        for label, number, pos, terminals, peak in (
            ("1 POS system, 1 terminal", 11, 1, 1, 10),
            ("100 POS systems, 400 terminals", 12, 100, 400, 1200),
        ):
            plan, planning = filled_plan(owner, number, pos, terminals, peak)
            verdict = next(item for item in advisor.assess(advisor.Inputs(**plan.inputs)) if item["id"] == SCENARIO)
            codes = sorted({warning["code"] for warning in verdict["warnings"]})
            seconds, queries, result = measure(plan)
            rows.append((label, seconds, queries))
            print(f"{label}: plan made and filled in {planning:.2f} s")
            print(f"  advisor: allowed={verdict['allowed']}, warnings {', '.join(codes)}")
            print(f"  apply: {seconds * 1000:8.1f} ms, {queries} queries; created {describe(result)}")

        (_small, small_s, small_q), (_big, big_s, big_q) = rows
        print()
        print(f"queries: {small_q} (small) vs {big_q} (big), ratio {big_q / small_q:.2f}; target: the same number")
        print(f"time:    {small_s * 1000:.1f} ms (small) vs {big_s * 1000:.1f} ms (big), ratio {big_s / small_s:.1f}")
        print("PASS: the number of queries does not grow with the plan" if big_q == small_q else "BELOW TARGET")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
