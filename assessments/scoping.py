"""What a user may see of quiz attempts: every query of attempts goes through these functions.

* an officer sees only their own attempts;
* site administrators (superusers, or users given ``assessments.view_attempt``) see everyone's;
* trainers (who can edit a quiz page) see its attempts without the officers' identities, and
  aggregate item analysis (see ``assessments.admin_views``).
"""

from django.http import Http404

from assessments.models import Attempt


def is_attempts_admin(viewer):
    return bool(
        viewer.is_authenticated
        and viewer.is_active
        and (viewer.is_superuser or viewer.has_perm("assessments.view_attempt"))
    )


def own_attempt(user, quiz, attempt_uuid):
    """The officer's own attempt of ``quiz``, or 404 (never someone else's, even for administrators)."""
    attempt = Attempt.objects.filter(uuid=attempt_uuid, quiz=quiz, user=user).first()
    if attempt is None:
        raise Http404("No such attempt")
    attempt.quiz = quiz  # the routed page: no second fetch of its wide row
    return attempt


def can_manage_quiz(user, quiz):
    """Trainers who may edit the quiz page may see its figures and regrade it."""
    return bool(user.is_authenticated and quiz.permissions_for_user(user).can_edit())
