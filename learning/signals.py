"""Re-evaluate completions when results arrive or a course's tree or rules change."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.tree import course_of
from learning.models import ActivityResult


@receiver(post_save, sender=ActivityResult)
def activity_result_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from learning.results import on_activity_result_created

        on_activity_result_created(instance)


def _reevaluate_later(*courses):
    """After the commit, a task re-checks the learners of each course: the rules or the lessons changed."""
    from learning.tasks import reevaluate_course_task

    for course_id in {course.pk for course in courses if course is not None}:
        transaction.on_commit(lambda course_id=course_id: reevaluate_course_task.enqueue(course_id))


@receiver(page_published)
@receiver(page_unpublished)
def course_tree_changed(sender, instance, **kwargs):
    """Publishing or unpublishing any page of a course (the course, a module, a lesson, an activity)
    changes its lessons or rules: learners who now meet them get their completion. A completion
    already recorded stays, whatever is unpublished later."""
    _reevaluate_later(course_of(instance))


@receiver(post_page_move)
def course_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A page moved between (or within) courses changes the lessons of both."""
    _reevaluate_later(course_of(parent_page_before), course_of(instance))
