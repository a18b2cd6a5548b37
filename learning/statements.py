"""xAPI 1.0.3 statements for the outbox: built here, appended in the caller's transaction.

Actors are identified by an ``account`` on this site (pseudonymous, the default) or by ``mbox``
(``LEARNING_XAPI_ACTOR = "mbox"``). Activity ids are IRIs built from the site URL
(``LEARNING_XAPI_BASE_URL``, else ``WAGTAILADMIN_BASE_URL``) and the page id, which never changes
when a page is renamed or moved.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from elearning.languages import PLATFORM_LANGUAGES

XAPI_VERSION = "1.0.3"
# A fixed namespace: statement ids are uuid5(namespace, event key), stable across retries.
STATEMENT_NAMESPACE = uuid.UUID("5c1b3f3e-6a7d-4f4e-9f7c-2b8a1d0c9e11")


class Verb:
    REGISTERED = ("http://adlnet.gov/expapi/verbs/registered", "registered")
    COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "completed")
    PASSED = ("http://adlnet.gov/expapi/verbs/passed", "passed")
    FAILED = ("http://adlnet.gov/expapi/verbs/failed", "failed")


class ActivityType:
    COURSE = "http://adlnet.gov/expapi/activities/course"
    LESSON = "http://adlnet.gov/expapi/activities/lesson"
    ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"


def base_url():
    url = getattr(settings, "LEARNING_XAPI_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return url.rstrip("/")


def _rfc5646(code):
    return "zh-Hans" if code == "zh-hans" else code


def actor_for(user):
    actor = {"objectType": "Agent"}
    if user.get_full_name():
        actor["name"] = user.get_full_name()
    if getattr(settings, "LEARNING_XAPI_ACTOR", "account") == "mbox":
        actor["mbox"] = f"mailto:{user.email}"
    else:
        actor["account"] = {"homePage": base_url() + "/", "name": str(user.pk)}
    return actor


def activity_for(page, activity_type, sub_activity=""):
    """An xAPI Activity for a page; names in every language the page has a title in."""
    names = {}
    for language in PLATFORM_LANGUAGES:
        title = getattr(page, f"title_{language.field_suffix}", None)
        if title:
            names[_rfc5646(language.code)] = title
    if not names:
        names["en"] = page.title
    kind = activity_type.rsplit("/", 1)[-1]
    activity_id = f"{base_url()}/xapi/activities/{kind}/{page.pk}"
    if sub_activity:
        activity_id += f"/{sub_activity}"
    return {
        "objectType": "Activity",
        "id": activity_id,
        "definition": {"type": activity_type, "name": names},
    }


def iso_duration(seconds):
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S"


def build_statement(
    *, event_key, user, verb, obj, registration=None, result=None, parent=None, when=None, stored=None
):
    verb_id, verb_name = verb
    context = {"platform": "Custodia", "language": _rfc5646(get_language() or settings.LANGUAGE_CODE)}
    if registration:
        context["registration"] = str(registration)
    if parent:
        context["contextActivities"] = {"parent": [parent]}
    statement = {
        "id": str(uuid.uuid5(STATEMENT_NAMESPACE, event_key)),
        "actor": actor_for(user),
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": obj,
        "context": context,
        "timestamp": (when or timezone.now()).isoformat(),
        "stored": (stored or timezone.now()).isoformat(),
        "version": XAPI_VERSION,
    }
    if result:
        statement["result"] = result
    return statement


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Statements are appended in the same transaction as the change they record.")


def _row(now, *, event_key, user, verb, obj, **kwargs):
    from learning.models import StatementOutbox

    statement = build_statement(event_key=event_key, user=user, verb=verb, obj=obj, stored=now, **kwargs)
    return StatementOutbox(
        event_key=event_key,
        statement_id=uuid.UUID(statement["id"]),
        user=user,
        verb=verb[0],
        statement=statement,
        created_at=now,
    )


def append(*, event_key, user, verb, obj, **kwargs):
    """Append a statement to the outbox. Must run inside the transaction of the change it records.

    Returns the outbox row, or the existing one when this event was already recorded.
    """
    from learning.models import StatementOutbox

    _require_transaction()
    row = _row(timezone.now(), event_key=event_key, user=user, verb=verb, obj=obj, **kwargs)
    fields = ("statement_id", "user", "verb", "statement", "created_at")
    stored, _created = StatementOutbox.objects.get_or_create(
        event_key=event_key, defaults={name: getattr(row, name) for name in fields}
    )
    return stored


def append_many(events):
    """Append several statements (each a dict of ``append``'s arguments) in one insert; events already
    recorded are left as they are (their unique event keys). Same transaction rule as ``append``."""
    from learning.models import StatementOutbox

    _require_transaction()
    now = timezone.now()
    StatementOutbox.objects.bulk_create([_row(now, **event) for event in events], ignore_conflicts=True)
