"""Re-evaluate completion rules, e.g. after a trainer changed them: ``manage.py learning_reevaluate [--course ID]``."""

from django.core.management.base import BaseCommand

from courses.models import CoursePage
from learning.completion import reevaluate_course


class Command(BaseCommand):
    help = "Record course completions for learners who now meet the completion rules."

    def add_arguments(self, parser):
        parser.add_argument("--course", type=int, action="append", help="Course page id (repeatable); default all.")

    def handle(self, *args, course=None, **options):
        courses = CoursePage.objects.all()
        if course:
            courses = courses.filter(pk__in=course)
        total = 0
        for item in courses.order_by("path"):
            count = reevaluate_course(item)
            total += count
            self.stdout.write(f"{item.pk} {item.title}: {count} new completion(s)")
        self.stdout.write(self.style.SUCCESS(f"{total} new completion(s) in all"))
