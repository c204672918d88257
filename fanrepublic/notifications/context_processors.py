from fanrepublic.core.context_processors import Once

from .selectors import unread_count


def unread(request):
    """The bell's count in the header, computed only if the page shows it."""
    user = getattr(request, "user", None)

    def count():
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user=user)

    return {"unread_notifications": Once(count)}
