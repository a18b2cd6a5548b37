"""Keep each course's list of complete languages current as pages are published or removed."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from courses.models import CoursePage, LessonPage, ModulePage
from courses.translation_status import complete_languages
from courses.tree import course_of


def refresh_available_languages(course):
    codes = complete_languages(course)
    CoursePage.objects.filter(pk=course.pk).update(available_languages="," + ",".join(codes) + ",")


@receiver(page_published)
@receiver(page_unpublished)
def on_page_changed(sender, instance, **kwargs):
    if isinstance(instance, CoursePage | ModulePage | LessonPage) and (course := course_of(instance)):
        refresh_available_languages(course)


@receiver(post_delete, sender=LessonPage)
@receiver(post_delete, sender=ModulePage)
def on_page_deleted(sender, instance, **kwargs):
    course = course_of(instance)
    if course is not None:
        refresh_available_languages(course)
