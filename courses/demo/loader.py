"""Build the demo curriculum from courses/demo/content/*.json (idempotent)."""

import json
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from wagtail.models import Page, Site

from courses.demo.validate import CONTENT_DIR, check_course, course_files
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage, Topic
from elearning.languages import PLATFORM_LANGUAGES

CATALOGUE_TITLE = {
    "en": "Course catalogue",
    "fr": "Catalogue des cours",
    "es": "Catálogo de cursos",
    "ru": "Каталог курсов",
    "ar": "دليل الدورات",
    "zh-hans": "课程目录",
}
CATALOGUE_INTRODUCTION = {
    "en": "<p>Self-paced courses on electronic evidence and technology-facilitated crime for police officers, "
    "prosecutors and judges. Choose a course, learn at your own pace and in your own language.</p>",
    "fr": "<p>Des cours en autoformation sur la preuve électronique et la criminalité facilitée par la technologie, "
    "destinés aux policiers, aux procureurs et aux juges. Choisissez un cours et apprenez à votre rythme, "
    "dans votre langue.</p>",
    "es": "<p>Cursos a su propio ritmo sobre la prueba electrónica y los delitos facilitados por la tecnología, "
    "para policías, fiscales y jueces. Elija un curso y aprenda a su ritmo y en su idioma.</p>",
    "ru": "<p>Курсы для самостоятельного обучения по электронным доказательствам и преступлениям с использованием "
    "технологий для сотрудников полиции, прокуроров и судей. Выберите курс и учитесь в своем темпе "
    "на своем языке.</p>",
    "ar": "<p>دورات للتعلّم الذاتي عن الأدلة الإلكترونية والجرائم التي تُرتكب بواسطة التكنولوجيا، موجّهة إلى "
    "ضباط الشرطة وأعضاء النيابة العامة والقضاة. اختر دورة وتعلّم وفق وتيرتك وبلغتك.</p>",
    "zh-hans": "<p>面向警察、检察官和法官的电子证据与技术助长型犯罪自主学习课程。选择一门课程，"
    "按照自己的节奏、用自己的语言学习。</p>",
}
CATALOGUE_SLUG = "catalogue"


def load_course_documents(directory=CONTENT_DIR):
    """Parse and validate every course file; raise ValueError listing all problems."""
    documents, problems = [], []
    for path in course_files(directory):
        data = json.loads(path.read_text("utf-8"))
        problems.extend(check_course(data, path.name, directory))
        documents.append(data)
    if problems:
        raise ValueError("\n".join(problems))
    return documents


def _set_translated(page, field, texts):
    """Fill ``field`` in every language (``title`` -> ``title_en``, ``title_fr``...)."""
    for language in PLATFORM_LANGUAGES:
        setattr(page, f"{field}_{language.field_suffix}", texts[language.code])


def _body_for(blocks, language_code):
    """The raw StreamField data of a lesson body in one language."""
    stream = []
    for block in blocks:
        value = block["value"]
        if block["type"] in ("heading", "paragraph"):
            localized = value[language_code]
        else:
            localized = {key: (item if key == "kind" else item[language_code]) for key, item in value.items()}
        stream.append({"type": block["type"], "value": localized})
    return stream


def _upsert_child(parent, model, slug, fill):
    """Create or update the child page ``slug`` of ``parent`` and publish it."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = model(slug=slug)
    fill(page)
    if created:
        parent.add_child(instance=page)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def ensure_topics(directory=CONTENT_DIR):
    data = json.loads((directory / "topics.json").read_text("utf-8"))
    topics = {}
    for item in data:
        topic, _created = Topic.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]["en"]})
        _set_translated(topic, "name", item["name"])
        topic.save()
        topics[item["slug"]] = topic
    return topics


def ensure_catalogue():
    """The catalogue page, made the site's root page."""
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    catalogue = CourseIndexPage.objects.filter(slug=CATALOGUE_SLUG).first()
    if catalogue is None:
        catalogue = CourseIndexPage(slug=CATALOGUE_SLUG, title=CATALOGUE_TITLE["en"])
        _set_translated(catalogue, "title", CATALOGUE_TITLE)
        _set_translated(catalogue, "introduction", CATALOGUE_INTRODUCTION)
        root.add_child(instance=catalogue)
        catalogue.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name="Custodia")
    if site.root_page_id != catalogue.pk:
        old_root_id = site.root_page_id
        site.root_page = catalogue
        site.site_name = "Custodia"
        site.save()
        # Wagtail's placeholder "Welcome" page has no place in the course tree.
        Page.objects.filter(pk=old_root_id, depth=2, content_type__model="page").delete()
    return CourseIndexPage.objects.get(pk=catalogue.pk)


def build_course(catalogue, data, topics):
    def fill_course(page):
        _set_translated(page, "title", data["title"])
        _set_translated(page, "summary", data["summary"])
        objectives = {code: "\n".join(items) for code, items in data["learning_objectives"].items()}
        _set_translated(page, "learning_objectives", objectives)
        _set_translated(page, "prerequisites", data["prerequisites"])
        if data.get("sensitivity_notice"):
            _set_translated(page, "sensitivity_notice", data["sensitivity_notice"])
        page.audience_police = "police" in data["audiences"]
        page.audience_prosecutors = "prosecutors" in data["audiences"]
        page.audience_judges = "judges" in data["audiences"]
        page.level = data["level"]
        page.estimated_hours = Decimal(str(data["estimated_hours"]))
        page.topics = [topics[slug] for slug in data["topics"]]

    course = _upsert_child(catalogue, CoursePage, data["slug"], fill_course)
    for module_data in data["modules"]:

        def fill_module(page, module_data=module_data):
            _set_translated(page, "title", module_data["title"])
            _set_translated(page, "introduction", module_data["introduction"])
            page.estimated_minutes = module_data["estimated_minutes"]

        module = _upsert_child(course, ModulePage, module_data["slug"], fill_module)
        for lesson_data in module_data["lessons"]:

            def fill_lesson(page, lesson_data=lesson_data):
                _set_translated(page, "title", lesson_data["title"])
                _set_translated(page, "summary", lesson_data["summary"])
                page.estimated_minutes = lesson_data["estimated_minutes"]
                for language in PLATFORM_LANGUAGES:
                    setattr(page, f"body_{language.field_suffix}", _body_for(lesson_data["body"], language.code))

            _upsert_child(module, LessonPage, lesson_data["slug"], fill_lesson)
    # The course's available languages were refreshed by courses.signals on each publish above, the last
    # one with the whole course live.
    return course


@transaction.atomic
def load_demo_courses(directory=CONTENT_DIR):
    """Build or refresh the catalogue, topics and every demo course; return the courses."""
    documents = load_course_documents(directory)
    with translation.override("en"):
        topics = ensure_topics(directory)
        catalogue = ensure_catalogue()
        return [build_course(catalogue, data, topics) for data in documents]


def demo_step():
    """The ``load_demo`` step for courses: build them and describe what was built."""
    courses = load_demo_courses()
    lines = [f"Course: {course.title_en} ({', '.join(course.language_codes)})" for course in courses]
    return [*lines, f"{len(courses)} demo courses ready."]
