"""Masking of personal data for display.  Full values are shown only to those that
``access.can_see_personal_data`` admits, and then only on an explicit, logged reveal."""


def mask_id_number(value):
    """330283199001011234 -> 330283********123X style: region code and last four kept."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_id_tail(value):
    """The last four characters only, for telling people apart in lists: ****123X."""
    return "****" + value[-4:] if value else ""


def mask_phone(value):
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value):
    """Keeps the first characters (town/village level) and hides the rest."""
    if not value:
        return ""
    keep = min(6, max(1, len(value) // 3))
    return value[:keep] + "*" * 6


def mask_name(value):
    """张三丰 -> 张**, for pages that must not name people."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
