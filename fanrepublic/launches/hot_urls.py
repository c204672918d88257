"""Launch night's hot path, resolved before every other page (the capability declares it
as `hot_urls`): Django tries patterns in order, and answers come thousands of times a
second. No namespace, so the benchmark and the hall's script find it by a stable name."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "launches/<slug:slug>/questions/<int:question_id>/answer/<int:option_id>",
        views.cast_json,
        name="launch_answer",
    ),
]
