"""What the products app adds to the platform (the capability contract, core/capabilities.py):
product lines that boards, programmes and votes hang off. It has no pages of its own yet;
staff keep product lines in the admin."""

from fanrepublic.core.capabilities import Capability, DemoStep

CAPABILITY = Capability(label="products", demo=(DemoStep("products", "fanrepublic.products.demo:seed"),))
