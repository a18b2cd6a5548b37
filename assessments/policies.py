"""The permission policy of quiz attempts: an officer sees their own; records administrators
(superusers, or ``assessments.view_attempt``) see everyone's. Trainers who may author a quiz see its
attempts without the officers' identities (``assessments.admin_views``)."""

from wagtail.permissions import register_permission_policy

from assessments.models import Attempt
from organisations.access import PersonalRecordsPolicy


class AttemptPolicy(PersonalRecordsPolicy):
    capabilities: dict[str, str] = {}  # academies see results and completions, not attempts


def register() -> None:
    register_permission_policy(Attempt, AttemptPolicy(Attempt))
