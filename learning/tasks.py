"""Background work (django-tasks): re-evaluating a course's learners after its rules changed."""

from django_tasks import task


@task()
def reevaluate_course_task(course_id):
    from courses.models import CoursePage
    from learning.completion import reevaluate_course

    course = CoursePage.objects.filter(pk=course_id).first()
    return reevaluate_course(course) if course is not None else 0
