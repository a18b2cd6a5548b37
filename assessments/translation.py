"""Fields translated into the six platform languages (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from assessments.models import Choice, Competency, Question, QuestionCategory, QuizPage


@register(QuestionCategory)
class QuestionCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Competency)
class CompetencyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "general_feedback", "explanation", "units")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("text", "match_text", "feedback")


@register(QuizPage)
class QuizPageTranslation(TranslationOptions):
    fields = ("introduction",)
