"""The job pages in the browser: the list, the self-updating progress bar (htmx polling that
stops with 286), the validation report, the package buttons and the download."""

import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from cashboxes import jobs as job_kinds
from cashboxes import services
from portal import signing
from portal.models import AuditEvent, Job
from tests import factories

HTMX = {"HX-Request": "true"}
STOP_POLLING = 286


def page(response):
    return response.content.decode()


def start(client, route, target, capture, **extra):
    """POST a job button as the browser does; the job runs when the request's transaction commits."""
    with capture(execute=True):
        response = client.post(reverse(route, args=[target.pk]), **extra)
    return response


def job_at(response):
    """The Job a job button redirected to."""
    assert response.status_code == 302, response
    match = re.fullmatch(r"/jobs/([0-9a-f-]{36})/", response.url)
    assert match, response.url
    return Job.objects.get(pk=match[1])


def queued_job(cashbox, user, **fields):
    """A validation job that no worker took yet (its on-commit send never runs in a test transaction)."""
    job = job_kinds.submit(job_kinds.VALIDATE, cashbox, user)
    if fields:
        Job.objects.filter(pk=job.pk).update(**fields)
        job.refresh_from_db()
    return job


def unzip(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


# The list


def test_the_jobs_list_shows_only_the_jobs_the_user_may_see(client, cast, configs):
    mine = queued_job(configs.a.cashbox, cast.dealer)
    theirs = queued_job(configs.b.cashbox, cast.dealer2)

    client.force_login(cast.dealer)
    listed = page(client.get(reverse("jobs")))
    assert reverse("job-detail", args=[mine.pk]) in listed
    assert reverse("job-detail", args=[theirs.pk]) not in listed
    assert "Validation" in listed and "Queued" in listed

    client.force_login(cast.dealer2)
    listed = page(client.get(reverse("jobs")))
    assert reverse("job-detail", args=[theirs.pk]) in listed
    assert reverse("job-detail", args=[mine.pk]) not in listed

    client.force_login(cast.outsider)
    assert "No jobs yet." in page(client.get(reverse("jobs")))


# The progress bar


def test_the_job_page_renders_a_progress_bar_that_polls_itself(client, cast, configs):
    job = queued_job(configs.a.cashbox, cast.dealer, status="running", progress=40, message="Checking PORT-COLLISION")
    client.force_login(cast.dealer)
    response = client.get(reverse("job-detail", args=[job.pk]))
    html = page(response)
    assert response.status_code == 200 and "<html" in html
    assert '<progress id="job-progress" value="40" max="100"' in html
    assert "Running" in html and "Checking PORT-COLLISION" in html
    assert f'hx-get="/jobs/{job.pk}/?poll=1"' in html and 'hx-trigger="every 1s"' in html


@pytest.mark.parametrize("status", ["queued", "running"])
def test_polling_an_unfinished_job_returns_the_status_fragment_with_200_and_keeps_polling(client, cast, configs, status):
    job = queued_job(configs.a.cashbox, cast.dealer, status=status, progress=40)
    client.force_login(cast.dealer)
    response = client.get(reverse("job-detail", args=[job.pk]), {"poll": "1"}, headers=HTMX)
    html = page(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="job-status"') and "<html" not in html and "<nav" not in html
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html


@pytest.mark.parametrize("status", ["succeeded", "failed", "cancelled"])
def test_polling_a_finished_job_returns_286_without_the_trigger_so_htmx_stops(client, cast, configs, status):
    job = queued_job(configs.a.cashbox, cast.dealer, status=status, progress=100)
    client.force_login(cast.dealer)
    response = client.get(reverse("job-detail", args=[job.pk]), {"poll": "1"}, headers=HTMX)
    html = page(response)
    assert response.status_code == STOP_POLLING
    assert "job-status" in html and "<html" not in html
    assert "hx-trigger" not in html and "hx-get" not in html


def test_without_htmx_an_unfinished_job_page_refreshes_itself_and_a_finished_one_not(client, cast, configs):
    job = queued_job(configs.a.cashbox, cast.dealer, status="running", progress=10)
    client.force_login(cast.dealer)
    refresh = '<noscript><meta http-equiv="refresh" content="2"></noscript>'
    assert refresh in page(client.get(reverse("job-detail", args=[job.pk])))
    # ?poll=1 without htmx (a bookmarked fragment URL) is the whole page.
    assert "<html" in page(client.get(reverse("job-detail", args=[job.pk]), {"poll": "1"}))
    Job.objects.filter(pk=job.pk).update(status="succeeded", progress=100)
    assert refresh not in page(client.get(reverse("job-detail", args=[job.pk])))


def test_a_failed_job_shows_its_error_and_no_download(client, cast, configs):
    job = queued_job(configs.a.cashbox, cast.dealer, status="failed", error="The disk is full.")
    client.force_login(cast.dealer)
    html = page(client.get(reverse("job-detail", args=[job.pk])))
    assert '<p class="error" role="alert">The disk is full.</p>' in html
    assert "job-download" not in html


# The validation report


@pytest.fixture
def broken(configs):
    """configs.a with a third till whose queue has no SCU (an error) and no purchase date (a warning)."""
    spare = factories.cashbox(configs.a.outlet, "Till 3", "till3.local")
    return spare, factories.queue(spare, "A-TILL-3")


def test_a_finished_validation_shows_the_report_grouped_by_machine_and_severity_with_links(
    client, cast, configs, broken, django_capture_on_commit_callbacks
):
    spare, spare_queue = broken
    client.force_login(cast.dealer)
    job = job_at(start(client, "outlet-validate", configs.a.outlet, django_capture_on_commit_callbacks))
    assert job.status == "succeeded" and job.progress == 100
    response = client.get(reverse("job-detail", args=[job.pk]))
    html = page(response)

    groups = dict(response.context["groups"])
    # by machine: those with errors first, then by name; the outlet's own last
    assert list(groups) == ["Till 3", "Server", "Till 1", "Till 2", ""]
    assert list(groups["Till 3"]) == ["error", "warning", "info"]  # errors first
    assert [f["code"] for f in groups["Till 3"]["error"]] == ["QUEUE-WITHOUT-SCU"]
    assert "DE-TAX-OFFICE-DATES" in {f["code"] for f in groups["Till 3"]["warning"]}  # no purchase date
    summary = job.result["summary"]
    assert summary["error"] == 1 and summary["warning"] >= 1
    assert f"Errors: {summary['error']} · Warnings: {summary['warning']} · Notes: {summary['info']}" in html

    report = html[html.index('<section id="report"') :]
    headings = re.findall(r"<h3>(.*?)</h3>", report)
    assert headings == ["Till 3", "Server", "Till 1", "Till 2", "Outlet and operator"]
    till3 = report[report.index("<h3>Till 3</h3>") :]
    assert till3.index('<ul class="findings error">') < till3.index('<ul class="findings warning">')
    link = f'<a href="{reverse("cashbox-detail", args=[spare.pk])}">{spare_queue.cashbox_identification}</a>'
    assert link in till3
    assert '<span class="badge">error</span> <code>QUEUE-WITHOUT-SCU</code>' in till3


def test_the_last_poll_of_a_validation_brings_its_report(client, cast, configs, broken, django_capture_on_commit_callbacks):
    """The page that watched the bar gets the report with the final state (its Report link works)."""
    client.force_login(cast.dealer)
    job = job_at(start(client, "cashbox-validate", broken[0], django_capture_on_commit_callbacks))
    response = client.get(reverse("job-detail", args=[job.pk]), {"poll": "1"}, headers=HTMX)
    html = page(response)
    assert response.status_code == STOP_POLLING
    assert 'href="#report"' in html and 'id="report"' in html and "QUEUE-WITHOUT-SCU" in html


def test_a_validation_without_findings_says_so(client, cast, configs, django_capture_on_commit_callbacks):
    job = queued_job(configs.a.cashbox, cast.dealer)
    Job.objects.filter(pk=job.pk).update(
        status="succeeded", progress=100, result={"findings": [], "summary": {"error": 0, "warning": 0, "info": 0}}
    )
    client.force_login(cast.dealer)
    assert "No findings: the configuration follows every rule." in page(client.get(reverse("job-detail", args=[job.pk])))


# Packages


def test_the_package_is_refused_with_a_message_before_a_rebuild_and_built_after(
    client, cast, configs, django_capture_on_commit_callbacks
):
    till = configs.a.cashbox
    detail = reverse("cashbox-detail", args=[till.pk])
    client.force_login(cast.dealer)
    assert 'id="package-cashbox"' not in page(client.get(detail))  # no button while never published

    response = start(client, "cashbox-package", till, django_capture_on_commit_callbacks, headers={"Referer": detail})
    assert response.status_code == 302 and response.url == detail
    assert "Rebuild first: Till 1." in page(client.get(detail))
    assert not Job.objects.filter(kind="package").exists()

    services.rebuild(till)
    assert 'id="package-cashbox"' in page(client.get(detail))
    job = job_at(start(client, "cashbox-package", till, django_capture_on_commit_callbacks))
    assert job.status == "succeeded", job.error
    html = page(client.get(reverse("job-detail", args=[job.pk])))
    download = reverse("job-download", args=[job.pk])
    assert f'id="job-download" href="{download}"' in html and job.file_name in html and job.file_sha256 in html
    assert 'id="report"' not in html


def test_a_refused_package_never_redirects_to_another_site(client, cast, configs, django_capture_on_commit_callbacks):
    client.force_login(cast.dealer)
    response = start(
        client,
        "cashbox-package",
        configs.a.cashbox,
        django_capture_on_commit_callbacks,
        data={"next": "https://evil.example/phish"},
        headers={"Referer": "https://evil.example/other"},
    )
    assert response.status_code == 302 and response.url == reverse("cashboxes")


def test_a_published_cashbox_with_errors_gets_no_package(client, cast, configs, django_capture_on_commit_callbacks):
    till = configs.a.cashbox
    services.rebuild(till)
    factories.queue(till, "A-TILL-1B", url="grpc://localhost:1210")  # after the rebuild: a queue without SCU
    client.force_login(cast.dealer)
    detail = reverse("cashbox-detail", args=[till.pk])
    response = start(client, "cashbox-package", till, django_capture_on_commit_callbacks, headers={"Referer": detail})
    assert response.status_code == 302 and response.url == detail
    assert "Fix the errors of the validation report first: Till 1." in page(client.get(detail))
    assert not Job.objects.filter(kind="package").exists()


def test_the_download_is_the_signed_zip_and_is_audited(client, cast, configs, django_capture_on_commit_callbacks):
    till = configs.a.cashbox
    services.rebuild(till)
    client.force_login(cast.dealer)
    job = job_at(start(client, "cashbox-package", till, django_capture_on_commit_callbacks))

    response = client.get(reverse("job-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    data = b"".join(response.streaming_content)
    files = unzip(data)
    manifest = json.loads(files["MANIFEST.json"])
    assert set(manifest["files"]) == set(files) - {"MANIFEST.json", "MANIFEST.sig"}
    assert "launcher.configuration.json" in manifest["files"] and f"Configuration-{till.pk}.json" in manifest["files"]
    assert signing.verify(files["MANIFEST.json"], files["MANIFEST.sig"])
    assert not signing.verify(files["MANIFEST.json"] + b" ", files["MANIFEST.sig"])

    event = AuditEvent.objects.get(object_id=str(job.pk), action="download")
    assert event.actor_email == cast.dealer.email and event.after["sha256"] == job.file_sha256


# Rights


def test_a_read_only_member_may_validate_but_not_build_a_package(client, cast, configs, django_capture_on_commit_callbacks):
    till = configs.a.cashbox
    services.rebuild(till)
    client.force_login(cast.dealer_reader)
    html = page(client.get(reverse("cashbox-detail", args=[till.pk])))
    assert 'id="validate-cashbox"' in html and 'id="package-cashbox"' not in html

    job = job_at(start(client, "cashbox-validate", till, django_capture_on_commit_callbacks))
    assert job.status == "succeeded"
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 200
    assert start(client, "cashbox-package", till, django_capture_on_commit_callbacks).status_code == 403
    assert start(client, "outlet-package", configs.a.outlet, django_capture_on_commit_callbacks).status_code == 403
    assert not Job.objects.filter(kind="package").exists()


def test_another_dealer_gets_404_for_the_job_page_and_its_download(client, cast, configs, django_capture_on_commit_callbacks):
    services.rebuild(configs.a.cashbox)
    client.force_login(cast.dealer)
    job = job_at(start(client, "cashbox-package", configs.a.cashbox, django_capture_on_commit_callbacks))
    assert job.file

    client.force_login(cast.dealer2)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-detail", args=[job.pk]), {"poll": "1"}, headers=HTMX).status_code == 404
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404
    assert start(client, "cashbox-validate", configs.a.cashbox, django_capture_on_commit_callbacks).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(job.pk), action="download").exists()
