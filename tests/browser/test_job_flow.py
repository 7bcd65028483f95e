"""A dealer validates a CashBox in the browser, watches the progress bar, reads the report, then
builds the deployment package and downloads it."""

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from cashboxes import jobs as job_kinds
from cashboxes import services
from portal import jobs, signing
from portal.models import AuditEvent, Job
from tests import factories

try:
    from tests.browser import steps
    from tests.browser.steps import expect
except ImportError:  # no playwright: the `browser` fixture skips (or fails in CI) and says why
    steps = expect = None

pytestmark = pytest.mark.browser

JOB_PAGE = re.compile(r"/jobs/[0-9a-f-]{36}/$")


def is_poll(response):
    return "poll=1" in response.url


class Worker:
    """Stands in for the Celery worker. The portal's messages wait in `sent` until the test runs
    them, in the test's thread, pausing once half-way so the browser can watch the bar move.

    The test's thread and the live server may share one SQLite connection, so the two must not
    use it at once: every request of the job page goes through a Playwright route, and Playwright
    serves routes only while the test is inside a Playwright call. So while the worker runs,
    the page's polls wait; before it runs, one poll is seen through (`settle`)."""

    def __init__(self, page, monkeypatch):
        self.page = page
        self.sent = []
        monkeypatch.setattr(jobs, "send", self.sent.append)  # submit() sends on commit
        page.route(re.compile(r"/jobs/"), lambda route: route.continue_())

    def settle(self):
        """Wait until one poll has been answered: the next one comes a second later, held by the route."""
        with self.page.expect_response(is_poll):
            pass

    def run(self, while_running):
        """Run the one job sent; `while_running(percent)` at its first step past 0%."""
        (job_id,) = self.sent
        self.sent.clear()
        kind = jobs.KINDS[Job.objects.get(pk=job_id).kind]
        paused = []

        def handler(job, target, progress):
            def watched(percent, message=""):
                progress(percent, message)
                if 0 < percent < 100 and not paused:
                    paused.append(int(percent))
                    while_running(int(percent))
                    self.settle()

            return kind.handler(job, target, watched)

        self.settle()
        jobs.KINDS[kind.name] = jobs.Kind(kind.name, handler, kind.load)
        try:
            jobs.execute(job_id)
        finally:
            jobs.KINDS[kind.name] = kind
        assert paused, "the job reported no progress between 0 and 100"
        return Job.objects.get(pk=job_id)


def expect_running(page, percent):
    """The bar shows what the worker reported, while the job runs."""
    status = page.locator("#job-status")
    expect(status.locator(".status")).to_have_text("Running")
    expect(page.locator("#job-progress")).to_have_attribute("value", str(percent))
    expect(status.locator(".percent")).to_have_text(f"{percent}%")


def expect_done(page):
    """Succeeded at 100%, and the page stopped polling (the last answer was a 286)."""
    status = page.locator("#job-status")
    expect(status.locator(".status")).to_have_text("Succeeded")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(status.locator(".percent")).to_have_text("100%")
    expect(status).not_to_have_attribute("hx-trigger", re.compile("."))
    polls = []
    page.on("request", lambda request: polls.append(request.url) if "poll=1" in request.url else None)
    page.wait_for_timeout(2500)
    assert polls == []


@pytest.fixture
def outlet(cast):
    """Dealer A's operator's outlet (tests/factories.estate), published, so packages can be built."""
    estate = factories.estate(cast.operator_org, "A")
    for cashbox in (estate.cashbox, estate.server, estate.till2):
        services.rebuild(cashbox)
    return estate


def test_dealer_validates_a_cashbox_reads_the_report_and_downloads_its_package(
    live_server, cast, outlet, page, artifacts, monkeypatch
):
    base = live_server.url
    till = outlet.cashbox
    worker = Worker(page, monkeypatch)
    steps.log_in(page, base, cast.dealer.email)
    page.goto(f"{base}/cashboxes/{till.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Till 1")

    # Validate: the job page shows the bar, queued, and keeps asking.
    page.get_by_role("button", name="Validate").click()
    expect(page).to_have_url(JOB_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation: Till 1")
    expect(page.locator("#job-status .status")).to_have_text("Queued")
    expect(page.locator("#job-progress")).to_have_attribute("value", "0")
    validation = worker.run(lambda percent: expect_running(page, percent))
    assert validation.status == "succeeded" and validation.kind == job_kinds.VALIDATE
    expect_done(page)

    # The report came with the last poll: its link leads to it.
    summary = validation.result["summary"]
    assert summary["error"] == 0 and summary["warning"] > 0  # warnings do not block the package
    expect(page.locator("#job-status .summary")).to_contain_text(f"Errors: 0 · Warnings: {summary['warning']}")
    page.get_by_role("link", name="Report").click()
    expect(page).to_have_url(re.compile(r"#report$"))
    report = page.locator("#report")
    expect(report).to_be_in_viewport()
    expect(report.get_by_role("heading", level=3).first).to_have_text("Till 1")
    warning = report.locator(".finding.warning").first
    expect(warning).to_contain_text("DE-TAX-OFFICE-DATES")
    expect(warning.get_by_role("link")).to_have_attribute("href", f"/cashboxes/{till.pk}/")
    page.screenshot(path=str(artifacts / "job-report.png"), full_page=True)

    # Back on the CashBox: build its package.
    page.go_back()
    page.go_back()
    expect(page).to_have_url(f"{base}/cashboxes/{till.pk}/")
    page.get_by_role("button", name="Build package").click()
    expect(page).to_have_url(JOB_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deployment package: Till 1")
    expect(page.locator("#job-status .status")).to_have_text("Queued")
    package = worker.run(lambda percent: expect_running(page, percent))
    assert package.status == "succeeded", package.error
    expect_done(page)
    link = page.locator("#job-download")
    expect(link).to_have_text(f"Download {package.file_name}")
    page.screenshot(path=str(artifacts / "job-package.png"), full_page=True)

    # The download: the signed zip of Till 1, in the audit log.
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == package.file_name
    data = Path(download.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == package.file_sha256
    archive = zipfile.ZipFile(io.BytesIO(data))
    files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["MANIFEST.json"])
    assert manifest["cashbox"] == str(till.pk)
    assert set(manifest["files"]) == set(files) - {"MANIFEST.json", "MANIFEST.sig"}
    for name, entry in manifest["files"].items():
        assert entry == {"sha256": hashlib.sha256(files[name]).hexdigest(), "size": len(files[name])}
    assert signing.verify(files["MANIFEST.json"], files["MANIFEST.sig"])
    assert AuditEvent.objects.filter(object_id=str(package.pk), action="download", actor_email=cast.dealer.email).exists()


def test_dealer_validates_all_its_operators_from_the_operators_page(live_server, cast, outlet, page, artifacts, monkeypatch):
    base = live_server.url
    spare = factories.cashbox(outlet.outlet, "Spare till", "spare.local")
    factories.queue(spare, "A-SPARE")  # no SCU: an error in the report
    factories.estate(cast.operator2_org, "B")  # dealer B's operator: not in dealer A's report
    worker = Worker(page, monkeypatch)
    steps.log_in(page, base, cast.dealer.email)
    page.goto(f"{base}/operators/")

    page.get_by_role("button", name="Validate all operators").click()
    expect(page).to_have_url(JOB_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation: All operators of Dealer A")
    job = worker.run(lambda percent: expect_running(page, percent))
    assert job.status == "succeeded" and job.kind == job_kinds.VALIDATE_OPERATORS
    expect_done(page)

    report = page.locator("#report")
    machines = report.get_by_role("heading", level=3)
    expect(machines.first).to_have_text("Operator of A · 1 Outlet 1 · Spare till")  # errors first
    error = report.locator(".finding.error").first
    expect(error).to_contain_text("QUEUE-WITHOUT-SCU")
    expect(error.get_by_role("link")).to_have_attribute("href", f"/cashboxes/{spare.pk}/")
    expect(report).not_to_contain_text("Operator of B")
    page.screenshot(path=str(artifacts / "job-report-all-operators.png"), full_page=True)
