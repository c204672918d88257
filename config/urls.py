from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from fanrepublic.core import views as core_views
from fanrepublic.launches import views as launch_views

from .api import api

urlpatterns = [
    # Launch night's hot path and the benchmark baseline resolve first: Django tries the
    # patterns in order, and these two are requested thousands of times a second.
    path(
        "launches/<slug:slug>/questions/<int:question_id>/answer/<int:option_id>",
        launch_views.cast_json,
        name="launch_answer",
    ),
    path("bench/bare/", core_views.bare, name="bench_bare"),
    path("", include("fanrepublic.forum.urls")),
    path("accounts/", include("allauth.urls")),
    path("members/", include("fanrepublic.members.urls")),
    path("notifications/", include("fanrepublic.notifications.urls")),
    path("points/", include("fanrepublic.points.urls")),
    path("rewards/", include("fanrepublic.rewards.urls")),
    path("badges/", include("fanrepublic.badges.urls")),
    path("releases/", include("fanrepublic.releases.urls")),
    path("bounty/", include("fanrepublic.bounty.urls")),
    path("betas/", include("fanrepublic.betas.urls")),
    path("votes/", include("fanrepublic.governance.urls")),
    path("committees/", include("fanrepublic.committees.urls")),
    path("launches/", include("fanrepublic.launches.urls")),
    path("staff/audit/", core_views.audit_log, name="audit_log"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health/", core_views.health, name="health"),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # Uploaded images on a laptop; production serves MEDIA_ROOT from the web server.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
