import factory

from fanrepublic.products.models import ProductKind, ProductLine


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Orange Phone {n}")
    name_zh = factory.Sequence(lambda n: f"橙子手机 {n}")
    kind = ProductKind.PHONE
