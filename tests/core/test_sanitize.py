import pytest

from core.html import sanitize_html


@pytest.mark.parametrize(
    "dirty",
    [
        "<p>Hi<script>alert(1)</script></p>",
        '<p onclick="alert(1)">Hi</p>',
        '<p><img src="x" onerror="alert(1)">Hi</p>',
        "<p>Hi<iframe src='https://evil.example'></iframe></p>",
        "<p style=\"background:url('javascript:alert(1)')\">Hi</p>",
        "<svg onload=alert(1)><p>Hi</p></svg>",
    ],
)
def test_active_content_is_removed(dirty):
    clean = sanitize_html(dirty)
    for forbidden in ("script", "onclick", "onerror", "onload", "iframe", "style", "alert", "svg"):
        assert forbidden not in clean.lower()
    assert "Hi" in clean


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4="])
def test_dangerous_link_schemes_are_dropped(href):
    clean = sanitize_html(f'<p><a href="{href}">click</a></p>')
    assert "href" not in clean
    assert "click" in clean


def test_safe_links_keep_href_and_get_noopener():
    clean = sanitize_html('<p><a href="https://www.unodc.org/">UNODC</a></p>')
    assert 'href="https://www.unodc.org/"' in clean
    assert 'rel="noopener noreferrer"' in clean


def test_direction_and_language_survive():
    clean = sanitize_html('<p dir="rtl" lang="ar">سلسلة الحيازة <span dir="ltr">SHA-256</span></p>')
    assert 'dir="rtl"' in clean
    assert 'lang="ar"' in clean
    assert 'dir="ltr"' in clean


def test_invalid_direction_value_is_dropped():
    assert "dir=" not in sanitize_html('<p dir="javascript">x</p>')


def test_empty_input():
    assert sanitize_html(None) == ""
    assert sanitize_html("") == ""


def test_media_only_when_asked_and_only_from_this_site():
    html = (
        '<p><img src="/media/original_images/flag.png" alt="Flag" width="50" onerror="alert(1)">'
        '<img src="https://tracker.example/pixel.gif"><img src="//evil.example/x.png">'
        '<audio controls src="/documents/3/interview.mp3"></audio><video src="javascript:alert(1)"></video></p>'
    )
    assert "<img" not in sanitize_html(html) and "<audio" not in sanitize_html(html)
    clean = sanitize_html(html, media=True)
    assert '<img src="/media/original_images/flag.png" alt="Flag" width="50">' in clean
    assert "tracker.example" not in clean and "evil.example" not in clean and "javascript" not in clean
    assert '<audio controls="" src="/documents/3/interview.mp3"></audio>' in clean
