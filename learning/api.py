"""What other apps may call in ``learning`` (its published surface).

Other apps change learner records only through these functions; they read ``learning.models``
(and may point foreign keys at them) but never write its rows directly. Packaged activities
(H5P, SCORM) also use ``learning.launch`` and ``learning.content_files``; assessments names its
xAPI activities with ``learning.statements.activity_for``.

The functions live in one module per concern:

* ``learning.enrolment``: enrol, withdraw, bulk enrolment, renewal (a new completion cycle);
* ``learning.progress``: lesson views and lesson completion;
* ``learning.completion``: the course's completion rules and the completion snapshot;
* ``learning.results``: activity results (quizzes, H5P, SCORM) and what follows from them.
"""

from core.refusals import Refused
from learning.completion import RulesOutcome, check_rules, evaluate_completion, reevaluate_course
from learning.enrolment import (
    BulkEnrolReport,
    active_enrolment,
    bulk_enrol,
    enrol,
    enrolled_on_page,
    start_new_cycle,
    withdraw,
)
from learning.progress import complete_lesson, record_lesson_view
from learning.results import record_activity_result

__all__ = [
    "BulkEnrolReport",
    "Refused",
    "RulesOutcome",
    "active_enrolment",
    "bulk_enrol",
    "check_rules",
    "complete_lesson",
    "enrol",
    "enrolled_on_page",
    "evaluate_completion",
    "record_activity_result",
    "record_lesson_view",
    "reevaluate_course",
    "start_new_cycle",
    "withdraw",
]
