"""The demo's product lines. Idempotent."""

from .models import ProductLine

PRODUCT_LINES = [
    {
        "slug": "orange-15-pro",
        "kind": "phone",
        "name": "Orange 15 Pro",
        "name_zh": "橙子 15 Pro",
        "description": "Our flagship phone: 1-inch main camera, 120 W charging, OrangeOS.",
        "description_zh": "旗舰手机：一英寸大底主摄、120W 快充、OrangeOS 系统。",
    },
    {
        "slug": "orange-su7",
        "kind": "car",
        "name": "Orange SU7",
        "name_zh": "橙子 SU7 汽车",
        "description": "The electric sedan: up to 800 km range, NOA assisted driving, OTA updates.",
        "description_zh": "纯电轿车：最高 800 公里续航、NOA 智能辅助驾驶、整车 OTA 升级。",
    },
    {
        "slug": "orange-home",
        "kind": "home",
        "name": "Orange Home",
        "name_zh": "橙子智能家居",
        "description": "Home appliances: air purifiers, rice cookers and robot vacuums.",
        "description_zh": "智能家居：空气净化器、电饭煲、扫地机器人。",
    },
    {
        "slug": "orange-band-9",
        "kind": "wearable",
        "name": "Orange Band 9",
        "name_zh": "橙子手环 9",
        "description": "The fitness band: 14-day battery, 150 workout modes, sleep and SpO2 tracking.",
        "description_zh": "运动手环：14 天续航、150 种运动模式、睡眠与血氧监测。",
    },
]


def seed(run) -> None:
    for position, spec in enumerate(PRODUCT_LINES):
        fields = {k: v for k, v in spec.items() if k != "slug"}
        ProductLine.objects.get_or_create(slug=spec["slug"], defaults={**fields, "position": position})
