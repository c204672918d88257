"""The platform's own addresses that providers are given (notifications, the return page)."""

from django.conf import settings
from django.urls import reverse


def notify_url(code: str) -> str:
    return absolute(reverse("payments:notify", args=[code]))


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
