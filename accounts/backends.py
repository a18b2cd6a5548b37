"""Authentication backend: Django's ModelBackend behind the sign-in throttle."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

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
