"""A PosDealer invites many PosOperators from a CSV file: all rows, or none."""

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.choices import DealerRight, InvitationStatus
from portal.models import Invitation, User
from portal.services import csv_import

ROWS = [
    {
        "AccountName": "Café Eins GmbH",
        "AccountEmail": "info@eins.example",
        "AccountAddressLine1": "Domplatz 1",
        "AccountPostalCode": "50667",
        "AccountCity": "Köln",
        "AccountCountry": "DE",
        "ContactFirstName": "Eva",
        "ContactLastName": "Eins",
        "ContactEmail": "eva@eins.example",
    },
    {
        "AccountName": "Bäckerei Zwei",
        "AccountEmail": "info@zwei.example",
        "AccountCountry": "AT",
        "ContactFirstName": "Zoë",
        "ContactLastName": "Zwei",
        "ContactEmail": "zoe@zwei.example",
    },
    {
        "AccountName": "Trois SARL",
        "AccountEmail": "info@trois.example",
        "AccountCountry": "FR",
        "ContactFirstName": "Théo",
        "ContactLastName": "Trois",
        "ContactEmail": "theo@trois.example",
    },
]
CONTACTS = {"eva@eins.example", "zoe@zwei.example", "theo@trois.example"}


def make_csv(rows=ROWS, delimiter=";", encoding="utf-8", columns=None):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or list(csv_import.COLUMNS), delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def with_row(index, **changes):
    """ROWS with one row changed; a value of None removes the column's value."""
    rows = [dict(row) for row in ROWS]
    rows[index].update({key: ("" if value is None else value) for key, value in changes.items()})
    return rows


@pytest.fixture
def run_import(cast, django_capture_on_commit_callbacks):
    """run_import(raw, dealer_right="full") -> the report; e-mails are sent as after a commit."""

    def run(raw, dealer_right=DealerRight.FULL):
        with django_capture_on_commit_callbacks(execute=True):
            return csv_import.import_operators(raw, cast.dealer_org, cast.dealer, "http://testserver/", dealer_right)

    return run


# Good files


@pytest.mark.smoke
@pytest.mark.parametrize(
    "delimiter, encoding",
    [(";", "utf-8"), (",", "utf-8"), ("\t", "utf-8"), (";", "utf-8-sig"), (",", "utf-8-sig"), (";", "cp1252")],
    ids=["semicolon", "comma", "tab", "utf8-bom", "comma-utf8-bom", "cp1252"],
)
def test_good_file_invites_every_operator(cast, run_import, delimiter, encoding):
    report = run_import(make_csv(delimiter=delimiter, encoding=encoding), DealerRight.WRITE)

    assert report.ok, (report.errors, [row.errors for row in report.rows])
    assert report.imported == 3
    invitations = Invitation.objects.order_by("company_name")
    assert [i.company_name for i in invitations] == ["Bäckerei Zwei", "Café Eins GmbH", "Trois SARL"]
    assert {i.email for i in invitations} == CONTACTS
    assert {i.inviter for i in invitations} == {cast.dealer_org}
    assert {i.dealer_right for i in invitations} == {DealerRight.WRITE}
    assert {i.status for i in invitations} == {InvitationStatus.PENDING}
    eins = Invitation.objects.get(email="eva@eins.example")
    assert (eins.account_email, eins.city, eins.postal_code, eins.country, eins.contact_last_name) == (
        "info@eins.example",
        "Köln",
        "50667",
        "DE",
        "Eins",
    )
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(CONTACTS)
    assert all("/invite/" in message.body for message in mail.outbox)


def test_country_codes_in_lower_case_and_padded_cells_are_accepted(cast, run_import):
    report = run_import(make_csv(with_row(0, AccountCountry=" de ", ContactEmail="  Eva@Eins.Example ")))

    assert report.ok, [row.errors for row in report.rows]
    invitation = Invitation.objects.get(company_name="Café Eins GmbH")
    assert (invitation.country, invitation.email) == ("DE", "eva@eins.example")


def test_empty_rows_are_skipped(cast, run_import):
    raw = make_csv(ROWS[:1] + [{}] + ROWS[1:]) + b"\n;;;;\n"

    report = run_import(raw)

    assert report.ok
    assert report.imported == 3


def test_every_invitation_of_an_import_has_its_history(cast, run_import):
    run_import(make_csv())

    for invitation in Invitation.objects.all():
        assert [event.kind for event in invitation.events.all()] == ["created", "sent"]


# Files with a bad row: nothing is created


@pytest.mark.smoke
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ContactEmail": None}, "ContactEmail is required."),
        ({"AccountName": None}, "AccountName is required."),
        ({"AccountEmail": None}, "AccountEmail is required."),
        ({"ContactFirstName": None}, "ContactFirstName is required."),
        ({"AccountCountry": None}, "AccountCountry is required."),
        ({"AccountCountry": "XX"}, "AccountCountry: Select a valid choice."),
        ({"ContactEmail": "zoe-at-zwei.example"}, "ContactEmail: Enter a valid email address."),
        ({"AccountEmail": "info@"}, "AccountEmail: Enter a valid email address."),
        ({"ContactEmail": "EVA@eins.example"}, "ContactEmail repeats line 2."),
        ({"ContactEmail": "operator@test.example"}, "This e-mail address already exists."),
    ],
    ids=[
        "missing-contact-email",
        "missing-account-name",
        "missing-account-email",
        "missing-first-name",
        "missing-country",
        "bad-country",
        "bad-contact-email",
        "bad-account-email",
        "duplicate-in-file",
        "existing-user",
    ],
)
def test_one_bad_row_creates_nothing_and_is_reported_with_its_line(cast, run_import, changes, message):
    report = run_import(make_csv(with_row(1, **changes)))

    assert not report.ok
    assert report.imported == 0
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert [row.line for row in report.rows] == [2, 3, 4]
    assert report.rows[0].ok and report.rows[2].ok
    bad = report.rows[1]
    assert len(bad.errors) == 1, bad.errors
    assert bad.errors[0].startswith(message), bad.errors


def test_address_with_an_open_invitation_is_reported(cast, run_import):
    assert run_import(make_csv(ROWS[:1])).ok
    mail.outbox.clear()

    report = run_import(make_csv())

    assert not report.ok
    assert "open invitation" in report.rows[0].errors[0]
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_every_bad_row_is_reported_with_its_own_line_and_messages(cast, run_import):
    rows = [dict(row) for row in ROWS] + [dict(ROWS[0], ContactEmail="eva@eins.example", AccountName="Copy")]
    rows[0].update(AccountCountry="Germany")
    rows[2].update(ContactEmail="", ContactLastName="")

    report = run_import(make_csv(rows))

    by_line = {row.line: row.errors for row in report.rows}
    assert by_line[2] == ["AccountCountry: Select a valid choice. GERMANY is not one of the available choices."]
    assert by_line[3] == []
    assert by_line[4] == ["ContactLastName is required.", "ContactEmail is required."]
    assert by_line[5] == ["ContactEmail repeats line 2."]
    assert not Invitation.objects.exists()


def test_line_numbers_are_those_of_the_file_even_after_an_empty_row(cast, run_import):
    header, first, second, third = make_csv(with_row(2, AccountCountry="XX")).decode().splitlines()
    raw = "\n".join([header, first, ";;;;;;", second, "", third]).encode()

    report = run_import(raw)

    assert [row.line for row in report.rows] == [2, 4, 6]
    assert report.rows[2].errors[0].startswith("AccountCountry:")


def test_missing_columns_are_named_and_nothing_is_read(cast, run_import):
    columns = [name for name in csv_import.COLUMNS if name not in ("ContactEmail", "AccountCountry")]

    report = run_import(make_csv(columns=columns))

    assert report.errors == ["Missing columns: AccountCountry, ContactEmail."]
    assert report.rows == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "raw", [b"", b"\n\n", b"\xef\xbb\xbf", make_csv(rows=[])], ids=["zero-bytes", "blank-lines", "bom", "header"]
)
def test_a_file_without_rows_is_reported(cast, run_import, raw):
    report = run_import(raw)

    assert report.errors == ["The file has no rows."]
    assert not report.ok
    assert not Invitation.objects.exists()


def test_a_binary_file_is_reported(cast, run_import):
    report = run_import(b"\x81\x8d\x8f\x90\x9d" * 10)

    assert report.errors == ["The file is not text in UTF-8."]


def test_a_file_of_more_than_2_mb_is_refused(cast, run_import):
    report = run_import(make_csv() + b"x" * (2 * 1024 * 1024))

    assert report.errors == ["The file is larger than 2 MB."]
    assert not Invitation.objects.exists()


# The upload page


def upload(name="operators.csv", raw=None):
    return SimpleUploadedFile(name, make_csv() if raw is None else raw, content_type="text/csv")


@pytest.mark.smoke
def test_dealer_uploads_a_good_file_and_everyone_is_invited(cast, browser_client, django_capture_on_commit_callbacks):
    browser = browser_client(cast.dealer)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/invitations/import/", {"file": upload(), "dealer_right": DealerRight.READ})

    assert response.status_code == 200
    assert "3 invitations sent." in response.content.decode()
    assert Invitation.objects.count() == 3
    assert {i.dealer_right for i in Invitation.objects.all()} == {DealerRight.READ}
    assert len(mail.outbox) == 3


@pytest.mark.smoke
def test_uploaded_file_with_a_bad_row_shows_the_report_and_creates_nothing(
    cast, browser_client, django_capture_on_commit_callbacks
):
    browser = browser_client(cast.dealer)
    raw = make_csv(with_row(2, ContactEmail="not-an-address"), delimiter=",", encoding="cp1252")

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/invitations/import/", {"file": upload(raw=raw), "dealer_right": DealerRight.FULL})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert "<td>4</td><td>Trois SARL</td>" in html
    assert "ContactEmail: Enter a valid email address." in html
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_uploaded_file_without_the_needed_columns_is_reported(cast, browser_client):
    raw = make_csv(columns=["AccountName", "AccountEmail", "AccountCountry", "ContactFirstName", "ContactLastName"])

    response = browser_client(cast.dealer).post("/invitations/import/", {"file": upload(raw=raw), "dealer_right": "full"})

    assert response.status_code == 400
    assert "Missing columns: ContactEmail." in response.content.decode()
    assert not Invitation.objects.exists()


def test_uploading_an_empty_file_gives_a_form_error(cast, browser_client):
    response = browser_client(cast.dealer).post("/invitations/import/", {"file": upload(raw=b""), "dealer_right": "full"})

    assert response.context["form"].errors["file"]
    assert not Invitation.objects.exists()


def test_uploading_needs_a_valid_right(cast, browser_client):
    response = browser_client(cast.dealer).post("/invitations/import/", {"file": upload(), "dealer_right": "everything"})

    assert response.context["form"].errors["dealer_right"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["operator", "dealer_reader", "creator"])
def test_only_dealers_with_write_right_may_import(cast, browser_client, who):
    browser = browser_client(getattr(cast, who))

    assert browser.get("/invitations/import/").status_code == 403
    assert browser.post("/invitations/import/", {"file": upload(), "dealer_right": "full"}).status_code == 403
    assert not Invitation.objects.exists()


def test_existing_user_in_the_file_blocks_the_whole_import(cast, browser_client):
    User.objects.create_user("zoe@zwei.example", "whatever-password-1")

    response = browser_client(cast.dealer).post("/invitations/import/", {"file": upload(), "dealer_right": "full"})

    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert not Invitation.objects.exists()


# The demo file


def test_the_template_csv_round_trips_through_the_importer(cast, browser_client, run_import):
    response = browser_client(cast.dealer).get("/invitations/import/template.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode().splitlines()[0].split(";")
    assert header == list(csv_import.COLUMNS)
    report = run_import(response.content)
    assert report.ok, [row.errors for row in report.rows]
    assert report.imported == 1
    invitation = Invitation.objects.get()
    assert (invitation.company_name, invitation.email, invitation.city, invitation.vat_id) == (
        "Café Beispiel GmbH",
        "erika@cafe.example",
        "Berlin",
        "DE123456789",
    )
    assert mail.outbox[0].to == ["erika@cafe.example"]


def test_the_downloaded_template_can_be_uploaded_as_it_is(cast, browser_client):
    browser = browser_client(cast.dealer)
    raw = browser.get("/invitations/import/template.csv").content

    response = browser.post("/invitations/import/", {"file": upload(raw=raw), "dealer_right": "full"})

    assert response.status_code == 200
    assert Invitation.objects.get().company_name == "Café Beispiel GmbH"
