from django.urls import path

from . import views

app_name = "court"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("policy/", views.policy, name="policy"),
    path("file/", views.case_file, name="file"),
    path("cases/<str:number>/", views.case, name="case"),
    path("cases/<str:number>/admit/", views.case_admit, name="admit"),
    path("cases/<str:number>/refuse/", views.case_refuse, name="refuse"),
    path("cases/<str:number>/draw/", views.jury_draw, name="draw"),
    path("jurors/<int:pk>/answer/", views.juror_answer, name="answer"),
    path("draws/<str:number>/<int:round>/", views.draw_page, name="draw_page"),
    path("draws/<str:number>/<int:round>/draw.json", views.draw_file, name="draw_file"),
]
