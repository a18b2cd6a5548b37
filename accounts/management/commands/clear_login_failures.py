"""Lift a sign-in lockout early: ``manage.py clear_login_failures officer@example.org`` (or an IP)."""

from django.core.management.base import BaseCommand
from django.db.models import Q

from accounts.models import LoginFailure
from accounts.throttle import normalize_username, valid_ip


class Command(BaseCommand):
    help = "Forget failed sign-in attempts for the given e-mail addresses or IP addresses (all with --all)."

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="*", help="e-mail addresses or IP addresses")
        parser.add_argument("--all", action="store_true", help="forget every failed attempt")

    def handle(self, *targets, **options):
        targets = options["targets"]
        if options["all"]:
            queryset = LoginFailure.objects.all()
        elif targets:
            query = Q()
            for target in targets:
                query |= Q(ip_address=target) if valid_ip(target) else Q(username=normalize_username(target))
            queryset = LoginFailure.objects.filter(query)
        else:
            self.stderr.write("Name at least one e-mail or IP address, or use --all.")
            return
        deleted, _ = queryset.delete()
        self.stdout.write(f"Forgot {deleted} failed sign-in attempt(s).")
