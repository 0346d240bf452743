"""The API's request and response bodies (pydantic, through django-ninja).  Personal fields
leave only masked (``organizations.privacy``, the pages' masks)."""

import datetime
import uuid
from decimal import Decimal

from ninja import Field, Schema


class Problem(Schema):
    """RFC 9457 problem details; ``errors`` names each field refused, in Chinese."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, str | None]] | None = None
    current_version: int | None = None
    retry_after: int | None = None


class Organization(Schema):
    id: int
    name: str


class Me(Schema):
    id: int
    name: str
    role: str
    organizations: list[Organization]
    offline_cache_days: int


class Choice(Schema):
    code: str
    label: str


class Person(Schema):
    id: int
    name: str
    gender: str
    town: str
    village: str
    organization: Organization
    id_number_masked: str
    phone_masked: str
    address_masked: str
    active: bool
    key_care: bool
    visit_cadence: int
    key_care_since: datetime.date | None
    last_contact: datetime.date | None
    next_due: datetime.date | None = Field(None, description="下次应访日期（重点关爱对象）")
    days_overdue: int = Field(0, description="逾期天数，未逾期为0")


class PersonPage(Schema):
    items: list[Person]
    next_cursor: str | None


class Visit(Schema):
    id: int
    beneficiary: int
    beneficiary_name: str
    organization: Organization
    visit_date: datetime.date
    mode: str
    mode_label: str
    services: list[str]
    supplies_value: str
    visitors: str
    follow_up_needed: bool
    notes: str
    version: int
    created_at: datetime.datetime
    withdrawn: bool
    can_change: bool


class VisitPage(Schema):
    items: list[Visit]
    next_cursor: str | None


class VisitIn(Schema):
    idempotency_key: uuid.UUID = Field(..., description="客户端生成的 UUID；同一键再次提交返回第一次的结果，不重复保存")
    beneficiary: int
    visit_date: datetime.date
    mode: str = Field(..., max_length=20, description="走访方式代码，见 /reference/visit-modes")
    services: list[str] = Field(default_factory=list, description="服务内容代码，见 /reference/services")
    supplies_value: Decimal = Field(Decimal(0), max_digits=12, decimal_places=2)
    visitors: str = Field("", max_length=100)
    follow_up_needed: bool = False
    notes: str = Field("", max_length=2000)
    organization: int | None = Field(None, description="走访组织（仅妇联工作人员填写）")
    confirm_duplicate: bool = False


class VisitPatch(Schema):
    version: int
    visit_date: datetime.date | None = None
    mode: str | None = Field(None, max_length=20)
    services: list[str] | None = None
    supplies_value: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    visitors: str | None = Field(None, max_length=100)
    follow_up_needed: bool | None = None
    notes: str | None = Field(None, max_length=2000)
    organization: int | None = None
    confirm_duplicate: bool = False


class Withdraw(Schema):
    version: int
    reason: str = Field(..., max_length=200)
