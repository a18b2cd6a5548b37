"""Background work (django-tasks): finishing abandoned attempts once their deadline has passed."""

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
