"""The content origin's URLs (``CUSTODIA_CONTENT_URLCONF``): packaged activities' files and nothing else.

``learning.launch.ContentOriginMiddleware`` resolves every request to the content host against this
URLconf only; sign-in, the admin and pages do not exist there. Each activity app adds its prefix.
"""

from django.urls import include, path

urlpatterns = [
    path("h5p/", include("h5p.content_urls")),
]

handler400 = "learning.launch.content_bad_request"
handler403 = "learning.launch.content_forbidden"
handler404 = "learning.launch.content_not_found"
handler500 = "learning.launch.content_server_error"
