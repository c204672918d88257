from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import ProductLine


@admin.register(ProductLine)
class ProductLineAdmin(AuditedModelAdmin):
    list_display = ("name", "name_zh", "kind", "position", "is_active")
    list_filter = ("kind", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_zh")
