"""How members' roles and trust levels show on pages: `{% load member_tags %}`."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from fanrepublic.members import honours
from fanrepublic.members.enums import StaffRole, TrustLevel
from fanrepublic.members.profile import sections_for

register = template.Library()


@register.simple_tag
def role_badge(role: str):
    """The visible staff label on every post a staff member writes."""
    if not role:
        return ""
    label = StaffRole(role).label if role in StaffRole.values else role
    return format_html('<span class="badge badge-staff badge-{}" title="{}">{}</span>', role, label, label)


@register.simple_tag
def honour_badge(member):
    """The title another capability awarded the member (an Academician's number), beside
    their name wherever it is shown."""
    text = honours.label(getattr(member, "honour", "") or "")
    if not text:
        return ""
    kind = member.honour.partition(":")[0].replace(".", "-")
    return format_html('<span class="badge badge-honour badge-{}">{}</span>', kind, text)


@register.filter
def trust_label(level) -> str:
    try:
        return TrustLevel(int(level)).label
    except (ValueError, TypeError):
        return ""


@register.simple_tag(takes_context=True)
def profile_sections(context, slot: str, member):
    """Render the sections other apps registered for this slot of the profile page."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    parts = [
        render_to_string(template, {**section_context, "member": member}, request=request)
        for template, section_context in sections_for(slot, member=member, viewer=viewer)
    ]
    return mark_safe("".join(parts))  # noqa: S308  (each part is a rendered, escaped template)
