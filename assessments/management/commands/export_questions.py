"""python manage.py export_questions [--format gift|xml] [--category NAME] [--language CODE] [-o FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.engine import category_ids
from assessments.formats.importer import export_questions
from assessments.models import Question, QuestionCategory


class Command(BaseCommand):
    help = "Export questions of the bank as GIFT or Moodle XML."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["gift", "xml"], default="xml")
        parser.add_argument("--category", default=None, help="Only this category (slug or name) and its children.")
        parser.add_argument("--language", default="en")
        parser.add_argument("-o", "--output", default=None, help="File to write (default: standard output).")

    def handle(self, *args, format, category, language, output, **options):
        questions = Question.objects.select_related("category")  # choices and competencies: in bulk by the export
        if category:
            root = (
                QuestionCategory.objects.filter(slug=category).first()
                or QuestionCategory.objects.filter(name_en=category).first()
            )
            if root is None:
                raise CommandError(f"No category “{category}”.")
            questions = questions.filter(category_id__in=category_ids(root.pk))
        text = export_questions(questions, "moodle_xml" if format == "xml" else "gift", language)
        if output:
            Path(output).write_text(text, "utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {questions.count()} question(s) to {output}."))
        else:
            self.stdout.write(text, ending="")
