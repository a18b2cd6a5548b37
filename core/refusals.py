"""``Refused``: an action the rules do not allow now, raised by a service and answered by its view."""

from django.utils.functional import Promise


class Refused(Exception):
    """Nothing was changed. ``message`` is translated, ``status`` the HTTP status to answer with,
    ``code`` a stable machine-readable reason for JSON clients."""

    def __init__(self, message: str | Promise, status: int = 403, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.code = code
