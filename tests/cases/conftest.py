import datetime

import pytest

from tests.factories import MediationCaseFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

RECEIVED = datetime.date(2026, 3, 5)


def make_case(organization, status="received", **extra):
    """A case in any status, with a closing date where the status needs one."""
    if status in ("succeeded", "failed", "referred"):
        extra.setdefault("closed_date", datetime.date(2026, 3, 20))
        extra.setdefault("outcome", "双方达成协议。")
    return MediationCaseFactory(organization=organization, status=status, received_date=RECEIVED, **extra)


@pytest.fixture
def case_a(org_a):
    return make_case(org_a)
