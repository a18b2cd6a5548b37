"""What a user may see and do in academies: the one place where academy permissions are decided.

Every academy view, export, report, transcript and API call gets its querysets from here:

* site administrators (superusers) see every academy and every record;
* an academy administrator sees the officers of the academies they administer and those officers'
  records (enrolments, progress, results, completions, certificates issued by the academy), and may
  import officers and export records;
* a trainer sees the same records of their academies (reports), but may not import or export;
* an officer sees nothing of other officers (their own records are ``learning.scoping``'s business);
* an API token sees the records of its one academy, for the scopes it was given.

``academy=`` narrows the result to one academy; it never widens it.
"""

from django.contrib.auth import get_user_model

from certificates.models import Certificate
from learning.models import ActivityResult, CourseCompletion, Enrolment, LessonProgress, StatementOutbox
from organisations.models import Academy, Membership, Role

REPORT = "report"  # see reports and officer records
MANAGE = "manage"  # import officers, export records
_ROLES = {REPORT: (Role.ADMIN, Role.TRAINER), MANAGE: (Role.ADMIN,)}


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def academies_for(user, capability=REPORT):
    """Academies in which ``user`` has ``capability`` (``REPORT`` or ``MANAGE``)."""
    if not _active(user):
        return Academy.objects.none()
    if user.is_superuser:
        return Academy.objects.all()
    ids = Membership.objects.filter(user=user, role__in=_ROLES[capability]).values("academy_id")
    return Academy.objects.filter(pk__in=ids)


def administered_academies(user):
    """Academies ``user`` administers: all for superusers, those with an admin membership otherwise."""
    return academies_for(user, MANAGE)


def can(user, capability, academy):
    return academies_for(user, capability).filter(pk=academy.pk).exists()


def _academy_ids(user, capability, academy):
    academies = academies_for(user, capability)
    if academy is not None:
        academies = academies.filter(pk=academy.pk)
    return academies.values("pk")


def visible_memberships(user, *, academy=None, capability=REPORT):
    """Officers' memberships (role officer) in the academies the user may see."""
    return Membership.objects.filter(
        academy_id__in=_academy_ids(user, capability, academy), role=Role.OFFICER
    ).select_related("user", "academy")


def _officer_ids(user, academy, capability):
    return visible_memberships(user, academy=academy, capability=capability).values("user_id")


def visible_officers(user, *, academy=None, capability=REPORT):
    return get_user_model().objects.filter(pk__in=_officer_ids(user, academy, capability))


def visible_enrolments(user, *, academy=None, capability=REPORT):
    return Enrolment.objects.filter(user_id__in=_officer_ids(user, academy, capability))


def visible_progress(user, *, academy=None, capability=REPORT):
    return LessonProgress.objects.filter(enrolment__user_id__in=_officer_ids(user, academy, capability))


def visible_results(user, *, academy=None, capability=REPORT):
    return ActivityResult.objects.filter(user_id__in=_officer_ids(user, academy, capability))


def visible_completions(user, *, academy=None, capability=REPORT):
    return CourseCompletion.objects.filter(user_id__in=_officer_ids(user, academy, capability))


def visible_certificates(user, *, academy=None, capability=REPORT):
    """Certificates the academy issued (to anyone) or that its officers hold from it."""
    return Certificate.objects.filter(academy_id__in=_academy_ids(user, capability, academy))


def visible_statements(user, *, academy=None, capability=REPORT):
    return StatementOutbox.objects.filter(user_id__in=_officer_ids(user, academy, capability))


# API tokens: one academy, explicit scopes ------------------------------------------------------
def academy_records(academy_id, family):
    """One academy's records of a model family: for its API tokens (the caller checks the scope first)
    and the operator's ``export_completions --academy``."""
    memberships = Membership.objects.filter(academy_id=academy_id, role=Role.OFFICER)
    officers = memberships.values("user_id")
    return {
        "officers": lambda: memberships.select_related("user"),
        "enrolments": lambda: Enrolment.objects.filter(user_id__in=officers),
        "progress": lambda: LessonProgress.objects.filter(enrolment__user_id__in=officers),
        "completions": lambda: CourseCompletion.objects.filter(user_id__in=officers),
        "certificates": lambda: Certificate.objects.filter(academy_id=academy_id),
        "statements": lambda: StatementOutbox.objects.filter(user_id__in=officers),
    }[family]()


def token_records(token, family):
    return academy_records(token.academy_id, family)


def officer_in(user, officer_pk, *, academy=None, capability=REPORT):
    """The officer with ``officer_pk`` if the user may see them, else ``None`` (callers answer 404)."""
    return visible_officers(user, academy=academy, capability=capability).filter(pk=officer_pk).first()


__all__ = [
    "MANAGE",
    "REPORT",
    "academies_for",
    "administered_academies",
    "can",
    "academy_records",
    "officer_in",
    "token_records",
    "visible_certificates",
    "visible_completions",
    "visible_enrolments",
    "visible_memberships",
    "visible_officers",
    "visible_progress",
    "visible_results",
    "visible_statements",
]
