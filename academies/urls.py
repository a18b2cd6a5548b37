from django.urls import path

from academies import views

app_name = "academies"
urlpatterns = [
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<uuid:uuid>/", views.certificate_detail, name="certificate"),
    path("certificates/<uuid:uuid>/revoke/", views.certificate_action, {"action": "revoke"}, name="revoke"),
    path("certificates/<uuid:uuid>/reissue/", views.certificate_action, {"action": "reissue"}, name="reissue"),
]
