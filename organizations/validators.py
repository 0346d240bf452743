"""Checksums of Chinese identifiers: the unified social credit code (GB 32100-2015) and the
resident ID card number (GB 11643-1999); and the one phone rule (beneficiaries, case parties,
trainees, organizations).  Messages name the field in Chinese."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CHARS = "10X98765432"


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value: str | None) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str | None) -> None:
    """GB 32100: 18 characters from the 31-character set, the last a mod-31 check character."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。"), code="length", params={"n": len(code)})
    bad = [c for c in code if c not in CREDIT_CODE_CHARS]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符“%(c)s”（不使用 I、O、Z、S、V）。"), code="chars", params={"c": bad[0]}
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对后重新输入。"), code="checksum")


def id_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def normalize_id_number(value: str | None) -> str:
    return (value or "").strip().upper().replace(" ", "")


def parse_id_number(value: str | None) -> tuple[datetime.date, str]:
    """Returns (birth_date, gender) of a valid 18-digit ID number; gender is 'F' or 'M'
    (17th digit even for women).  Raises ValidationError naming what is wrong."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位，当前为%(n)d位。"), code="length", params={"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号格式不正确：前17位应为数字，最后一位为数字或X。"), code="format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="birth_date") from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(_("身份证号中的出生日期无效。"), code="birth_date")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对后重新输入。"), code="checksum")
    gender = "M" if int(number[16]) % 2 else "F"
    return birth, gender


PHONE_MESSAGE = _("联系电话格式不正确：手机号为11位数字（如13857420001），固定电话如0574-88881234。")
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）－—]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# With the area code (0 and 2-3 digits, then 7-8 digits), or a local number of 7-8 digits.
_LANDLINE = re.compile(r"^(0\d{2,3})?[2-9]\d{6,7}$")


def clean_phone(value: object) -> str:
    """The phone as stored: surrounding and inner spaces removed ("138 5742 0001" ->
    "13857420001"); separators such as the hyphen of "0574-88881234" kept."""
    return re.sub(r"\s+", "", str(value or ""))


def phone_digits(value: object) -> str:
    """Digits only (a leading + kept out): "138 5742-0001" -> "13857420001".  What identifies a
    trainee who gave no ID number."""
    return re.sub(r"\D", "", str(value or ""))


def phone_error(value: object) -> str | None:
    """None for an empty or valid phone, else the Chinese message.  Valid: a mobile number (11
    digits, 13x-19x), optionally after +86; a landline with its area code (0574-88881234) or
    a local one of 7-8 digits.  "139" is refused everywhere: pages, services and imports."""
    text = clean_phone(value)
    if not text:
        return None
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        return str(PHONE_MESSAGE)
    return None
