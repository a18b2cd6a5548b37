import pytest
from bs4 import BeautifulSoup


def course_titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".course-card__title a")]


def test_catalogue_lists_live_courses(client, courses):
    assert course_titles(client.get("/en/")) == ["Hash values (P)", "Hash values (J)"]


def test_catalogue_in_arabic_shows_arabic_titles(client, courses):
    assert course_titles(client.get("/ar/")) == ["قيم التجزئة (P)", "قيم التجزئة (J)"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("audience=police", ["Hash values (P)"]),
        ("audience=judges", ["Hash values (J)"]),
        ("audience=prosecutors", []),
        ("topic=trial-practice", ["Hash values (J)"]),
        ("topic=electronic-evidence&audience=judges", []),
        ("language=ar", ["Hash values (P)", "Hash values (J)"]),
        ("q=(J)", ["Hash values (J)"]),
        ("q=nothing-matches-this", []),
    ],
)
def test_filters(client, courses, query, expected):
    assert course_titles(client.get(f"/en/?{query}")) == expected


def test_search_matches_the_learners_language_and_english(client, courses):
    assert course_titles(client.get("/fr/?q=hachage")) == ["Valeurs de hachage (P)", "Valeurs de hachage (J)"]
    assert course_titles(client.get("/fr/?q=Hash")) == ["Valeurs de hachage (P)", "Valeurs de hachage (J)"]


def test_language_filter_excludes_incompletely_translated_courses(client, police_course, first_lesson):
    first_lesson.body_ru = []
    first_lesson.save_revision().publish()
    assert course_titles(client.get("/en/?language=ru")) == ["Hash values (J)"]


def test_invalid_filters_are_reported_and_ignored(client, courses):
    response = client.get("/fr/?audience=astronauts&topic=nope")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Sélectionnez un choix valide" in html  # Django's French validation message
    assert len(course_titles(response)) == 2


def test_course_page_shows_modules_hours_and_languages(client, police_course):
    response = client.get("/en/police-basics/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select(".module h3")] == ["Hash values M1", "Hash values M2"]
    facts = soup.select_one(".facts").get_text(" ", strip=True)
    assert "2 h" in facts
    for native in ("English", "Français", "Español", "Русский", "العربية", "简体中文"):
        assert native in facts


def test_sensitivity_notice_is_shown_before_the_content(client, police_course):
    police_course.sensitivity_notice_en = "This course discusses child sexual abuse."
    police_course.save_revision().publish()
    html = client.get("/en/police-basics/").content.decode()
    assert html.index("This course discusses child sexual abuse.") < html.index("Hash values M1")
