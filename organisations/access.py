"""Who reaches whom through academies, and the permission policy of records about one person.

Rules (each answered by a model's policy, asked through ``core.visibility``):

* a person sees their own records;
* site administrators (superusers, or users given the model's ``view`` permission) see everyone's;
* academy staff see the records of their academies' officers when they act for the academy
  (``InAcademy(user, academy)``): administrators and trainers may view them (``REPORT``),
  administrators only may export them or manage certificates (``MANAGE``); superusers act for
  every academy;
* an academy's own systems (its API tokens, the operator's export, LRS forwarding) act as
  ``InAcademy(academy=...)``: every officer of that one academy;
* officers see nothing of other officers. Narrowing (one academy, one learner) never widens.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from wagtail.permission_policies import ModelPermissionPolicy

from organisations.models import Academy, Membership, Role

REPORT = "report"  # see reports and officer records
MANAGE = "manage"  # import officers, export records, revoke and reissue certificates
ROLES = {REPORT: (Role.ADMIN, Role.TRAINER), MANAGE: (Role.ADMIN,)}


@dataclass(frozen=True)
class InAcademy:
    """A viewer acting for academies: staff reach only (never their own records nor site-wide rights).

    ``user``: the member of staff (``None``: the academy's own systems, which need ``academy``);
    ``academy``: narrow to this academy (``None``: every academy the user has a role in).
    """

    user: Any = None
    academy: Academy | None = None

    def __post_init__(self) -> None:
        if self.user is None and self.academy is None:
            raise ValueError("An academy's own systems act for one academy.")


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def academies_for(viewer: Any, capability: str = REPORT) -> models.QuerySet[Academy]:
    """Academies in which ``viewer`` (a user or ``InAcademy``) has ``capability`` (``REPORT`` or ``MANAGE``)."""
    if isinstance(viewer, InAcademy):
        if viewer.user is None:
            return Academy.objects.filter(pk=viewer.academy.pk)
        academies = academies_for(viewer.user, capability)
        return academies if viewer.academy is None else academies.filter(pk=viewer.academy.pk)
    if not _active(viewer):
        return Academy.objects.none()
    if viewer.is_superuser:
        return Academy.objects.all()
    ids = Membership.objects.filter(user=viewer, role__in=ROLES[capability]).values("academy_id")
    return Academy.objects.filter(pk__in=ids)


def can(viewer: Any, capability: str, academy: Academy) -> bool:
    return academies_for(viewer, capability).filter(pk=academy.pk).exists()


def _officer_memberships(viewer: InAcademy, capability: str) -> models.QuerySet[Membership]:
    return Membership.objects.filter(academy_id__in=academies_for(viewer, capability).values("pk"), role=Role.OFFICER)


class PersonalRecordsPolicy(ModelPermissionPolicy):
    """Rows about one person (``owner``: the path from the row to that person's user).

    Wagtail's model-level and per-instance answers (the admin's menus, buttons and edit views) stay
    those of the model permissions; the rows (``instances_user_has_permission_for``, which
    ``core.visibility`` asks) come from the rules in this module's docstring.
    ``capabilities``: what each action needs of a viewer acting for an academy.
    """

    capabilities = {"view": REPORT, "export": MANAGE}

    def __init__(self, model: Any, owner: str = "user") -> None:
        super().__init__(model)
        self.owner = owner

    def sees_everyone(self, user: Any) -> bool:
        if not _active(user):
            return False
        return user.is_superuser or user.has_perm(f"{self.app_label}.view_{self.model_name}")

    def rows_in_academies(self, viewer: InAcademy, capability: str) -> models.QuerySet:
        officers = _officer_memberships(viewer, capability).values("user_id")
        return self.model._default_manager.filter(**{f"{self.owner}_id__in": officers})

    def instances_user_has_permission_for(self, user: Any, action: str) -> models.QuerySet:
        rows = self.model._default_manager.all()
        if isinstance(user, InAcademy):
            capability = self.capabilities.get(action)
            return rows.none() if capability is None else self.rows_in_academies(user, capability)
        if action != "view" or user is None or not user.is_authenticated:
            return rows.none()
        if self.sees_everyone(user):
            return rows
        return rows.filter(**{self.owner: user.pk})

    def instances_about(self, user: Any, action: str, person: Any) -> models.QuerySet:
        """The rows about ``person`` that ``user`` may ``action``. A person's own records need no
        permission lookup (the rule is the same, the query is one fewer)."""
        own = self.model._default_manager.filter(**{self.owner: person.pk})
        if action == "view" and not isinstance(user, InAcademy) and user.is_authenticated and user.pk == person.pk:
            return own
        return self.instances_user_has_permission_for(user, action) & own

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> models.QuerySet:
        rows = self.model._default_manager.none()
        for action in actions:
            rows = rows | self.instances_user_has_permission_for(user, action)
        return rows


class MembershipPolicy(PersonalRecordsPolicy):
    """Memberships: a person sees their own; acting for an academy, staff see its officers' memberships."""

    def rows_in_academies(self, viewer: InAcademy, capability: str) -> models.QuerySet:
        return _officer_memberships(viewer, capability)
