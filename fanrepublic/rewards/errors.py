from django.utils.translation import gettext_lazy as _

from fanrepublic.core.errors import Conflict, Forbidden


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_message = _("Sorry, this reward is out of stock.")


class OverLimit(Conflict):
    code = "over_limit"
    default_message = _("You have reached the limit for this reward.")


class NotEligible(Forbidden):
    code = "not_eligible"
    default_message = _("You are not eligible for this reward yet.")
