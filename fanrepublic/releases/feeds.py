from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from fanrepublic.products.models import ProductLine

from . import selectors


class ChangelogFeed(Feed):
    """Atom feed of published releases, all products or one, in the reader's language."""

    feed_type = Atom1Feed

    def get_object(self, request, product_slug=None):
        if product_slug is None:
            return None
        return get_object_or_404(ProductLine, slug=product_slug, is_active=True)

    def title(self, product):
        if product is None:
            return _("Fan Republic changelog")
        return _("%(product)s changelog") % {"product": product.display_name}

    def link(self, product):
        if product is None:
            return reverse("releases:index")
        return reverse("releases:product", args=[product.slug])

    def subtitle(self, product):
        return _("What shipped, and which of it came from members.")

    def items(self, product):
        return selectors.published_releases(product_line=product)[:30]

    def item_title(self, release):
        return release.display_name

    def item_description(self, release):
        notes = format_html("<p>{}</p>", release.display_notes) if release.display_notes else ""
        lines = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((item.get_kind_display(), item.display_title) for item in release.items.all()),
        )
        return format_html("{}<ul>{}</ul>", notes, lines)

    def item_link(self, release):
        return release.get_absolute_url()

    def item_pubdate(self, release):
        return release.published_at

    def item_updateddate(self, release):
        return release.published_at
