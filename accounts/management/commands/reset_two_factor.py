"""Remove a staff member's authenticator and recovery codes (lost phone and codes): they enrol again
at their next privileged page."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.twofactor import remove_two_factor


class Command(BaseCommand):
    help = "Delete the TOTP authenticators and recovery codes of the given user (by e-mail address)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {options['email']!r}.")
        deleted = remove_two_factor(user)
        self.stdout.write(f"Removed {deleted} authenticator(s) and the recovery codes of {user.email}.")
