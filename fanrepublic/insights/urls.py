from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("clv/", views.clv, name="clv"),
    path("clv/refit/", views.refit, name="refit"),
    path("clv/fits/<int:pk>/", views.fit_detail, name="fit"),
    path("clv/fits/<int:pk>/status/", views.fit_status, name="fit_status"),
    path("clv/fits/<int:pk>/members.csv", views.fit_export, name="fit_export"),
    path("clv/members/<int:member_id>/", views.member, name="member"),
]
urlpatterns += [
    path("effects/", views.effects, name="effects"),
    path("effects/compute/", views.effects_compute, name="effects_compute"),
]
urlpatterns += [
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_edit, name="survey_new"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/send/", views.survey_send, name="survey_send"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:pk>/answer/", views.answer, name="answer"),
    path("answers/<int:pk>/tags/", views.answer_tag, name="answer_tag"),
    path("answers/<int:pk>/route/", views.answer_route, name="answer_route"),
]
urlpatterns += [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("dashboard.csv", views.dashboard_export, name="dashboard_export"),
]
