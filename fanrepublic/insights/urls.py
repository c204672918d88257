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
