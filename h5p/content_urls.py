"""H5P on the content origin (``elearning.content_urls`` mounts it at ``/h5p/``); see learning/launch.py.

launch/<token>/                           the launch document (the only URL with a token; never cached)
content/<content key>/h5p.json|content/…  the package's files (immutable; the launch's cookie where required)
libraries/<library set>/<Machine.Name-M.m>/…  approved library versions (public, immutable)
player/<player key>/…                     h5p-standalone and our player files (public, immutable)
state/<session>/<content id>/<data type>/<sub content id>   the officer's saved state (never cached)
"""

from django.urls import path

from h5p import views

app_name = "h5p_content"

urlpatterns = [
    path("launch/<str:token>/", views.launch_document, name="launch"),
    path("content/<str:key>/<path:path>", views.content_file, name="content_file"),
    path("libraries/<str:key>/<path:path>", views.library_file, name="library_file"),
    path("player/<str:key>/<path:path>", views.player_file, name="player_file"),
    path(
        "state/<str:session>/<str:content_id>/<str:data_type>/<str:sub_content_id>",
        views.user_data,
        name="user_data",
    ),
]
