from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("mine/", views.mine, name="mine"),
    path("reviews/", views.queue, name="queue"),
    path("<int:pk>/", views.proposal, name="proposal"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]
urlpatterns += [
    path("agreement/", views.agreement, name="agreement"),
    path("<int:pk>/offer/", views.offer, name="offer"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/royalties/", views.royalties, name="royalties"),
    path("<int:pk>/royalties.csv", views.royalties_csv, name="royalties_csv"),
]
