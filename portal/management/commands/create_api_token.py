from django.core.management.base import BaseCommand, CommandError

from portal.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for a user and print it; the last word of the output is the token."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        _token, key = ApiToken.issue(user, name)
        self.stdout.write(f"API token for {user.email}: {key}")
