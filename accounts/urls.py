from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.profile, name="account_profile"),
    path("delete/", views.delete, name="account_delete"),
]
