import datetime

import pytest
from django.core.exceptions import ValidationError

from organizations.privacy import mask_address, mask_id_number, mask_phone
from organizations.validators import parse_id_number, validate_credit_code

# Published unified social credit codes (GB 32100) with correct check characters.
VALID_CREDIT_CODES = ["91330200144069698E", "91110000100014071Q", "12100000400010398P"]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())  # typed in lower case


@pytest.mark.parametrize(
    "code, message",
    [
        ("91330200144069698L", "校验位不正确"),
        ("9133020014406969", "应为18位"),
        ("91330200144O69698E", "不允许的字符"),
    ],
)
def test_wrong_credit_codes_are_refused_in_chinese(code, message):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert message in exc.value.messages[0]


def test_id_number_gives_birth_date_and_gender():
    # GB 11643's own example number: born 1949-12-31, male (17th digit odd), check char X.
    assert parse_id_number("11010519491231002X") == (datetime.date(1949, 12, 31), "F")
    assert parse_id_number("110105194912310038") == (datetime.date(1949, 12, 31), "M")


@pytest.mark.parametrize(
    "number, message",
    [
        ("110105194912310021", "校验位不正确"),
        ("11010519491331002X", "出生日期无效"),
        ("1101051949123100", "应为18位"),
        ("11010519491231002Y", "格式不正确"),
    ],
)
def test_wrong_id_numbers_are_refused(number, message):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number)
    assert message in exc.value.messages[0]


def test_masks_keep_only_what_identifies_no_one():
    assert mask_id_number("33028319900101123X") == "330283********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_address("锦屏街道东门村12号") == "锦屏街******"
