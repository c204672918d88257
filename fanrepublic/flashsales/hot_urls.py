"""The flash-sale reservation path, resolved before every other page (the capability
declares it as `hot_urls`): a sale's opening sends thousands of these a second. No
namespace, so the benchmark and the API's description find it by a stable name."""

from django.urls import path

from . import views

urlpatterns = [path("flash/<slug:slug>/hold", views.hold_json, name="flash_hold")]
