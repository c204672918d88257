from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    APP = "app", _("App")
    STORE = "store", _("Store")
    CHAT = "chat", _("Chat")
    API = "api", _("API")
    SYSTEM = "system", _("System")
