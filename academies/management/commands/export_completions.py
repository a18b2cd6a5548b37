"""python manage.py export_completions --format csv|xlsx|json --output PATH [--academy SLUG] [filters]"""

from django.core.management.base import BaseCommand, CommandError

from academies import exports
from core.visibility import visible
from learning.models import CourseCompletion
from organisations.access import InAcademy
from organisations.models import Academy


class Command(BaseCommand):
    help = "Export completion records (the columns of docs/exports.md), streamed to a file."
    # No system checks: they import every URL and view (~7 MB) for a command that needs none of them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--academy", help="Slug: only this academy's officers (default: everyone).")
        parser.add_argument("--course", type=int)
        parser.add_argument("--unit")
        parser.add_argument("--since", help="YYYY-MM-DD")
        parser.add_argument("--until", help="YYYY-MM-DD")
        parser.add_argument("--status", choices=["valid", "expired"])

    def handle(self, *args, **options):
        try:
            filters = exports.Filters.parse(options)
        except exports.FilterError as error:
            raise CommandError(str(error)) from None
        academy = None
        completions = exports.all_completions()
        if options["academy"]:
            academy = Academy.objects.filter(slug=options["academy"]).first()
            if academy is None:
                raise CommandError(f"No academy with the slug {options['academy']!r}.")
            completions = visible(InAcademy(academy=academy), CourseCompletion, "export")
        exports.write(exports.iter_rows(completions, academy, filters), options["format"], options["output"])
        self.stdout.write(f"Wrote {options['output']}.")
