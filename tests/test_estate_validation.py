"""Validating a whole operator, or everything a dealer looks after, from the API and the pages.

The rules themselves are in tests/test_validation_rules.py; the tenancy matrix of these routes
in tests/test_tenancy_cashboxes_api.py and _ui.py. Here: what the reports cover, who sees the
jobs, and that the worker checks the rights of the organization the user acted for.
"""

import pytest
from django.urls import reverse

from cashboxes.models import CashBox
from portal.choices import DealerRight, LinkStatus, MemberRight
from portal.models import Job, Membership, OperatorLink, User
from tests import factories
from tests.conftest import PASSWORD, make_org


def start(client, route, organization, **headers):
    return client.post(reverse(f"api:{route}", args=[organization.pk]), **headers)


def finished(response):
    assert response.status_code == 202, response.content
    return Job.objects.get(pk=response.json()["id"])


def boxes_in(job):
    return {finding["object"].get("cashbox") for finding in job.result["findings"]} - {None}


def ids(*operators):
    return {str(pk) for pk in CashBox.objects.filter(operator__in=operators).values_list("pk", flat=True)}


def spare_till(outlet, name):
    """A CashBox with a queue and no SCU: an error finding about it, wherever it is."""
    till = factories.cashbox(outlet, name, f"{name.lower().replace(' ', '')}.local")
    factories.queue(till, f"{outlet.operator.name[:3].upper()}-{name[-1]}")
    return till


@pytest.fixture
def estates(cast):
    a = factories.estate(cast.operator_org, "A")
    spare_till(a.outlet, "Spare 1")
    second = factories.outlet(cast.operator_org, 3, name="Second outlet")
    spare_till(second, "Spare 2")
    b = factories.estate(cast.operator2_org, "B")
    spare_till(b.outlet, "Spare 3")
    return a, b


@pytest.mark.smoke
def test_an_operator_validates_its_whole_configuration(cast, api, estates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = finished(start(api(cast.operator), "organization-validate", cast.operator_org))

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.kind == "validate" and job.organization == cast.operator_org
    spares = {str(box.pk) for box in CashBox.objects.filter(description__startswith="Spare", operator=cast.operator_org)}
    assert spares <= boxes_in(job) <= ids(cast.operator_org)  # both outlets, nothing of operator2
    errors = [f for f in job.result["findings"] if f["code"] == "QUEUE-WITHOUT-SCU"]
    # Machines are named with their outlet: a report over several outlets must say which till.
    assert {f["object"]["machine"] for f in errors} == {"1 Outlet 1 · Spare 1", "3 Second outlet · Spare 2"}
    assert job.result["summary"]["error"] >= 2


def test_a_dealer_validates_one_of_its_operators(cast, api, estates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = finished(start(api(cast.dealer_reader), "organization-validate", cast.operator_org))

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert boxes_in(job) and boxes_in(job) <= ids(cast.operator_org)
    # The operator sees the job its dealer started about its configuration.
    assert api(cast.operator).get(reverse("api:job-detail", args=[job.pk])).status_code == 200


def test_a_dealer_validates_all_its_operators_in_one_report(cast, api, estates, django_capture_on_commit_callbacks):
    third = make_org("Third operator", is_pos_operator=True)
    OperatorLink.objects.create(dealer=cast.dealer_org, operator=third, right=DealerRight.READ)
    spare_till(factories.outlet(third, 1), "Spare 4")
    revoked = make_org("Former customer", is_pos_operator=True)
    OperatorLink.objects.create(dealer=cast.dealer_org, operator=revoked, right=DealerRight.FULL, status=LinkStatus.REVOKED)
    spare_till(factories.outlet(revoked, 1), "Spare 5")

    with django_capture_on_commit_callbacks(execute=True):
        job = finished(start(api(cast.dealer), "organization-validate-operators", cast.dealer_org))

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.kind == "validate-operators" and job.organization == cast.dealer_org
    assert job.target_label == "All operators of Dealer A"
    found = boxes_in(job)
    assert found & ids(cast.operator_org) and found & ids(third)
    assert not found & ids(cast.operator2_org, revoked)
    machines = {f["object"]["machine"] for f in job.result["findings"] if f["code"] == "QUEUE-WITHOUT-SCU"}
    assert "Third operator · 1 Outlet 1 · Spare 4" in machines
    # The dealer's job: its members see it, its operators do not.
    assert api(cast.dealer_reader).get(reverse("api:job-detail", args=[job.pk])).status_code == 200
    assert api(cast.operator).get(reverse("api:job-detail", args=[job.pk])).status_code == 404


def test_an_operator_that_is_also_a_dealer_is_validated_without_its_own_operators(
    cast, api, estates, django_capture_on_commit_callbacks
):
    cast.operator_org.is_pos_dealer = True
    cast.operator_org.save()
    OperatorLink.objects.create(dealer=cast.operator_org, operator=cast.operator2_org, right=DealerRight.FULL)

    with django_capture_on_commit_callbacks(execute=True):
        job = finished(start(api(cast.dealer), "organization-validate", cast.operator_org))

    job.refresh_from_db()
    assert boxes_in(job) <= ids(cast.operator_org)  # dealer A may not see operator2's configuration


def test_asking_again_returns_the_same_job_until_a_cashbox_changes(cast, api, estates, django_capture_on_commit_callbacks):
    client = api(cast.dealer)
    with django_capture_on_commit_callbacks(execute=True):
        first = finished(start(client, "organization-validate-operators", cast.dealer_org))
        again = finished(start(client, "organization-validate-operators", cast.dealer_org))
    assert first.pk == again.pk

    box = CashBox.objects.filter(operator=cast.operator_org).first()
    box.description = "Renamed till"
    box.save()  # a new revision
    with django_capture_on_commit_callbacks(execute=True):
        newer = finished(start(client, "organization-validate-operators", cast.dealer_org))
    assert newer.pk != first.pk


def test_the_worker_checks_the_rights_of_the_organization_the_user_acted_for(
    cast, api, estates, django_capture_on_commit_callbacks
):
    # First a member of operator2 (which cannot see dealer A's operator), then of dealer A.
    user = User.objects.create_user("two-hats@test.example", PASSWORD)
    Membership.objects.create(user=user, organization=cast.operator2_org, right=MemberRight.ADMIN)
    Membership.objects.create(user=user, organization=cast.dealer_org, right=MemberRight.READ)

    with django_capture_on_commit_callbacks(execute=True):
        response = start(api(user), "organization-validate", cast.operator_org, HTTP_X_ORGANIZATION=str(cast.dealer_org.pk))
    job = finished(response)

    job.refresh_from_db()
    assert job.acting_for == cast.dealer_org
    assert job.status == "succeeded", job.error
    assert boxes_in(job) <= ids(cast.operator_org)


def test_a_job_whose_user_lost_the_right_fails_with_a_clear_message(cast, api, estates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = finished(start(api(cast.dealer), "organization-validate-operators", cast.dealer_org))
    Membership.objects.filter(user=cast.dealer, organization=cast.dealer_org).delete()
    for callback in callbacks:
        callback()

    job.refresh_from_db()
    assert job.status == "failed" and job.result is None
    assert job.error == "All operators of Dealer A is gone, or you may no longer see it."


@pytest.mark.parametrize(
    ("route", "target", "message"),
    [
        ("organization-validate", "dealer_org", "Dealer A is not a PosOperator: it has no configuration of its own."),
        ("organization-validate-operators", "operator_org", "Operator of A is not a PosDealer."),
    ],
)
def test_the_wrong_kind_of_organization_is_refused_with_its_reason(cast, api, route, target, message):
    response = start(api(cast.dealer), route, getattr(cast, target))

    assert response.status_code == 403
    assert response.json()["detail"] == message
    assert not Job.objects.exists()


def test_an_operators_member_may_not_validate_its_dealers_operators(cast, api):
    response = start(api(cast.operator), "organization-validate-operators", cast.dealer_org)

    assert response.status_code == 403
    assert response.json()["detail"] == "Only the members of Dealer A may validate all its operators."


# The pages


def test_the_operator_page_offers_validation_to_who_may_start_it(cast, browser_client, estates):
    page = browser_client(cast.dealer_reader).get(reverse("organization-detail", args=[cast.operator_org.pk]))
    assert reverse("organization-validate", args=[cast.operator_org.pk]) in page.content.decode()
    assert reverse("organization-validate-operators", args=[cast.operator_org.pk]) not in page.content.decode()

    own = browser_client(cast.dealer).get(reverse("organization-detail", args=[cast.dealer_org.pk])).content.decode()
    assert reverse("organization-validate-operators", args=[cast.dealer_org.pk]) in own
    assert reverse("organization-validate", args=[cast.dealer_org.pk]) not in own  # a dealer has no configuration


def test_the_operators_list_validates_each_operator_and_all_of_them(cast, browser_client, estates):
    page = browser_client(cast.dealer).get(reverse("operators")).content.decode()

    assert reverse("organization-validate-operators", args=[cast.dealer_org.pk]) in page
    assert reverse("organization-validate", args=[cast.operator_org.pk]) in page


def test_the_report_page_lists_the_machines_of_every_operator(cast, browser_client, estates, django_capture_on_commit_callbacks):
    client = browser_client(cast.dealer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organization-validate-operators", args=[cast.dealer_org.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job-detail", args=[job.pk])

    page = client.get(response["Location"]).content.decode()
    assert "Validation: All operators of Dealer A" in page
    assert "Operator of A · 1 Outlet 1 · Spare 1" in page
    assert "Operator of A · 3 Second outlet · Spare 2" in page
