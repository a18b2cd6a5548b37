from django.urls import path

from academies import records_views, views
from accounts.twofactor import guard_urlpatterns

app_name = "academies"
urlpatterns = [
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<uuid:uuid>/", views.certificate_detail, name="certificate"),
    path("certificates/<uuid:uuid>/revoke/", views.certificate_action, {"action": "revoke"}, name="revoke"),
    path("certificates/<uuid:uuid>/reissue/", views.certificate_action, {"action": "reissue"}, name="reissue"),
    path("", records_views.index, name="index"),
    path("api-tokens/", records_views.api_tokens, name="api_tokens"),
    path("api-tokens/<id:pk>/revoke/", records_views.api_token_revoke, name="api_token_revoke"),
    path("<slug:slug>/reports/", records_views.report, name="report"),
    path("<slug:slug>/officers/", records_views.officers, name="officers"),
    path(
        "<slug:slug>/officers/<id:pk>/transcript.pdf",
        records_views.officer_transcript,
        {"fmt": "pdf"},
        name="transcript_pdf",
    ),
    path(
        "<slug:slug>/officers/<id:pk>/transcript.json",
        records_views.officer_transcript,
        {"fmt": "json"},
        name="transcript_json",
    ),
    path("<slug:slug>/import/", records_views.import_officers, name="import"),
    path("<slug:slug>/import/<id:pk>/", records_views.import_batch, name="import_batch"),
    path("<slug:slug>/exports/", records_views.export_list, name="exports"),
    path("<slug:slug>/exports/<uuid:uuid>/", records_views.export_detail, name="export"),
    path("<slug:slug>/exports/<uuid:uuid>/status.json", records_views.export_status, name="export_status"),
    path("<slug:slug>/exports/<uuid:uuid>/download/", records_views.export_download, name="export_download"),
]

# Every academy page shows or changes officers' records: two-factor first (accounts/twofactor.py).
urlpatterns = guard_urlpatterns(urlpatterns)
