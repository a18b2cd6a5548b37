"""python manage.py import_questions FILE [--category NAME] [--language CODE] [--skip-unsupported]

The format (GIFT or Moodle XML) is told by the content, and files are read as Moodle reads them. A
file with any error is rejected whole: every error is listed with its line, nothing is imported, and
the command exits with status 1. Questions of kinds Custodia does not import (essays, descriptions…)
reject the file too, unless ``--skip-unsupported``: then the others are imported and each skipped one
is listed with its line and reason. Large files are saved in batches, with progress on stderr.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.formats.common import ImportFailed
from assessments.formats.importer import detect_format, import_questions
from assessments.imports import background_threshold


class Command(BaseCommand):
    help = "Import questions from a GIFT or Moodle XML file into the question bank."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--category", default=None, help="Parent category (default: Imported).")
        parser.add_argument("--language", default="en", help="Language of the file's texts (default: en).")
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Import the supported questions and list the skipped ones (default: reject the whole file).",
        )

    def handle(self, *args, file, category, language, skip_unsupported, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        content = path.read_bytes()

        def progress(done, total):
            self.stderr.write(f"{path.name}: saved {done} of {total} question(s)")

        try:
            result = import_questions(
                content,
                category=category,
                language=language,
                skip_unsupported=skip_unsupported,
                progress=progress if len(content) > background_threshold() else None,
            )
        except ImportFailed as failure:
            for line in failure.lines():
                self.stderr.write(f"{path.name}: {line}")
            raise CommandError(f"{path.name}: rejected, nothing imported ({len(failure.errors)} problem(s))") from None
        for where, reason in result.skipped:
            self.stdout.write(f"{path.name}: skipped {where}: {reason}")
        fmt = "Moodle XML" if detect_format(content) == "moodle_xml" else "GIFT"
        skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(result.questions)} question(s) from {path.name} ({fmt}){skipped}.")
        )
