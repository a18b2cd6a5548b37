"""Forward undelivered outbox statements to the academies' LRS (safe to re-run after a crash)."""

from django.core.management.base import BaseCommand

from academies.lrs import forward_all
from organisations.models import Academy


class Command(BaseCommand):
    help = "Queue and send xAPI statements of academies' officers to their LRS, with retries and back-off."

    def add_arguments(self, parser):
        parser.add_argument("--academy", help="Slug: only this academy.")

    def handle(self, *args, **options):
        academy_id = None
        if options["academy"]:
            academy_id = Academy.objects.values_list("pk", flat=True).get(slug=options["academy"])
        sent, failed = forward_all(academy_id)
        self.stdout.write(f"Delivered {sent} statements; {failed} to retry.")
