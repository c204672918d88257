from django.conf import settings


class Once:
    """A value computed on first use in a template (templates call callables), so pages
    and partials that never show it never pay for its query."""

    def __init__(self, compute):
        self._compute = compute
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value = self._compute()
            self._done = True
        return self._value


def site(request):
    return {"SITE_NAME": settings.SITE_NAME}
