"""Background work (django-tasks): finishing abandoned attempts once their deadline has passed; importing
large question files."""

from django_tasks import task


@task()
def finish_attempt_if_overdue(attempt_id):
    """Deferred to the attempt's deadline (plus grace) when it starts; finishes it from its saved answers."""
    from assessments.engine import finish_if_overdue
    from assessments.models import Attempt

    if not Attempt.objects.filter(pk=attempt_id).exists():
        return None
    return finish_if_overdue(attempt_id).state


@task()
def finish_overdue_attempts_task():
    """The sweep (also ``manage.py finish_overdue_attempts`` for cron): every overdue attempt."""
    from assessments.engine import finish_overdue_attempts

    return finish_overdue_attempts()


@task()
def run_question_import(import_id):
    """A large question file, imported in the background; progress and outcome on its ``QuestionImport``."""
    from assessments.imports import run_import

    return run_import(import_id)


@task()
def update_question_references(question_ids):
    """Wagtail's reference index for imported questions (their categories, tags), updated once per import
    instead of one task per saved question."""
    from wagtail.models import ReferenceIndex

    from assessments.models import Question

    for question in Question.objects.filter(pk__in=question_ids).select_related("category"):
        ReferenceIndex.create_or_update_for_object(question)
    return len(question_ids)
