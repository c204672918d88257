"""Who may take part: the one check behind rewards, perks and (later) beta programmes
and votes. It answers with reasons a member can act on, not just yes or no."""

from django.utils.translation import gettext as _

from fanrepublic.members.selectors import verified_product_line_ids

from .models import MemberBadge


def eligibility_problems(
    member,
    *,
    min_trust_level: int = 0,
    badges=(),
    regions=(),
    product_lines=(),
    verified_product_lines=(),
) -> list[str]:
    """Everything that keeps `member` out, in words; an empty list means eligible.
    `badges`, `product_lines` (owned, by the member's own word) and
    `verified_product_lines` (owned, shown by a purchase or a registered serial number)
    are model instances, all required; `regions` are country codes (any one of them)."""
    problems = []
    if member.trust_level < min_trust_level:
        problems.append(
            _("Needs trust level %(n)d; you are at level %(m)d.")
            % {"n": min_trust_level, "m": member.trust_level}
        )
    badges = list(badges)
    if badges:
        held = set(
            MemberBadge.objects.filter(member=member, badge__in=badges).values_list("badge_id", flat=True)
        )
        missing = [b.display_name for b in badges if b.pk not in held]
        if missing:
            problems.append(_("Needs the badges: %(names)s.") % {"names": ", ".join(missing)})
    regions = [str(code) for code in regions]
    if regions and str(member.country or "") not in regions:
        problems.append(
            _("Only for members in: %(regions)s. Set your country or region on your profile.")
            % {"regions": ", ".join(_region_names(regions))}
        )
    product_lines = list(product_lines)
    if product_lines:
        owned = set(member.products_owned.values_list("pk", flat=True))
        missing = [p.display_name for p in product_lines if p.pk not in owned]
        if missing:
            problems.append(_("Only for owners of: %(names)s.") % {"names": ", ".join(missing)})
    verified_product_lines = list(verified_product_lines)
    if verified_product_lines:
        verified = verified_product_line_ids(member=member)
        missing = [p.display_name for p in verified_product_lines if p.pk not in verified]
        if missing:
            # Saying so on the profile is not enough here: tell the member what counts.
            problems.append(
                _(
                    "Only for verified owners of: %(names)s. A purchase from a store or the "
                    "online shop, or a registered serial number, verifies ownership."
                )
                % {"names": ", ".join(missing)}
            )
    return problems


def _region_names(codes):
    from django_countries import countries

    return [countries.name(code) or code for code in codes]
