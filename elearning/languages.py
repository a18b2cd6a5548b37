"""The one language table: LANGUAGES, the switcher, fonts and text direction come from here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # Django language code, also the URL prefix
    english_name: str
    native_name: str
    direction: str  # "ltr" or "rtl"
    font_stack: str

    @property
    def field_suffix(self):
        """Suffix django-modeltranslation gives translated columns (``title_zh_hans``)."""
        return self.code.replace("-", "_")

    @property
    def is_rtl(self):
        return self.direction == "rtl"


_LATIN = '"Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

PLATFORM_LANGUAGES = (
    Language("en", "English", "English", "ltr", _LATIN),
    Language("fr", "French", "Français", "ltr", _LATIN),
    Language("es", "Spanish", "Español", "ltr", _LATIN),
    Language("ru", "Russian", "Русский", "ltr", _LATIN),
    Language("ar", "Arabic", "العربية", "rtl", '"Noto Sans Arabic", "Noto Naskh Arabic", Tahoma, sans-serif'),
    Language(
        "zh-hans",
        "Chinese (Simplified)",
        "简体中文",
        "ltr",
        '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif',
    ),
)

DEFAULT_LANGUAGE = "en"
LANGUAGE_CODES = tuple(language.code for language in PLATFORM_LANGUAGES)
_BY_CODE = {language.code: language for language in PLATFORM_LANGUAGES}


def get_language_info(code):
    """The table entry for a language code, falling back to English for unknown codes."""
    return _BY_CODE.get((code or "").lower(), _BY_CODE[DEFAULT_LANGUAGE])


def django_languages():
    """``settings.LANGUAGES``: names stay in English there; the switcher shows native names."""
    return [(language.code, language.english_name) for language in PLATFORM_LANGUAGES]
