"""Bulk invitation of PosOperators from a CSV file, all or nothing.

Every row is validated with the same form as a single invitation. Only when every row is good
are the invitations created (in one transaction) and sent; otherwise nothing is created and the
report says, per row, what to fix.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from portal.forms import InvitationForm
from portal.services import invitations
from portal.services.invitations import InvitationError

# CSV column -> invitation field; the columns of the fiskaltrust demo file.
COLUMNS = {
    "AccountName": "company_name",
    "AccountEmail": "account_email",
    "AccountAddressLine1": "address_line1",
    "AccountAddressLine2": "address_line2",
    "AccountPostalCode": "postal_code",
    "AccountCity": "city",
    "AccountCountry": "country",
    "AccountWeb": "web",
    "AccountPhone": "phone",
    "AccountUStIdNr": "vat_id",
    "AccountStIdNr": "tax_number",
    "ContactFirstName": "contact_first_name",
    "ContactLastName": "contact_last_name",
    "ContactEmail": "email",
    "ContactTitle": "contact_title",
    "ContactMobilePhone": "contact_mobile_phone",
}
REQUIRED = ["AccountName", "AccountEmail", "AccountCountry", "ContactFirstName", "ContactLastName", "ContactEmail"]
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class RowReport:
    line: int
    company: str
    email: str
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # problems with the file itself
    imported: int = 0

    @property
    def ok(self):
        return not self.errors and all(row.ok for row in self.rows)


def template_csv():
    """A demo file with the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "Café Beispiel GmbH",
            "info@cafe.example",
            "Hauptstraße 1",
            "",
            "10115",
            "Berlin",
            "DE",
            "",
            "",
            "DE123456789",
            "",
            "Erika",
            "Muster",
            "erika@cafe.example",
            "",
            "",
        ]
    )
    return out.getvalue()


def _decode(raw):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse(raw):
    """Read the file into (rows as (line number in the file, dict), file errors)."""
    if len(raw) > MAX_BYTES:
        return [], [_("The file is larger than 2 MB.")]
    text = _decode(raw)
    if text is None:
        return [], [_("The file is not text in UTF-8.")]
    if not text.strip():
        return [], [_("The file has no rows.")]
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]
    reader.fieldnames = header
    # Empty rows are skipped, but the line numbers stay those of the file, for the report.
    rows = [
        (reader.line_num, row) for row in reader if any((value or "").strip() for value in row.values() if isinstance(value, str))
    ]
    if not rows:
        return [], [_("The file has no rows.")]
    if len(rows) > MAX_ROWS:
        return [], [_("At most %(count)d rows per file.") % {"count": MAX_ROWS}]
    return rows, []


def _required_message(column):
    return _("%(column)s is required.") % {"column": column}


def validate(rows, inviter, dealer_right):
    """Validate every row; returns (report, cleaned field dicts)."""
    report, cleaned = ImportReport(), []
    seen = {}
    for line, row in rows:
        values = {COLUMNS[col]: (row.get(col) or "").strip() for col in COLUMNS}
        values["country"] = values["country"].upper()
        values["dealer_right"] = dealer_right
        entry = RowReport(line=line, company=values["company_name"], email=values["email"])
        for column in REQUIRED:
            if not (row.get(column) or "").strip():
                entry.errors.append(_required_message(column))
        form = InvitationForm(values)
        if form.is_valid():
            try:
                invitations.check_email_free(form.cleaned_data["email"], inviter)
            except InvitationError as error:
                entry.errors.append(str(error))
        else:
            reverse_columns = {value: key for key, value in COLUMNS.items()}
            for name, messages in form.errors.items():
                column = reverse_columns.get(name, name)
                if column in REQUIRED and not values.get(name):
                    continue  # already said "is required"
                entry.errors.extend(f"{column}: {message}" for message in messages)
        email = values["email"].lower()
        if email and email in seen:
            entry.errors.append(_("ContactEmail repeats line %(line)d.") % {"line": seen[email]})
        seen.setdefault(email, line)
        report.rows.append(entry)
        cleaned.append(form.cleaned_data if form.is_valid() else None)
    return report, cleaned


def import_operators(raw, inviter, user, base_url, dealer_right="full"):
    """Validate the file and, when every row is good, invite every operator in it."""
    rows, file_errors = parse(raw)
    if file_errors:
        return ImportReport(errors=file_errors)
    report, cleaned = validate(rows, inviter, dealer_right)
    if not report.ok:
        return report
    created = []
    with transaction.atomic():
        for fields in cleaned:
            created.append(invitations.create_invitation(inviter, user, fields))
    for invitation, token in created:
        invitations.send(invitation, token, user, base_url)
    report.imported = len(created)
    return report
