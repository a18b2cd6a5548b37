"""The H5P lesson-body block, registered with ``courses`` through the ``register_lesson_body_blocks`` hook."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.blocks import PackageActivityBlock
from h5p.models import H5PPackage


class H5PBlock(PackageActivityBlock):
    """An interactive H5P activity."""

    def __init__(self, **kwargs):
        super().__init__(
            SnippetChooserBlock(H5PPackage, label=_("H5P package (default language)")),
            SnippetChooserBlock(H5PPackage, label=_("H5P package")),
            **kwargs,
        )

    class Meta:
        icon = "code"
        template = "h5p/block.html"
        label = _("Interactive activity (H5P)")
