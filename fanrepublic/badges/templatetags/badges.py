from django import template

from fanrepublic.badges.selectors import badges_of

register = template.Library()


@register.inclusion_tag("badges/showcase.html")
def badge_showcase(member):
    return {"held": list(badges_of(member=member))}


@register.inclusion_tag("badges/grant_form.html", takes_context=True)
def badge_grant_form(context, member):
    from fanrepublic.badges.models import Badge

    return {
        "member": member,
        "badges": Badge.objects.order_by("position", "name"),
        "csrf_token": context.get("csrf_token"),
    }
