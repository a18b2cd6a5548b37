"""The H5P lesson-body block, registered with ``courses`` through the ``register_lesson_body_blocks`` hook."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.blocks import PackageActivityBlock
from h5p.models import H5PPackage


class H5PBlock(PackageActivityBlock):
    """An interactive H5P activity."""

    def __init__(self, **kwargs):
        super().__init__(
            SnippetChooserBlock(H5PPackage, label=_("H5P package (default language)")),
            SnippetChooserBlock(H5PPackage, label=_("H5P package")),
            local_blocks=[
                (
                    "minimum_seconds",
                    blocks.IntegerBlock(
                        required=False,
                        min_value=0,
                        max_value=3600,
                        label=_("Minimum time (seconds)"),
                        help_text=_(
                            "The shortest time in which an officer can really do the activity: a result reported "
                            "sooner after it opened is not recorded. Default: 5 seconds."
                        ),
                    ),
                )
            ],
            **kwargs,
        )

    class Meta:
        icon = "code"
        template = "h5p/block.html"
        label = _("Interactive activity (H5P)")
