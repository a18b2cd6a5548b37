"""Who may open an H5P block, and the signed token that carries that decision to the content origin.

The content origin shares no cookies with the platform, so the lesson page (which knows the
officer) signs a short-lived token naming the officer, the lesson, the block and the package, and
puts it in the iframe's URL; every request of the player carries it in its path.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from courses.permissions import may_author
from learning.api import enrolled_on_page

TOKEN_SALT = "h5p.content-token"  # noqa: S105 - a signing salt, not a secret


def token_max_age():
    return getattr(settings, "H5P_TOKEN_MAX_AGE", 4 * 60 * 60)


def is_enrolled(user, page):
    """Learners: an active enrolment in the lesson's course (learning's one rule)."""
    return enrolled_on_page(user, page)


def can_preview(user, page):
    """Trainers who may author the lesson see the activity too (their results are not recorded)."""
    return may_author(user, page)


@dataclass(frozen=True)
class Grant:
    user_id: int
    page_id: int
    block_id: str
    package_id: int
    language: str
    parent_origin: str


def make_token(*, user, page, block_id, package, language, parent_origin):
    payload = {"u": user.pk, "p": page.pk, "b": block_id, "k": package.pk, "l": language, "o": parent_origin}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def read_token(token):
    """The Grant in a token, or None when it is forged or expired."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=token_max_age())
        return Grant(data["u"], data["p"], str(data["b"]), data["k"], data["l"], data["o"])
    except (signing.BadSignature, KeyError, TypeError):
        return None
