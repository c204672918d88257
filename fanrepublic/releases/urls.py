from django.urls import path

from . import views
from .feeds import ChangelogFeed

app_name = "releases"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/", ChangelogFeed(), name="feed"),
    path("metrics/", views.metrics, name="metrics"),
    path("staff/", views.plan, name="plan"),
    path("staff/<int:pk>/", views.workbench, name="workbench"),
    path("staff/<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("staff/<int:pk>/publish/", views.publish, name="publish"),
    path("<slug:product_slug>/", views.product, name="product"),
    path("<slug:product_slug>/feed/", ChangelogFeed(), name="product_feed"),
    path("<slug:product_slug>/<str:version>/", views.release, name="release"),
]
