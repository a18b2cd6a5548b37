"""Progress: mark as complete, replays, forged posts, locks, resume point, time spent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.refusals import Refused
from courses.models import CompletionMode
from learning.enrolment import enrol
from learning.models import Enrolment, LessonProgress, StatementOutbox
from learning.progress import complete_lesson
from learning.state import load_course_state
from tests.learning.conftest import build_course, lessons_of


def snapshot():
    return (
        list(LessonProgress.objects.values_list("pk", "completed_at")),
        StatementOutbox.objects.count(),
        list(Enrolment.objects.values_list("pk", "status", "last_lesson_id")),
    )


def complete_url(lesson, language="en"):
    return f"/{language}" + reverse("learning:complete_lesson", args=[lesson.pk])[3:]


def test_mark_complete_then_replay_changes_nothing(client, police_officer, enrolment, lessons):
    client.force_login(police_officer)
    url = reverse("learning:complete_lesson", args=[lessons[0].pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == lessons[0].url
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[0])
    assert progress.completed_at is not None
    before = snapshot()
    for _ in range(3):  # double click, retry after a lost connection
        assert client.post(url).status_code == 302
    assert snapshot() == before
    assert StatementOutbox.objects.filter(event_key=f"lesson-completed:{progress.pk}").count() == 1


def test_json_reply_for_the_lesson_end_script(client, police_officer, enrolment, lessons):
    client.force_login(police_officer)
    url = reverse("learning:complete_lesson", args=[lessons[0].pk])
    data = client.post(url, headers={"accept": "application/json"}).json()
    assert data["ok"] and data["changed"] and data["done"] == 1 and data["total"] == 4 and data["percent"] == 25
    assert data["progress_text"] == "1 of 4 lessons completed (25%)"
    again = client.post(url, headers={"accept": "application/json"}).json()
    assert again["ok"] and not again["changed"]


def test_json_reply_counts_match_a_fresh_course_state(client, police_officer, police_course):
    enrol(police_officer, police_course)
    lessons = lessons_of(police_course)
    lessons[1].specific.optional = True
    lessons[1].specific.save_revision().publish()
    client.force_login(police_officer)
    for lesson in [*lessons, lessons[0]]:  # the last post is a replay
        data = client.post(
            reverse("learning:complete_lesson", args=[lesson.pk]), headers={"accept": "application/json"}
        ).json()
        fresh = load_course_state(police_officer, police_course, lessons_of(police_course))
        assert (data["done"], data["total"], data["percent"]) == (fresh.done_count, fresh.total_count, fresh.percent)
    assert data["course_completed"] and data["done"] == data["total"] == 3


def test_complete_lesson_returns_three_items_unless_asked_for_the_state(police_officer, enrolment, lessons):
    assert len(complete_lesson(police_officer, lessons[0])) == 3
    _enrolment, changed, _completion, state = complete_lesson(police_officer, lessons[1], with_state=True)
    assert changed and state.is_complete(lessons[1]) and state.done_count == 2 and state.percent == 50


def test_get_is_refused(client, police_officer, enrolment, lessons):
    client.force_login(police_officer)
    before = snapshot()
    response = client.get(reverse("learning:complete_lesson", args=[lessons[0].pk]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "only accepts" in response.content.decode()
    assert snapshot() == before


def test_not_enrolled_refused_and_other_learners_untouched(client, officer, police_officer, enrolment, lessons):
    """Another officer posting for a lesson of a course they are not enrolled on changes nothing."""
    complete_lesson(police_officer, lessons[0])
    client.force_login(officer)
    before = snapshot()
    response = client.post(reverse("learning:complete_lesson", args=[lessons[1].pk]))
    assert response.status_code == 403 and "Enrol on this course" in response.content.decode()
    assert snapshot() == before
    assert not LessonProgress.objects.filter(enrolment__user=officer).exists()


def test_bad_and_unpublished_ids_refused(client, police_officer, enrolment, lessons, police_course):
    client.force_login(police_officer)
    before = snapshot()
    assert client.post("/en/learning/lessons/99999999/complete/").status_code == 404
    assert client.post("/en/learning/lessons/abc/complete/").status_code == 404
    # A page that is not a lesson (the course itself).
    assert client.post(reverse("learning:complete_lesson", args=[police_course.pk])).status_code == 404
    lessons[1].unpublish()
    response = client.post(reverse("learning:complete_lesson", args=[lessons[1].pk]))
    assert response.status_code == 404 and "not published" in response.content.decode()
    assert snapshot() == before


def test_withdrawn_learner_refused(client, police_officer, enrolment, lessons, police_course):
    client.force_login(police_officer)
    client.post(reverse("learning:withdraw", args=[police_course.pk]))
    before = snapshot()
    assert client.post(reverse("learning:complete_lesson", args=[lessons[0].pk])).status_code == 403
    assert snapshot() == before


def test_anonymous_post_refused(client, lessons):
    url = reverse("learning:complete_lesson", args=[lessons[0].pk])
    assert client.post(url).status_code == 302
    assert client.post(url, headers={"accept": "application/json"}).status_code == 401
    assert not LessonProgress.objects.exists()


def test_refusal_is_translated(client, officer, lessons):
    client.force_login(officer)
    response = client.post(complete_url(lessons[0], "fr"))
    assert response.status_code == 403
    assert '<html lang="fr"' in response.content.decode()


@pytest.fixture
def sequential_course(police_officer):
    course = build_course("in-order", sequential=True)
    enrol(police_officer, course)
    return course


def test_sequencing_locks_lessons_until_previous_complete(client, police_officer, sequential_course):
    lessons = lessons_of(sequential_course)
    client.force_login(police_officer)
    # Opening a locked lesson: refused, shown as locked.
    response = client.get(lessons[1].url)
    assert response.status_code == 403 and "locked" in response.content.decode()
    # Completing it: refused, nothing changed.
    before = snapshot()
    with pytest.raises(Refused):
        complete_lesson(police_officer, lessons[1])
    response = client.post(reverse("learning:complete_lesson", args=[lessons[1].pk]))
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert snapshot() == before
    # The course page shows it locked (no link).
    page = client.get(sequential_course.url).content.decode()
    assert f'href="{lessons[1].url}"' not in page and "Locked" in page
    complete_lesson(police_officer, lessons[0])
    assert client.get(lessons[1].url).status_code == 200
    assert client.get(lessons[2].url).status_code == 403


def test_optional_lessons_do_not_block_sequence(police_officer):
    course = build_course("optional-first", sequential=True)
    lessons = lessons_of(course)
    lessons[0].optional = True
    lessons[0].save()
    enrol(police_officer, course)
    state = load_course_state(police_officer, course, lessons_of(course))
    assert not state.is_locked(lessons[1]) and state.is_locked(lessons[2])
    assert state.total_count == 3


def test_staff_who_can_edit_open_locked_lessons(client, admin_user, sequential_course):
    client.force_login(admin_user)
    assert client.get(lessons_of(sequential_course)[3].url).status_code == 200


def test_viewing_a_lesson_sets_resume_point_and_counts_time(client, police_officer, enrolment, lessons):
    client.force_login(police_officer)
    client.get(lessons[2].url)
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == lessons[2].pk
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[2])
    assert progress.first_viewed_at and progress.completed_at is None
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=timezone.now() - timezone.timedelta(minutes=5))
    client.get(lessons[3].url)
    enrolment.refresh_from_db()
    assert 290 <= enrolment.seconds_spent <= 320
    # An idle gap (longer than the cut-off) is not counted.
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=timezone.now() - timezone.timedelta(hours=5))
    client.get(lessons[0].url)
    enrolment.refresh_from_db()
    assert enrolment.seconds_spent <= 320
    # The course page offers to resume there.
    page = client.get(enrolment.course.url).content.decode()
    assert f'href="{lessons[0].url}"' in page and "Resume:" in page


def test_lesson_completed_on_reaching_end_has_script_and_fallback_button(client, police_officer, enrolment, lessons):
    lessons[0].completion_mode = CompletionMode.END
    lessons[0].save_revision().publish()
    client.force_login(police_officer)
    html = client.get(lessons[0].url).content.decode()
    assert "data-complete-on-end" in html and "learning/lesson-end.js" in html
    assert "Mark as complete" in html  # the no-JavaScript fallback
    html = client.get(lessons[1].url).content.decode()
    assert "lesson-end.js" not in html


def test_lesson_page_shows_completed_state(client, police_officer, enrolment, lessons):
    complete_lesson(police_officer, lessons[0])
    client.force_login(police_officer)
    html = client.get(lessons[0].url).content.decode()
    assert "You have completed this lesson." in html and "Mark as complete" not in html
    assert 'value="1"' in html and "1 of 4 lessons completed (25%)" in html


def test_anonymous_lesson_page_invites_to_log_in(client, lessons):
    html = client.get(lessons[0].url).content.decode()
    assert "Log in</a> to enrol" in html and "Mark as complete" not in html
