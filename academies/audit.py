"""The audit log: who exported or viewed which officer records (site administrators read it)."""

from academies.models import AuditEntry


def record(action, what, *, actor=None, token=None, academy=None, officer=None, **details):
    return AuditEntry.objects.create(
        action=action,
        what=what[:200],
        actor=actor if actor is not None and actor.is_authenticated else None,
        token=token,
        academy=academy,
        officer=officer,
        details=details,
    )
