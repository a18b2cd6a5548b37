"""python manage.py finish_overdue_attempts: finish abandoned attempts past their deadline (for cron)."""

from django.core.management.base import BaseCommand

from assessments.engine import finish_overdue_attempts


class Command(BaseCommand):
    help = "Finish and grade quiz attempts whose time ran out, from their last saved answers."

    def handle(self, *args, **options):
        count = finish_overdue_attempts()
        self.stdout.write(f"Finished {count} overdue attempt(s).")
