"""H5P on the platform's origin (session + CSRF); the content origin's URLs are in h5p/content_urls.py."""

from django.urls import path

from h5p import views

app_name = "h5p"

urlpatterns = [
    path("results/", views.record_result, name="results"),
]
