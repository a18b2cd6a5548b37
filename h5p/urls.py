from django.urls import path

from h5p import views

app_name = "h5p"

urlpatterns = [
    # Content origin (token in the path; see h5p/access.py)
    path("embed/<str:token>/", views.embed, name="embed"),
    path("c/<str:token>/content/<path:path>", views.content_file, name="content_file"),
    path("c/<str:token>/libraries/<path:path>", views.library_file, name="library_file"),
    path(
        "c/<str:token>/user-data/<str:content_id>/<str:data_type>/<str:sub_content_id>",
        views.user_data,
        name="user_data",
    ),
    path("player/<path:path>", views.player_file, name="player_file"),
    # Platform origin (session + CSRF)
    path("results/", views.record_result, name="results"),
]
