from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("courses/<id:course_id>/enrol/", views.enrol_view, name="enrol"),
    path("courses/<id:course_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("courses/<id:course_id>/renew/", views.renew_view, name="renew"),
    path("lessons/<id:lesson_id>/complete/", views.complete_lesson_view, name="complete_lesson"),
    path("my-data/", views.privacy_view, name="privacy"),
    path("my-data/download/", views.export_view, name="export"),
]
