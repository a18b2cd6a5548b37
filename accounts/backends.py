"""Authentication backend: Django's ModelBackend behind the sign-in throttle, with one permission query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts import throttle


class ThrottledModelBackend(ModelBackend):
    """Refuse to check any password while the account or client IP is locked out.

    Raising PermissionDenied stops ``authenticate()`` at once (Django then sends
    ``user_login_failed``, which ``accounts.signals`` does not count for a refused attempt).
    The lockout is left on the request for the login form to explain.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is not None:
            lockout = throttle.get_lockout(username, throttle.client_ip(request))
            if lockout:
                setattr(request, throttle.LOCKOUT_ATTRIBUTE, lockout)
                raise PermissionDenied(lockout.reason)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and group permissions in one query rather than Django's two.

        Every page asks one question of them (may this user reach the admin? for two-factor sign-in
        and the editor's bar), so an officer's page view saves a query. Same answer, same cache.
        """
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                own = get_user_model().user_permissions.through.objects.filter(user=user_obj)
                grouped = Group.permissions.through.objects.filter(group__user=user_obj)
                permissions = permissions.filter(
                    Q(pk__in=own.values("permission_id")) | Q(pk__in=grouped.values("permission_id"))
                )
            rows = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
