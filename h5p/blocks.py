"""The H5P lesson-body block, registered with ``courses`` through the ``register_lesson_body_blocks`` hook."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from elearning.languages import django_languages
from h5p.models import H5PPackage


class H5PTranslationBlock(blocks.StructBlock):
    """The same H5P activity in another language."""

    language = blocks.ChoiceBlock(choices=django_languages, label=_("Language"))
    package = SnippetChooserBlock(H5PPackage, label=_("H5P package"))

    class Meta:
        icon = "site"
        label = _("Translation")


class H5PBlock(blocks.StructBlock):
    """An interactive H5P activity."""

    title = blocks.CharBlock(required=False, max_length=200, label=_("Title"), help_text=_("Default: the package's."))
    package = SnippetChooserBlock(H5PPackage, label=_("H5P package (default language)"))
    translations = blocks.ListBlock(
        H5PTranslationBlock(), required=False, default=[], label=_("Packages in other languages")
    )
    counts = blocks.ChoiceBlock(
        choices=[("practice", _("Practice only")), ("counts", _("Counts towards completion"))],
        default="practice",
        label=_("Result"),
    )
    minimum_score = blocks.IntegerBlock(min_value=0, max_value=100, default=50, label=_("Minimum score (%)"))

    class Meta:
        icon = "code"
        template = "blocks/h5p_block.html"
        label = _("Interactive activity (H5P)")
