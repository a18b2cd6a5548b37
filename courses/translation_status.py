"""Which learner-visible fields of a page, or of a whole course, lack a translation.

A field counts when its English text is filled in: an empty optional field needs no
translation. The catalogue's language filter, the learner's fallback notice and the
admin's translation-status report all read from here.
"""

from modeltranslation.translator import NotRegistered, translator

from elearning.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES, get_language_info

# Page fields editors rarely fill and learners never read.
IGNORED_FIELDS = {"seo_title", "search_description", "slug", "url_path"}


def translated_field_names(model):
    """The translatable field names registered for ``model`` (inherited ones included)."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return []
    return sorted(name for name in options.all_fields if name not in IGNORED_FIELDS)


def _is_empty(value):
    if value is None:
        return True
    if hasattr(value, "raw_data"):  # StreamValue
        return len(value) == 0
    if hasattr(value, "source"):  # RichText
        value = value.source
    return not str(value).strip()


def missing_fields(page, language):
    """Field names filled in English but empty in ``language``."""
    suffix = get_language_info(language).field_suffix
    if language == DEFAULT_LANGUAGE or suffix == DEFAULT_LANGUAGE:
        return []
    missing = []
    for name in translated_field_names(type(page)):
        english = getattr(page, f"{name}_{DEFAULT_LANGUAGE}", None)
        if not _is_empty(english) and _is_empty(getattr(page, f"{name}_{suffix}", None)):
            missing.append(name)
    return missing


def course_pages(course, live_only=True):
    """The course and every module and lesson below it, as specific pages, in tree order."""
    pages = course.get_descendants(inclusive=True).order_by("path")
    if live_only:
        pages = pages.live()
    return list(pages.specific())


def course_translation_report(course, live_only=False):
    """Per language, the pages of ``course`` with missing fields: ``{code: [(page, [fields])]}``."""
    pages = course_pages(course, live_only=live_only)
    report = {}
    for code in LANGUAGE_CODES:
        report[code] = [(page, missing) for page in pages if (missing := missing_fields(page, code))]
    return report


def complete_languages(course):
    """Language codes in which every live page of ``course`` is fully translated."""
    report = course_translation_report(course, live_only=True)
    return [code for code in LANGUAGE_CODES if not report[code]]
