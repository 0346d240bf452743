"""Masking filters for templates: ``{% load beneficiaries_masking %}{{ b.id_number|mask_id }}``, ``|mask_phone``,
``|mask_address``, ``|mask_name`` (organizations.privacy does the work)."""

from django import template

from organizations import privacy

register = template.Library()

register.filter("mask_id", privacy.mask_id_number)
register.filter("mask_phone", privacy.mask_phone)
register.filter("mask_address", privacy.mask_address)
register.filter("mask_name", privacy.mask_name)
register.filter("id_tail", privacy.mask_id_tail)
