from django.urls import path

from . import views

app_name = "opensource"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("mine/link/", views.link, name="link"),
    path("mine/accounts/<int:pk>/unlink/", views.unlink, name="unlink"),
    path("mine/accept/", views.accept, name="accept"),
    path("approvals/", views.queue, name="queue"),
    path("approvals/<int:pk>/decide/", views.decide, name="decide"),
    path("titles/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("agreement/", views.agreement, name="agreement"),
    path("repositories/open/", views.repository_open, name="repository_open"),
    path("repositories/<int:pk>/", views.repository, name="repository"),
    path("repositories/<int:pk>/submit/", views.submit, name="submit"),
    path("repositories/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("hooks/<int:pk>/", views.hook, name="hook"),
]
