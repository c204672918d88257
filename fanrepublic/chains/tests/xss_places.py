"""The stored-XSS suite's places for chains (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into each text field through this app's services, and
every page that shows it checked."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

# Text fields no page shows as typed text, each with the reason.
ALLOWED: dict[str, str] = {
    "chains.Chain.slug": "made by the platform (letters and digits); never typed by anyone",
}
# Named pages that never show stored text, each with the reason.
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        [
            "chains:sign",
            "chains:withdraw",
            "chains:close",
            "chains:hide",
            "chains:hide_entry",
            "chains:restore_entry",
        ],
        "POST only: redirects to the chain's page (visited), or shows it with the form's errors",
    ),
    "chains:export": "a CSV file through core.csvexport (its formula guard: there and in test_views)",
}


@place(
    "chains",
    "chains.Chain.theme",
    "chains.Chain.description",
    "chains.Chain.pledge_label",
    "chains.Entry.message",
    "chains.Entry.hidden_reason",
)
def chains_and_lines(pages: Pages):
    from fanrepublic.chains import services
    from fanrepublic.members.tests.factories import MemberFactory, operator

    op = operator()
    themes, labels, descriptions = packs(120), packs(80), packs(2000)
    made = []
    for index in range(max(len(themes), len(labels), len(descriptions))):
        groups = [g[index % len(g)] for g in (themes, labels, descriptions)]
        chain = services.chain_start(
            actor=op,
            theme=" ".join(p.text for p in groups[0]),
            pledge_label=" ".join(p.text for p in groups[1]),
            description="\n".join(p.text for p in groups[2]),
            pledge_max=2,
        )
        made.append((chain, [m for g in groups for m in markers(g)]))
    chain = made[0][0]
    lines = []
    for group in packs(140):
        member = MemberFactory()
        services.entry_sign(actor=member, chain=chain, message=" ".join(p.text for p in group), pledge=1)
        lines += markers(group)
    pages.check(None, _reverse("chains:chain", chain.slug), shows=lines)
    pages.check(None, _reverse("chains:live", chain.slug))
    reasons = []
    for index, group in enumerate(packs(200)):
        entry = chain.entries.order_by("number")[index % chain.entries.count()]
        services.entry_restore(actor=op, entry=entry)
        services.entry_hide(actor=op, entry=entry, reason=" ".join(p.text for p in group))
        reasons += markers(group)
    for found, shown in made:
        pages.check(None, _reverse("chains:chain", found.slug), shows=shown)
        pages.check(op, _reverse("chains:qr", found.slug))
    pages.check(op, _reverse("chains:chain", chain.slug), shows=reasons)
    pages.check(None, _reverse("chains:index"))
    pages.check(op, _reverse("chains:start"))
    reader = MemberFactory()
    pages.check(reader, _reverse("chains:chain", chain.slug))
    pages.admin(chain, *chain.entries.all()[:2])
