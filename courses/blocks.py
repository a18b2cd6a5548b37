"""StreamField blocks for lesson bodies.

Rich text is limited to a short feature list and passes through ``sanitize_html()`` when
rendered, after Wagtail has expanded its internal links.
"""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks, hooks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html

from core.html import sanitize_html
from elearning.languages import django_languages

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "h3", "code"]
SHORT_RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


LESSON_BLOCKS_HOOK = "register_lesson_body_blocks"


def registered_lesson_blocks():
    """``(name, block)`` pairs that higher apps add to lesson bodies (H5P, SCORM...).

    An app contributes with a Wagtail hook in its ``wagtail_hooks.py``::

        @hooks.register("register_lesson_body_blocks")
        def lesson_blocks():
            return [("h5p", H5PBlock())]
    """
    return [pair for fn in hooks.get_hooks(LESSON_BLOCKS_HOOK) for pair in fn()]


def render_rich_text(source):
    """Expand Wagtail's stored rich text and sanitise the result."""
    return mark_safe(sanitize_html(expand_db_html(source or "")))  # noqa: S308 - sanitised just above


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text that is sanitised on every render."""

    def render_basic(self, value, context=None):
        return render_rich_text(value.source if value else "")


class HeadingBlock(blocks.CharBlock):
    """A section heading inside a lesson (rendered as h2)."""

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")


class CalloutBlock(blocks.StructBlock):
    """A key point, warning or tip set apart from the running text."""

    kind = blocks.ChoiceBlock(
        choices=[("key_point", _("Key point")), ("warning", _("Warning")), ("tip", _("Practical tip"))],
        default="key_point",
        label=_("Kind"),
    )
    title = blocks.CharBlock(required=False, max_length=200, label=_("Title"))
    text = SafeRichTextBlock(features=SHORT_RICH_TEXT_FEATURES, label=_("Text"))

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        label = _("Callout / key point")


class ImageBlock(blocks.StructBlock):
    """An image that always carries a text alternative."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        max_length=300,
        label=_("Alternative text"),
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(required=False, max_length=300, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")


class CaptionTrackBlock(blocks.StructBlock):
    """A WebVTT caption or subtitle file for a video."""

    language = blocks.ChoiceBlock(choices=django_languages, label=_("Language"))
    file = DocumentChooserBlock(label=_("WebVTT file"))

    class Meta:
        icon = "doc-full"
        label = _("Captions")


class VideoBlock(blocks.StructBlock):
    """A self-hosted video with captions and a transcript, for low-bandwidth and deaf learners."""

    title = blocks.CharBlock(max_length=200, label=_("Title"))
    video = DocumentChooserBlock(label=_("Video file (MP4 or WebM)"))
    poster = ImageChooserBlock(required=False, label=_("Poster image"))
    captions = blocks.ListBlock(CaptionTrackBlock(), required=False, label=_("Captions"))
    transcript = SafeRichTextBlock(features=SHORT_RICH_TEXT_FEATURES, required=False, label=_("Transcript"))

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        label = _("Video")


class DocumentBlock(blocks.StructBlock):
    """A downloadable document (checklist, form, template)."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, max_length=200, label=_("Title"))
    description = blocks.TextBlock(required=False, label=_("Description"))

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/document_block.html"
        label = _("Downloadable document")


class GlossaryTermBlock(blocks.StructBlock):
    """A term and its definition."""

    term = blocks.CharBlock(max_length=200, label=_("Term"))
    definition = SafeRichTextBlock(features=SHORT_RICH_TEXT_FEATURES, label=_("Definition"))

    class Meta:
        icon = "openquote"
        template = "blocks/glossary_term_block.html"
        label = _("Glossary term")


class CaseStudyBlock(blocks.StructBlock):
    """A scenario to think through, with a discussion revealed on request."""

    title = blocks.CharBlock(max_length=200, label=_("Title"))
    scenario = SafeRichTextBlock(features=SHORT_RICH_TEXT_FEATURES, label=_("Scenario"))
    discussion = SafeRichTextBlock(features=SHORT_RICH_TEXT_FEATURES, required=False, label=_("Discussion"))

    class Meta:
        icon = "group"
        template = "blocks/case_study_block.html"
        label = _("Case study / scenario")


class ReflectionBlock(blocks.StructBlock):
    """ "Check your understanding": a question and a model answer the learner can reveal."""

    question = blocks.TextBlock(label=_("Question"))
    model_answer = SafeRichTextBlock(features=SHORT_RICH_TEXT_FEATURES, label=_("Model answer"))

    class Meta:
        icon = "help"
        template = "blocks/reflection_block.html"
        label = _("Check your understanding")


# Activities played from an uploaded package (H5P, SCORM): the fields and helpers they share ------
class PackageTranslationBlock(blocks.StructBlock):
    """The same activity in another language: a language and a package of the activity's kind."""

    def __init__(self, package_block, **kwargs):
        language = blocks.ChoiceBlock(choices=django_languages, label=_("Language"))
        super().__init__(local_blocks=[("language", language), ("package", package_block)], **kwargs)

    class Meta:
        icon = "site"
        label = _("Translation")


class PackageActivityBlock(blocks.StructBlock):
    """An activity played from a package, with packages per language, practice or counting towards completion.

    Subclasses give the chooser of their package model (once for the default package, once for
    the translations) and their own ``Meta`` (icon, template, label).
    """

    def __init__(self, package_block, translation_package_block, local_blocks=None, **kwargs):
        fields = [
            (
                "title",
                blocks.CharBlock(
                    required=False, max_length=200, label=_("Title"), help_text=_("Default: the package's.")
                ),
            ),
            ("package", package_block),
            (
                "translations",
                blocks.ListBlock(
                    PackageTranslationBlock(translation_package_block),
                    required=False,
                    default=[],
                    label=_("Packages in other languages"),
                ),
            ),
            (
                "counts",
                blocks.ChoiceBlock(
                    choices=[("practice", _("Practice only")), ("counts", _("Counts towards completion"))],
                    default="practice",
                    label=_("Result"),
                ),
            ),
            (
                "minimum_score",
                blocks.IntegerBlock(min_value=0, max_value=100, default=50, label=_("Minimum score (%)")),
            ),
        ]
        super().__init__(local_blocks=[*fields, *(local_blocks or [])], **kwargs)


def find_block(page, block_id, block_type):
    """The value of the ``block_type`` block with this id in the page's body, or None."""
    body = getattr(page, "body", None)
    if body is None:
        return None
    for child in body:
        if child.id == block_id and child.block_type == block_type:
            return child.value
    return None


def block_packages(value):
    """``{language: package}`` for a package activity's value; ``""`` is the default package."""
    packages = {}
    if value.get("package") is not None:
        packages[""] = value["package"]
    for item in value.get("translations") or []:
        if item.get("package") is not None and item.get("language"):
            packages.setdefault(item["language"], item["package"])
    return packages


def choose_package(value, language):
    """The package in ``language``, else the default one. Returns ``(package, language or "")``."""
    packages = block_packages(value)
    if language in packages:
        return packages[language], language
    return packages.get(""), ""


def block_settings(value):
    """``(counts towards completion, minimum score in percent)`` of a package activity."""
    counts = value.get("counts") == "counts"
    minimum = value.get("minimum_score")
    return counts, int(minimum if minimum is not None else 0)


class LessonBodyBlock(blocks.StreamBlock):
    """Everything a lesson body may contain."""

    heading = HeadingBlock()
    paragraph = SafeRichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", label=_("Rich text"), template="blocks/paragraph_block.html"
    )
    callout = CalloutBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    glossary_term = GlossaryTermBlock()
    case_study = CaseStudyBlock()
    reflection = ReflectionBlock()

    class Meta:
        icon = "doc-full"
        template = "blocks/lesson_body.html"

    def __init__(self, local_blocks=None, **kwargs):
        super().__init__(local_blocks=[*(local_blocks or []), *registered_lesson_blocks()], **kwargs)


class LessonBodyField(StreamField):
    """A lesson body: the blocks above plus those other apps register (see ``registered_lesson_blocks``).

    Migrations record the field, not its blocks: which activity blocks exist depends on the apps
    installed, and ``courses`` must not name them (they sit above it). The JSON column is the same
    whatever the blocks, so no schema change is ever lost by this.
    """

    def __init__(self, block_types=None, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(LessonBodyBlock, **kwargs)

    def deconstruct(self):
        name, _path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, "courses.blocks.LessonBodyField", [], kwargs
