"""Who may open an H5P block: enrolled officers, and trainers who may author the lesson (a preview).

The decision is carried to the content origin by a launch token (``learning.launch``).
"""

from courses.permissions import may_author
from learning.api import enrolled_on_page


def is_enrolled(user, page):
    """Learners: an active enrolment in the lesson's course (learning's one rule)."""
    return enrolled_on_page(user, page)


def can_preview(user, page):
    """Trainers who may author the lesson see the activity too (their results are not recorded)."""
    return may_author(user, page)
