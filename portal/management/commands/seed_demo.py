"""A demo world for a first look. Idempotent: running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.choices import DealerRight, LinkStatus, MemberRight
from portal.models import DealerAssignment, Membership, OperatorLink, Organization, PosSystem, User

PASSWORD = "demo-password"  # noqa: S105 - demo data, refused without DEBUG

ORGANIZATIONS = {
    "creator": dict(
        name="Kassensoft GmbH", city="Hamburg", postal_code="20095", address_line1="Jungfernstieg 1", is_pos_creator=True
    ),
    "dealer": dict(
        name="Kassenhaus Nord GmbH", city="Bremen", postal_code="28195", address_line1="Am Markt 5", is_pos_dealer=True
    ),
    "dealer2": dict(name="Kassen Süd AG", city="München", postal_code="80331", address_line1="Marienplatz 2", is_pos_dealer=True),
    "operator": dict(
        name="Café Sonnenschein",
        city="Berlin",
        postal_code="10115",
        address_line1="Invalidenstraße 10",
        is_pos_operator=True,
        vat_id="DE123456789",
    ),
    "operator2": dict(
        name="Bäckerei Morgenrot", city="Augsburg", postal_code="86150", address_line1="Maximilianstraße 3", is_pos_operator=True
    ),
}
PEOPLE = [
    ("creator@example.com", "creator", "Clara", "Creator"),
    ("dealer@example.com", "dealer", "Dieter", "Dealer"),
    ("dealer2@example.com", "dealer2", "Doris", "Dealer"),
    ("operator@example.com", "operator", "Otto", "Operator"),
    ("operator2@example.com", "operator2", "Olga", "Operator"),
]


class Command(BaseCommand):
    help = "Create the demo organizations and users (password: demo-password). Refuses to run without DEBUG."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on a real installation)")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a known password: it only runs with DEBUG on.")
        orgs = {}
        for key, fields in ORGANIZATIONS.items():
            orgs[key], _ = Organization.objects.get_or_create(name=fields["name"], defaults=dict(fields, country="DE"))
        for email, key, first, last in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, PASSWORD, first_name=first, last_name=last)
            Membership.objects.get_or_create(user=user, organization=orgs[key], defaults={"right": MemberRight.ADMIN})
        pos_system, _ = PosSystem.objects.get_or_create(
            creator=orgs["creator"], name="KassenPro", defaults=dict(brand="Kassensoft", type="Gastronomy", software_version="5")
        )
        for dealer in ("dealer", "dealer2"):
            DealerAssignment.objects.get_or_create(
                pos_system=pos_system, dealer=orgs[dealer], defaults={"status": LinkStatus.ACTIVE}
            )
        OperatorLink.objects.get_or_create(
            dealer=orgs["dealer"], operator=orgs["operator"], defaults={"right": DealerRight.FULL, "status": LinkStatus.ACTIVE}
        )
        OperatorLink.objects.get_or_create(
            dealer=orgs["dealer2"], operator=orgs["operator2"], defaults={"right": DealerRight.WRITE, "status": LinkStatus.ACTIVE}
        )
        for hook in seed_hooks:
            hook(orgs, self.stdout)
        self.stdout.write(f"Demo logins (password: {PASSWORD}):")
        for email, key, _first, _last in PEOPLE:
            self.stdout.write(f"  {email:<24} {orgs[key].name} ({', '.join(orgs[key].roles)})")


# Other apps add their demo data here (cashboxes adds outlets and CashBoxes), so the core
# does not import them.
seed_hooks = []
