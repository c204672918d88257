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
    path("cases/<str:number>/evidence/", views.evidence_add, name="evidence_add"),
    path("cases/<str:number>/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("cases/<str:number>/respond/", views.case_respond, name="respond"),
    path("cases/<str:number>/accept/", views.verdict_accept, name="accept"),
    path("cases/<str:number>/appeal/", views.verdict_appeal, name="appeal"),
    path("cases/<str:number>/settle/", views.settlement_propose, name="settle"),
    path("settlements/<int:pk>/answer/", views.settlement_answer, name="settlement_answer"),
    path("cases/<str:number>/room/", views.room, name="room"),
    path("cases/<str:number>/room/post/", views.room_post, name="room_post"),
    path("cases/<str:number>/room/ask/", views.room_ask, name="room_ask"),
    path("cases/<str:number>/room/verdict/", views.verdict_propose, name="verdict_propose"),
    path("cases/<str:number>/room/ballots/<int:pk>/", views.ballot_cast, name="ballot"),
    path("questions/<int:pk>/forward/", views.question_forward, name="question_forward"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("obligations/<int:pk>/execute/", views.obligation_execute, name="obligation_execute"),
    path("obligations/<int:pk>/answer/", views.obligation_answer, name="obligation_answer"),
    path("obligations/<int:pk>/reopen/", views.obligation_reopen, name="obligation_reopen"),
    path("jurors/<int:pk>/answer/", views.juror_answer, name="answer"),
    path("draws/<str:number>/<int:round>/", views.draw_page, name="draw_page"),
    path("draws/<str:number>/<int:round>/draw.json", views.draw_file, name="draw_file"),
]
