"""Re-evaluate completions when results arrive or a course's rules change."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from courses.models import CoursePage, LessonPage
from learning.models import ActivityResult


@receiver(post_save, sender=ActivityResult)
def activity_result_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from learning.services import on_activity_result_created

        on_activity_result_created(instance)


@receiver(page_published)
def course_rules_published(sender, instance, **kwargs):
    """A published course (rules, sequencing) or lesson (optional or not) may complete learners: re-check."""
    if not isinstance(instance, CoursePage | LessonPage):
        return
    course = instance if isinstance(instance, CoursePage) else CoursePage.objects.ancestor_of(instance).first()
    if course is None:
        return
    from learning.tasks import reevaluate_course_task

    transaction.on_commit(lambda: reevaluate_course_task.enqueue(course.pk))
