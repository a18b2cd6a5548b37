"""Fields translated into the six platform languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage, Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)


@register(CourseIndexPage)
class CourseIndexPageTranslation(TranslationOptions):
    fields = ("introduction",)


@register(CoursePage)
class CoursePageTranslation(TranslationOptions):
    fields = ("summary", "learning_objectives", "prerequisites", "sensitivity_notice", "cover_image_alt")


@register(ModulePage)
class ModulePageTranslation(TranslationOptions):
    fields = ("introduction",)


@register(LessonPage)
class LessonPageTranslation(TranslationOptions):
    fields = ("summary", "body")
