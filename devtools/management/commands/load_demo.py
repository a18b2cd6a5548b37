"""``python manage.py load_demo``: demo courses, accounts, assessments and a certificate.

Each app contributes one idempotent step, listed in ``settings.CUSTODIA_DEMO_STEPS`` in
dependency order. It lives in ``devtools``, above every app, so no app refers upward to it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create or refresh the demo data: six-language courses, accounts, assessments, a certificate."

    def handle(self, *args, **options):
        if getattr(settings, "CUSTODIA_PRODUCTION", False):
            raise CommandError("load_demo refuses to run with the production settings: it creates known passwords.")
        with translation.override(settings.LANGUAGE_CODE):
            try:
                with transaction.atomic():
                    for path in settings.CUSTODIA_DEMO_STEPS:
                        for line in import_string(path)() or []:
                            self.stdout.write(line)
            except ValueError as error:
                raise CommandError(f"The demo data is not valid:\n{error}") from error
        self.stdout.write(self.style.SUCCESS("Demo ready: http://127.0.0.1:8000/"))
