"""The permission policies of learner records (see ``organisations.access`` for the rules)."""

from wagtail.permissions import register_permission_policy

from learning.models import ActivityResult, CourseCompletion, Enrolment, Launch, LessonProgress, StatementOutbox
from organisations.access import PersonalRecordsPolicy

OWNERS = {
    Enrolment: "user",
    LessonProgress: "enrolment__user",
    ActivityResult: "user",
    CourseCompletion: "user",
    StatementOutbox: "user",
    Launch: "user",
}


def register() -> None:
    for model, owner in OWNERS.items():
        register_permission_policy(model, PersonalRecordsPolicy(model, owner=owner))
