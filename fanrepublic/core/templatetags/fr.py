from django import template
from django.utils.html import format_html

from fanrepublic.members.enums import StaffRole, TrustLevel

register = template.Library()


@register.simple_tag
def role_badge(role: str):
    """The visible staff label on every post a staff member writes."""
    if not role:
        return ""
    label = StaffRole(role).label if role in StaffRole.values else role
    return format_html('<span class="badge badge-staff badge-{}" title="{}">{}</span>', role, label, label)


@register.filter
def trust_label(level) -> str:
    try:
        return TrustLevel(int(level)).label
    except (ValueError, TypeError):
        return ""


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
