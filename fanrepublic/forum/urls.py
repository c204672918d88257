from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("b/<slug:slug>/", views.board_detail, name="board"),
    path("b/<slug:slug>/new/", views.topic_create, name="topic_create"),
    path("t/<int:pk>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("t/<int:pk>/reply/", views.reply_create, name="reply_create"),
    path("t/<int:pk>/like/", views.topic_like, name="topic_like"),
    path("t/<int:pk>/vote/", views.topic_vote, name="topic_vote"),
    path("t/<int:pk>/status/", views.topic_status, name="topic_status"),
    path("t/<int:pk>/merge/", views.topic_merge, name="topic_merge"),
    path("t/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("t/<int:pk>/move/", views.topic_move, name="topic_move"),
    path("t/<int:pk>/claim/", views.topic_claim, name="topic_claim"),
    path("r/<int:pk>/", views.reply_permalink, name="reply"),
    path("r/<int:pk>/edit/", views.reply_edit, name="reply_edit"),
    path("r/<int:pk>/like/", views.reply_like, name="reply_like"),
    path("r/<int:pk>/moderate/", views.reply_moderate, name="reply_moderate"),
    path("flag/<str:kind>/<int:pk>/", views.flag_create, name="flag"),
    path("staff/flags/", views.flags_queue, name="flags"),
    path("staff/flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("staff/desk/", views.desk, name="desk"),
    path("staff/desk/<int:pk>/answer/", views.desk_answer, name="desk_answer"),
    path("staff/metrics/", views.metrics, name="metrics"),
]
