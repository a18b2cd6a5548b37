# ruff: noqa: E501 - Moodle XML and GIFT fixtures hold long lines
"""A trainer imports a Moodle bank in the admin (unsupported questions refused, then skipped on request);
an officer answers the imported questions (HTML with an image, Cloze blanks, units in Arabic) and reads the
review, in English and Arabic."""

import base64
import io
import time

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image as PillowImage

from assessments.formats.importer import import_questions
from assessments.models import Attempt, AttemptItem
from courses.models import ModulePage
from tests.assessments.conftest import add_quiz
from tests.browser.conftest import ARTIFACTS, save_axe_report, serious_violations

GIFT = """// A prosecutors' bank exported from Moodle
::Seizure::[html]<p>Which step comes <strong>first</strong> when a phone is found switched on?</p>{
  =[moodle]Isolate it from the networks#<p>Yes: this prevents <em>remote wiping</em>.</p>
  ~[plain]Switch it off#Switching off may lose the PIN.
}

::Essay::Describe the chain of custody. {}

::Retention::Within how many days must subscriber information be produced? {#20}
"""


def _png():
    buffer = io.BytesIO()
    PillowImage.new("RGB", (120, 40), (11, 79, 138)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


XML = f"""<?xml version="1.0" encoding="UTF-8"?><quiz>
<question type="multichoice"><name><text>Flag</text></name>
<questiontext format="html"><text><![CDATA[<p>This label is on the evidence bag:</p><p><img src="@@PLUGINFILE@@/label.png" alt="Blue evidence label" width="120" height="40"></p><p>What colour is it?</p>]]></text>
<file name="label.png" path="/" encoding="base64">{_png()}</file></questiontext>
<single>true</single>
<answer fraction="100" format="html"><text><![CDATA[<p><strong>Blue</strong></p>]]></text><feedback format="html"><text><![CDATA[<p>Right: <em>blue</em>.</p>]]></text></feedback></answer>
<answer fraction="0" format="html"><text>Red</text></answer></question>
<question type="cloze"><name><text>Cloze</text></name>
<questiontext format="html"><text><![CDATA[<p>First {{1:MULTICHOICE:photograph the scene#Not first~=isolate the device#Yes}}, then image a {{1:NUMERICAL:=4096:0#Right}} MB drive with a {{1:SHORTANSWER:=write blocker}}.</p>]]></text></questiontext></question>
<question type="numerical"><name><text>Days</text></name>
<questiontext format="html"><text>Within how many days must a provider produce stored subscriber information?</text></questiontext>
<answer fraction="100"><text>20</text><tolerance>0</tolerance></answer>
<units><unit><multiplier>1</multiplier><unit_name>days</unit_name></unit></units><unitgradingtype>0</unitgradingtype></question>
</quiz>"""


def shoot(page, name):
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_on(page, selector):
    from tests.browser.conftest import AXE_SCRIPT

    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        "async (selector) => (await axe.run(selector, {resultTypes: ['violations']})).violations", selector
    )


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_trainer_imports_a_moodle_bank_skipping_the_essay(live_server, page, django_user_model, language, tmp_path):
    admin = django_user_model.objects.create_superuser(f"admin-{language}@example.test", "a-strong-pass-phrase")
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language  # the Wagtail admin's language
    profile.save()
    login(page, live_server, admin)
    bank = tmp_path / "bank.gift"
    bank.write_text(GIFT, "utf-8")
    page.goto(f"{live_server.url}/admin/assessments/import/")
    page.locator("input[type=file]").set_input_files(str(bank))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector(".help-critical")
    assert page.locator(".help-critical li").count() == 1  # the essay, with its line
    assert (
        "line 7" in page.locator(".help-critical li").inner_text()
        or "7" in page.locator(".help-critical").inner_text()
    )
    shoot(page, f"import-refused-{language}")
    page.locator("input[type=file]").set_input_files(str(bank))
    page.locator("input[name=skip_unsupported]").check()
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**/admin/assessments/import/*/")
    assert page.locator(".question-import table tbody tr").count() == 1  # the skipped essay
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    shoot(page, f"import-report-{language}")
    violations = axe_on(page, ".question-import")
    save_axe_report(f"import-report-{language}", violations)
    assert serious_violations(violations) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_officer_answers_imported_questions_and_reads_the_review(live_server, police_course, officer, page, language):
    from learning.api import enrol

    enrol(officer, police_course, check_policy=False)
    questions = import_questions(XML.encode(), category=f"Browser {language}").questions
    days = next(q for q in questions if q.name == "Days")
    days.units_ar = "يومًا 1\nيوم 1\nأيام 1"
    days.save()
    module = ModulePage.objects.child_of(police_course).order_by("path").first()
    quiz = add_quiz(
        module, [{"question": q} for q in questions], slug=f"imported-{language}", review_answers_after=True
    )
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/{language}{quiz.url_path[len('/catalogue') :]}")
    page.locator("form[action$='/start/'] button").click()
    page.wait_for_url("**/attempt/**")
    attempt = Attempt.objects.get(user=officer, quiz=quiz)
    items = {
        i.question.name: i for i in AttemptItem.objects.filter(attempt=attempt).select_related("question", "version")
    }
    image = page.locator("img[alt='Blue evidence label']")
    assert image.is_visible() and image.evaluate("img => img.naturalWidth") == 120  # served from this site
    page.locator(f"input[name='q{items['Flag'].position}']").first.check()
    cloze = items["Cloze"].position
    page.locator(f"select[name='q{cloze}-b1']").select_option(label="isolate the device")
    page.locator(f"input[name='q{cloze}-b2']").fill("٤٠٩٦")
    page.locator(f"input[name='q{cloze}-b3']").fill("Write blocker")
    days_field = page.locator(f"input[name='q{items['Days'].position}']")
    days_field.fill("20 apples")
    days_field.blur()
    problem = page.locator(f"[data-problem-for='q{items['Days'].position}']")
    problem.wait_for(state="visible")
    assert "apples" in problem.inner_text()
    shoot(page, f"imported-attempt-{language}")
    days_field.fill("٢٠ يومًا" if language == "ar" else "20 days")
    days_field.blur()
    problem.wait_for(state="hidden")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and AttemptItem.objects.get(pk=items["Days"].pk).response not in (
        "٢٠ يومًا",
        "20 days",
    ):
        time.sleep(0.2)
    violations = axe_on(page, "main")
    save_axe_report(f"imported-attempt-{language}", violations)
    assert serious_violations(violations) == []
    page.locator("#submit-attempt").click()
    page.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert attempt.score == 3
    review = page.locator("main").inner_text()
    assert "→ →" not in review and ("٢٠ يومًا" in review or "20 days" in review) and "٤٠٩٦" in review
    assert page.locator(".review-item__feedback em", has_text="blue").count() == 1  # HTML feedback rendered
    shoot(page, f"imported-review-{language}")
    violations = axe_on(page, "main")
    save_axe_report(f"imported-review-{language}", violations)
    assert serious_violations(violations) == []
