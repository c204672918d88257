from django.urls import path

from .consumers import HallConsumer

websocket_urlpatterns = [path("ws/launches/<slug:slug>/", HallConsumer.as_asgi())]
