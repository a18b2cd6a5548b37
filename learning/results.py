"""Activity results (quizzes, H5P, SCORM): one row each, its xAPI statement, and the completions it may bring."""

from django.db import transaction
from django.utils import timezone

from learning import statements
from learning.completion import evaluate_completion
from learning.models import ActivityResult, Enrolment
from learning.statements import ActivityType, Verb


def record_activity_result(
    user,
    page,
    *,
    score,
    max_score,
    passed,
    provenance,
    counts=True,
    activity_id="",
    detail="",
    occurred_at=None,
    launch=None,
):
    """How assessments, H5P and SCORM report a result: one row, its statement and completion re-evaluation.

    Browser-scored activities pass the ``launch`` they claimed (``learning.launch.claim_result``): the
    result's provenance (when the content was served, how long it took).
    """
    with transaction.atomic():
        return ActivityResult.objects.create(
            user=user,
            page=page,
            activity_id=activity_id,
            score=score,
            max_score=max_score,
            passed=passed,
            counts=counts,
            provenance=provenance,
            provenance_detail=detail,
            launch=launch,
            occurred_at=occurred_at or timezone.now(),
        )


def launch_provenance(result):
    """xAPI result fields for a browser-scored result: time taken, and the launch it was reported under."""
    launch = result.launch
    return {
        "duration": statements.iso_duration(result.seconds_taken),
        "extensions": {
            f"{statements.base_url()}/xapi/extensions/provenance": {
                "scored": result.provenance,
                "launch": str(launch.uuid),
                "served": launch.served_at.isoformat(),
            }
        },
    }


def on_activity_result_created(result):
    """The result's statement, then re-evaluate the courses whose rules read this activity."""
    with transaction.atomic():
        page = result.page.specific_deferred if hasattr(result.page, "specific_deferred") else result.page
        score = {
            "raw": float(result.score),
            "max": float(result.max_score),
            "min": 0,
            "scaled": float(result.score / result.max_score),
        }
        activity = statements.activity_for(page, ActivityType.ASSESSMENT, result.activity_id)
        enrolments = list(
            Enrolment.objects.active()
            .filter(user_id=result.user_id, course__required_activities__activity_page_id=result.page_id)
            .distinct()
        )
        outcome = {"score": score, "success": result.passed, "completion": True}
        if result.launch_id:
            outcome.update(launch_provenance(result))
        statements.append(
            event_key=f"result:{result.uuid}",
            user=result.user,
            verb=Verb.PASSED if result.passed else Verb.FAILED,
            obj=activity,
            registration=enrolments[0].registration if len(enrolments) == 1 else None,
            result=outcome,
            when=result.occurred_at,
        )
        for enrolment in enrolments:
            evaluate_completion(enrolment)
