"""What a user may administer: the one place where academy permissions are decided."""

from academies.models import Academy, Role


def administered_academies(user):
    """Academies ``user`` administers: all for superusers, those with an admin membership otherwise."""
    if not user.is_authenticated or not user.is_active:
        return Academy.objects.none()
    if user.is_superuser:
        return Academy.objects.all()
    return Academy.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).distinct()


def is_academy_admin(user):
    return administered_academies(user).exists()
