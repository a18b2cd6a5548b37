"""Certificate PDFs: an HTML template (the academy's override or the platform's default) through WeasyPrint.

Rendered once, at issue, in the officer's language (``dir="rtl"`` for Arabic; Noto fonts from
Debian's fonts-noto-core and fonts-noto-cjk shape Arabic and Chinese), with a QR code (SVG) of
the verification URL. Images are embedded as ``data:`` URLs and the fetcher refuses every other
scheme, so a template can never read local files or reach the network.
"""

import base64
import mimetypes

import qrcode
import qrcode.image.svg
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import translation

from certificates import credentials
from elearning.languages import get_language_info

DEFAULT_TEMPLATE = "certificates/pdf/default.html"
# Every script a name or title may use, after the language's own font.
FALLBACK_FONTS = '"Noto Sans", "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans CJK SC", sans-serif'


def qr_svg(data):
    """The QR code of ``data`` as SVG text (error correction M)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")


def data_url(content, mime_type):
    return f"data:{mime_type};base64,{base64.b64encode(content).decode('ascii')}"


def image_data_url(image):
    """A Wagtail image as a data: URL (None when missing or unreadable)."""
    if image is None:
        return None
    try:
        with image.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None
    mime_type = mimetypes.guess_type(image.file.name)[0] or "image/png"
    return data_url(content, mime_type)


def _image(image_id):
    if not image_id:
        return None
    from wagtail.images import get_image_model

    return get_image_model().objects.filter(pk=image_id).first()


def render_html(certificate, *, academy=None, template_source=None):
    """The certificate page as HTML, in the certificate's language."""
    academy = academy or certificate.academy
    language = get_language_info(certificate.language)
    url = credentials.verification_url(certificate.code, language.code)
    context = {
        "certificate": certificate,
        "language": language,
        "direction": language.direction,
        "font_stack": f"{language.font_stack}, {FALLBACK_FONTS}",
        "course_title": certificate.course_title(language.code),
        "academy_name": certificate.academy_name(language.code),
        "verification_url": url,
        "qr_data_url": data_url(qr_svg(url).encode("utf-8"), "image/svg+xml"),
        "logo_data_url": image_data_url(getattr(academy, "logo", None)),
        "signatories": [
            {**signatory, "signature_data_url": image_data_url(_image(signatory.get("signature_image_id")))}
            for signatory in certificate.signatories
        ],
    }
    source = template_source if template_source is not None else getattr(academy, "certificate_template", "")
    with translation.override(language.code):
        if source.strip():
            return Template(source).render(Context(context, autoescape=True))
        return get_template(DEFAULT_TEMPLATE).render(context)


_shared_fonts = []


def _font_config(shared):
    """Fontconfig set-up is half the time of a page: the default template (no @font-face) reuses one."""
    from weasyprint.text.fonts import FontConfiguration

    if not shared:
        return FontConfiguration()
    if not _shared_fonts:
        _shared_fonts.append(FontConfiguration())
    return _shared_fonts[0]


def write_pdf(html, *, shared_fonts=False):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(font_config=_font_config(shared_fonts))


def render_pdf(certificate, *, academy=None, template_source=None):
    academy = academy or certificate.academy
    source = template_source if template_source is not None else getattr(academy, "certificate_template", "")
    html = render_html(certificate, academy=academy, template_source=source)
    return write_pdf(html, shared_fonts=not source.strip())
