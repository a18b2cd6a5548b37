"""Which package a block shows, in which language, and the player's options."""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses import blocks as courses_blocks
from courses.blocks import block_packages, block_settings  # noqa: F401 - used through this module
from elearning.languages import get_language_info
from learning.launch import content_origin


def find_block(page, block_id):
    """The ``h5p`` block with this id in the page's body (live version), or None."""
    return courses_blocks.find_block(page, block_id, "h5p")


def choose_package(value, language=None):
    """The package in the officer's language, else the default one. Returns ``(package, language)``."""
    return courses_blocks.choose_package(value, language or get_language() or settings.LANGUAGE_CODE)


def core_translations():
    """H5P core's interface strings that the player shows, in the active language."""
    return {
        "H5P": {
            "fullscreen": _("Fullscreen"),
            "disableFullscreen": _("Disable fullscreen"),
            "close": _("Close"),
            "confirmDialogHeader": _("Confirm action"),
            "confirmDialogBody": _("Please confirm that you wish to proceed. This action is not reversible."),
            "cancelLabel": _("Cancel"),
            "confirmLabel": _("Confirm"),
            "contentChanged": _("This content has changed since you last used it."),
            "startingOver": _("You'll be starting over."),
            "offlineDialogHeader": _("Your connection to the server was lost"),
            "offlineDialogBody": _("We were unable to send information about your completion of this task."),
            "offlineDialogRetryMessage": _("Retrying in :num…"),
            "offlineDialogRetryButtonLabel": _("Retry now"),
            "offlineSuccessfulSubmit": _("Successfully submitted results."),
        }
    }


def player_options(*, token, package, grant, user, request):
    origin = content_origin()
    base = f"{origin}/h5p/c/{token}"
    language = get_language_info(get_language()) if get_language() else None
    return {
        "id": str(package.pk),
        "h5pJsonPath": f"{base}/content",
        "contentJsonPath": f"{base}/content/content",
        "librariesPath": f"{base}/libraries",
        "frameJs": f"{origin}/h5p/player/frame.bundle.js",
        "frameCss": f"{origin}/h5p/player/styles/h5p.css",
        "frame": False,
        "copyright": False,
        "export": False,
        "embed": False,
        "icon": False,
        "fullScreen": True,
        "saveFreq": 15,
        # Pseudonymous: the libraries' scripts never learn the officer's e-mail address.
        "user": {"name": user.get_full_name() or _("Learner"), "mail": f"learner-{user.pk}@custodia.invalid"},
        "ajax": {"contentUserDataUrl": f"{base}/user-data/:contentId/:dataType/:subContentId"},
        "xAPIObjectIRI": f"{grant.parent_origin}/xapi/activities/h5p/{grant.page_id}/{grant.block_id}",
        "translations": core_translations(),
        "_language": language.code if language else "",
    }
