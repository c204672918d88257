from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/security/", views.security, name="security"),
    path("settings/security/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("settings/security/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("language/", views.set_language, name="set_language"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/suspend/", views.suspend, name="suspend"),
    path("u/<str:username>/recompute-trust/", views.recompute_trust, name="recompute_trust"),
]
