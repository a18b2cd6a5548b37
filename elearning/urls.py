from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from academies.api import api as academies_api
from accounts.twofactor import guard_urlpatterns
from core import views as core_views

# The admin's pages that come before two-factor: signing in and out, password reset, its sprite and catalog.
ADMIN_BEFORE_SIGN_IN = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
}

urlpatterns = [
    # Every other admin view reads or changes records: two-factor first (accounts/twofactor.py).
    path("admin/", include(guard_urlpatterns(wagtailadmin_urls.urlpatterns, open_names=ADMIN_BEFORE_SIGN_IN))),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("healthz", core_views.health, name="health"),
    path("h5p/", include("h5p.urls")),  # H5P results (the content origin has its own URLconf)
    path("credentials/", include("certificates.public_urls")),  # issuer profiles, JWKS, status lists
    path("api/v1/", academies_api.urls),  # academy systems (token-authenticated); see docs/api.md
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("learning/", include("learning.urls")),
    path("academies/", include("academies.urls")),
    path("", include("certificates.urls")),  # verify/..., certificates/...
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
