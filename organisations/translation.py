"""The academy's name in the six platform languages."""

from modeltranslation.translator import TranslationOptions, register

from organisations.models import Academy


@register(Academy)
class AcademyTranslation(TranslationOptions):
    fields = ("name",)
