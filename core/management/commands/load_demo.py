"""``python manage.py load_demo``: the demo curriculum and demo accounts (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from courses.demo.loader import load_demo_courses


class Command(BaseCommand):
    help = "Create or refresh the demo courses (six languages) and the demo accounts."

    def handle(self, *args, **options):
        if getattr(settings, "CUSTODIA_PRODUCTION", False):
            raise CommandError("load_demo refuses to run with the production settings: it creates known passwords.")
        try:
            courses = load_demo_courses()
        except ValueError as error:
            raise CommandError(f"The demo content is not valid:\n{error}") from error
        accounts = ensure_demo_accounts()
        for course in courses:
            self.stdout.write(f"Course: {course.title_en} ({', '.join(course.language_codes)})")
        self.stdout.write(self.style.SUCCESS(f"{len(courses)} demo courses ready."))
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for email, role in accounts:
            self.stdout.write(f"  {email:<24} {role}")
