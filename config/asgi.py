"""ASGI entry point: HTTP through Django, WebSockets (the live launch hall) through
Channels. Serve with `uvicorn config.asgi:application` (or daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

# Django must be set up before the consumers (and their models) are imported.
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from fanrepublic.launches.routing import websocket_urlpatterns  # noqa: E402

# Only pages of this site may open the hall's socket (it carries the session cookie).
websocket_app = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))

application = ProtocolTypeRouter({"http": django_http, "websocket": websocket_app})
