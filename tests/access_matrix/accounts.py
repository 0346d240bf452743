"""The portal's own account pages (allauth's are in core.py)."""

from . import staff_only

RULES = {
    # Sign-in events name accounts and their IP addresses: federation staff only.
    "account_signins": staff_only(),
}
