"""What the trust app shows on other apps' pages."""

from fanrepublic.stores.sections import contact_section

from .views import contact_section as trust_panel

contact_section(trust_panel)
