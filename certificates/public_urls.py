"""Machine-readable, language-independent URLs: issuer profile, JWKS and revocation status list."""

from django.urls import path

from certificates import views

app_name = "credentials"
urlpatterns = [
    path("issuers/<slug:slug>/", views.issuer_profile, name="issuer"),
    path("issuers/<slug:slug>/jwks.json", views.jwks, name="jwks"),
    path("issuers/<slug:slug>/status/revocation", views.status_list, name="status_list"),
]
