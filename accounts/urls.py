from django.urls import path
from django.views.generic import RedirectView

from accounts import views

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("delete/", views.delete, name="settings_delete"),
]

# The person's page lived at /account/ before: old bookmarks still arrive.
legacy_urlpatterns = [
    path("", RedirectView.as_view(pattern_name="settings", permanent=True)),
    path("delete/", RedirectView.as_view(pattern_name="settings_delete", permanent=True)),
]
