"""H5P on the content origin (``elearning.content_urls`` mounts it at ``/h5p/``); see learning/launch.py."""

from django.urls import path

from h5p import views

app_name = "h5p_content"

urlpatterns = [
    path("embed/<str:token>/", views.embed, name="embed"),
    path("c/<str:token>/content/<path:path>", views.content_file, name="content_file"),
    path("c/<str:token>/libraries/<path:path>", views.library_file, name="library_file"),
    path(
        "c/<str:token>/user-data/<str:content_id>/<str:data_type>/<str:sub_content_id>",
        views.user_data,
        name="user_data",
    ),
    path("player/<path:path>", views.player_file, name="player_file"),
]
