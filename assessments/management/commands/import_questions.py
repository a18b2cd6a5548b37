"""python manage.py import_questions FILE [--category NAME] [--language CODE]

The format (GIFT or Moodle XML) is told by the content. A file with any error is rejected whole:
every error is listed with its line, nothing is imported, and the command exits with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.formats.common import ImportFailed
from assessments.formats.importer import detect_format, import_questions


class Command(BaseCommand):
    help = "Import questions from a GIFT or Moodle XML file into the question bank."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--category", default=None, help="Parent category (default: Imported).")
        parser.add_argument("--language", default="en", help="Language of the file's texts (default: en).")

    def handle(self, *args, file, category, language, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        content = path.read_bytes()
        try:
            created = import_questions(content, category=category, language=language)
        except ImportFailed as failure:
            for line in failure.lines():
                self.stderr.write(f"{path.name}: {line}")
            raise CommandError(f"{path.name}: rejected, nothing imported ({len(failure.errors)} error(s))") from None
        fmt = "Moodle XML" if detect_format(content) == "moodle_xml" else "GIFT"
        self.stdout.write(self.style.SUCCESS(f"Imported {len(created)} question(s) from {path.name} ({fmt})."))
