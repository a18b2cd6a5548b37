"""Count failed sign-ins and clear them on success (connected in AccountsConfig.ready)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts import throttle


@receiver(user_login_failed, dispatch_uid="accounts.count_login_failure")
def count_login_failure(sender, credentials, request=None, **kwargs):
    if request is None or throttle.lockout_for_request(request):
        return  # not a web sign-in, or refused by the lock: not counted
    username = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    throttle.record_failure(username, throttle.client_ip(request))


@receiver(user_logged_in, dispatch_uid="accounts.clear_login_failures")
def clear_login_failures(sender, request, user, **kwargs):
    throttle.clear_failures(user.get_username())
