from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from fanrepublic.core import views as core_views
from fanrepublic.core.capabilities import page_urlpatterns

from .api import api

# The admin signs in through the site's own sign-in page, which asks for the second factor
# (docs/security.md, "Second factor for staff"); its password-only form is never shown.
admin.site.login = secure_admin_login(admin.site.login)

# Every app's pages come from its capability.py (core.capabilities); nothing here lists
# them. Hot paths resolve first: Django tries patterns in order.
hot_paths, app_pages = page_urlpatterns()
urlpatterns = [
    *hot_paths,
    path("bench/bare/", core_views.bare, name="bench_bare"),  # the benchmarks' baseline
    path("accounts/", include("allauth.urls")),
    *app_pages,
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health/", core_views.health, name="health"),
]

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # Uploaded images on a laptop; production serves MEDIA_ROOT from the web server.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
