from django import template

from fanrepublic.betas.selectors import entitlements_of

register = template.Library()


@register.inclusion_tag("betas/entitlements.html")
def entitlement_list(member):
    return {"entitlements": list(entitlements_of(member=member))}
