from django.db.models import QuerySet

from .models import ProductLine


def product_lines_active() -> QuerySet[ProductLine]:
    return ProductLine.objects.filter(is_active=True).order_by("position", "name")
