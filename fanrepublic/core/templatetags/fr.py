from django import template

from fanrepublic.core.capabilities import nav_for

register = template.Library()


@register.filter
def localized(obj, field: str):
    return obj.localized(field)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def percent(value):
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def in_set(value, container) -> bool:
    return value in container if container else False


@register.simple_tag(takes_context=True)
def nav_menu(context, menu: str):
    """(label, href) of a header menu's entries this visitor may see, declared by the apps
    (their capability.py `nav`), each shown by the same rule its page applies."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    if user is None:
        return []
    return nav_for(menu, user)
