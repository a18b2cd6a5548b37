"""Language-prefixed pages: /<lang>/verify/... and /<lang>/certificates/..."""

from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_form, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/choose/", views.choose_academy, name="choose"),
    path("certificates/<uuid:uuid>/certificate.pdf", views.download_pdf, name="pdf"),
    path("certificates/<uuid:uuid>/open-badge.jwt", views.download_credential, name="credential"),
]
