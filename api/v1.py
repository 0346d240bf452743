"""The JSON API, version 1 (``/api/v1/``; schema at ``/api/v1/openapi.json``, docs at
``/api/v1/docs``).  Every read goes through the access rule (``visible_to``), every write
through the pages' services (``beneficiaries.services.visit_create`` / ``visit_update`` /
``visit_withdraw``) and so through the same rules; personal fields leave masked; leaders, who
see aggregates only, get 403 on every list of people or visits."""

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from beneficiaries import rules, services
from beneficiaries.models import Beneficiary, Visit, VisitService
from core.roles import Role, role_of
from core.versioning import StaleEdit
from organizations.access import Actor, get_visible_or_404
from organizations.models import Organization
from organizations.privacy import mask_address, mask_id_number, mask_phone

from . import cursors, problems, schemas
from .auth import RateLimited, SessionAuth, TokenAuth, unauthenticated_detail
from .models import VisitSubmission

logger = logging.getLogger(__name__)


class PortalAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The schema, with every error response typed ``application/problem+json``."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if int(status) >= 400 and content and "application/json" in content:
                        response["content"] = {problems.CONTENT_TYPE: content.pop("application/json")}
        return schema


api = PortalAPI(
    title="兰馨HUI 数据接口",
    version="1",
    description=(
        "奉化区妇联 兰馨HUI 平台的数据接口。认证：浏览器会话（不安全的方法需带 X-CSRFToken），"
        "或在“设备令牌”页面创建的令牌（`Authorization: Bearer <令牌>`，按令牌限速）。"
        "错误按 RFC 9457（application/problem+json）返回，`errors` 列出每个字段的中文原因。"
        "列表按游标分页：把 `next_cursor` 作为下一次请求的 `cursor`。"
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS: dict[int, Any] = {
    400: schemas.Problem,
    401: schemas.Problem,
    403: schemas.Problem,
    404: schemas.Problem,
    422: schemas.Problem,
    429: schemas.Problem,
}
READ_ERRORS = {code: ERRORS[code] for code in (400, 401, 403, 422, 429)}


# --- errors ---------------------------------------------------------------------------------


@api.exception_handler(NinjaValidationError)
def _request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problems.from_request(request, list(exc.errors))


@api.exception_handler(DjangoValidationError)
def _service_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if isinstance(exc, StaleEdit):
        return problems.problem(
            409,
            _("记录已被他人修改"),
            " ".join(exc.messages),
            code="stale",
            errors=problems.errors_of(exc),
            current_version=exc.current_version,
        )
    return problems.validation_problem(problems.errors_of(exc))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problems.problem(403, _("没有权限"), str(exc) or _("您没有权限进行此操作。"), code="forbidden")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problems.problem(404, _("找不到记录"), _("找不到该记录，或您没有权限查看。"), code="not_found")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problems.problem(401, _("未登录"), unauthenticated_detail(request), code="unauthenticated")
    response["WWW-Authenticate"] = 'Bearer realm="lanxin"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 401:
        return _unauthenticated(request, AuthenticationError())
    if exc.status_code == 403 and str(exc) == "csrf":
        detail = _("CSRF 校验失败：请刷新页面后重试，或在请求头 X-CSRFToken 中提供令牌。")
        return problems.problem(403, _("没有权限"), detail, code="csrf")
    if exc.status_code == 400:
        detail = _("请求正文不是有效的 JSON。")
        return problems.problem(
            400, _("请求有误"), detail, code="bad_request", errors=[{"field": None, "message": detail}]
        )
    if exc.status_code == 409:
        return problems.problem(409, _("冲突"), str(exc), code="conflict")
    return problems.problem(exc.status_code, _("请求有误"), str(exc), code="http_error")


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    detail = _("请求过于频繁：每个令牌每分钟最多%(limit)s次，请%(seconds)s秒后再试。") % {
        "limit": settings.API_RATE_LIMIT,
        "seconds": exc.retry_after,
    }
    response = problems.problem(429, _("请求过于频繁"), detail, code="rate_limited", retry_after=exc.retry_after)
    response["Retry-After"] = str(exc.retry_after)
    return response


# --- helpers --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]  # set by the auth classes (ninja)


def _field_worker(request: HttpRequest) -> Any:
    """Staff and organization users; leaders (aggregates only) are refused personal data."""
    user = _user(request)
    if role_of(user) == Role.LEADER:
        raise PermissionDenied(_("领导账号只能查看统计数据，不能查看服务对象和走访等个人信息。"))
    return user


def _person(row: Beneficiary, today: datetime.date) -> dict[str, Any]:
    last = getattr(row, "last_contact", None)
    every = row.due_every_days
    next_due = last + datetime.timedelta(days=every) if (every and last) else None
    overdue = (today - next_due).days if next_due and row.active else 0
    return {
        "id": row.pk,
        "name": row.name,
        "gender": row.gender,
        "town": row.town.name,
        "village": row.village,
        "organization": {"id": row.organization_id, "name": row.organization.name},
        "id_number_masked": mask_id_number(row.id_number),
        "phone_masked": mask_phone(row.phone),
        "address_masked": mask_address(row.address),
        "active": row.active,
        "key_care": row.key_care,
        "visit_cadence": row.visit_cadence,
        "key_care_since": row.key_care_since,
        "last_contact": last,
        "next_due": next_due,
        "days_overdue": max(overdue, 0),
    }


def _visit(visit: Visit, who: Any) -> dict[str, Any]:
    """A visit as the API gives it; ``who``: the user, or their ``Actor`` (a list builds it once,
    so that ``can_change`` costs no query per row)."""
    return {
        "id": visit.pk,
        "beneficiary": visit.beneficiary_id,
        "beneficiary_name": visit.beneficiary.name,
        "organization": {"id": visit.organization_id, "name": visit.organization.name},
        "visit_date": visit.visit_date,
        "mode": visit.mode,
        "mode_label": str(visit.get_mode_display()),
        "services": sorted(service.code for service in visit.services.all()),
        "supplies_value": f"{visit.supplies_value:.2f}",
        "visitors": visit.visitors,
        "follow_up_needed": visit.follow_up_needed,
        "notes": visit.notes,
        "version": visit.version,
        "created_at": visit.created_at,
        "withdrawn": visit.withdrawn,
        "can_change": not visit.withdrawn and rules.visit_change_error(who, visit) is None,
    }


def _visits() -> Any:
    return Visit.all_objects.select_related("beneficiary", "organization").prefetch_related("services")


def _service_ids(codes: list[str] | None) -> list[int] | None:
    if codes is None:
        return None
    known = dict(VisitService.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise DjangoValidationError(
            {"services": _("服务内容中有无效的选项：%(codes)s。") % {"codes": "、".join(unknown)}}
        )
    return [known[code] for code in codes]


def _organization(pk: int | None) -> Organization | None:
    if pk is None:
        return None
    found = Organization.objects.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({"organization": _("走访组织不存在。")})
    return found


# --- who am I, reference lists --------------------------------------------------------------


@api.get(
    "/me",
    response={200: schemas.Me, **READ_ERRORS},
    url_name="me",
    description="当前用户：姓名、角色、所属组织，以及离线缓存的天数。",
    summary="当前用户",
)
def me(request: HttpRequest) -> Any:
    user = _user(request)
    actor = Actor.of(user)
    organizations = Organization.objects.filter(pk__in=actor.member_org_ids).order_by("name")
    return {
        "id": user.pk,
        "name": str(user),
        "role": str(role_of(user)),
        "organizations": [{"id": o.pk, "name": o.name} for o in organizations],
        "offline_cache_days": settings.OFFLINE_CACHE_DAYS,
    }


@api.get(
    "/reference/visit-modes",
    response={200: list[schemas.Choice], **READ_ERRORS},
    url_name="visit_modes",
    description="走访方式的代码和名称（登记走访时 mode 取其代码）。",
    summary="走访方式",
)
def visit_modes(request: HttpRequest) -> Any:
    return [{"code": code, "label": str(label)} for code, label in Visit.Mode.choices]


@api.get(
    "/reference/services",
    response={200: list[schemas.Choice], **READ_ERRORS},
    url_name="visit_services",
    description="服务内容的代码和名称（登记走访时 services 取其代码）。",
    summary="服务内容",
)
def visit_services(request: HttpRequest) -> Any:
    return [{"code": code, "label": str(label)} for code, label in VisitService.Code.choices]


# --- people ---------------------------------------------------------------------------------


class PeopleFilter(Schema):
    key_care: bool | None = None
    cursor: str | None = None
    limit: int = cursors.DEFAULT_LIMIT


@api.get(
    "/people",
    response={200: schemas.PersonPage, **READ_ERRORS},
    url_name="people",
    description="本人所在组织仍在册的服务对象（妇联工作人员：全区），按网页的规则脱敏，含是否重点关爱、上次联系、下次应访日期和逾期天数。key_care=true 只列重点关爱对象。领导账号：403。",
    summary="服务对象（脱敏）",
)
def people(request: HttpRequest, filters: Query[PeopleFilter]) -> Any:
    """The people of the user's organizations still on the register (staff: everyone), masked
    as the pages mask them, with key-care status, last contact, next due date and days overdue."""
    user = _field_worker(request)
    today = timezone.localdate()
    rows = Beneficiary.objects.visible_to(user).active().select_related("town", "organization")
    if filters.key_care is not None:
        rows = rows.filter(key_care=filters.key_care)
    rows = rows.with_last_contact(today)
    found, next_cursor = cursors.page(rows, ("id",), filters.cursor, filters.limit, lambda r: [r.pk])
    return {"items": [_person(row, today) for row in found], "next_cursor": next_cursor}


@api.get(
    "/people/{person_id}",
    response={200: schemas.Person, **ERRORS},
    url_name="person",
    description="一位服务对象（脱敏）。不属于本人组织的：404。",
    summary="一位服务对象",
)
def person(request: HttpRequest, person_id: int) -> Any:
    user = _field_worker(request)
    today = timezone.localdate()
    rows = Beneficiary.objects.select_related("town", "organization").with_last_contact(today)
    return _person(get_visible_or_404(rows, user, pk=person_id), today)


class PageFilter(Schema):
    cursor: str | None = None
    limit: int = cursors.DEFAULT_LIMIT


@api.get(
    "/overdue",
    response={200: schemas.PersonPage, **READ_ERRORS},
    url_name="overdue",
    description="逾期未访的重点关爱对象（与“逾期未访”页面同一规则），逾期天数多的在前。",
    summary="逾期未访",
)
def overdue(request: HttpRequest, filters: Query[PageFilter]) -> Any:
    """Key-care people behind their visit cadence (the overdue list's rule), most days overdue
    first."""
    user = _field_worker(request)
    today = timezone.localdate()
    rows = Beneficiary.objects.visible_to(user).select_related("town", "organization").overdue(today)
    found, next_cursor = cursors.page(
        rows, ("-days_overdue", "id"), filters.cursor, filters.limit, lambda r: [r.days_overdue, r.pk]
    )
    return {"items": [_person(row, today) for row in found], "next_cursor": next_cursor}


# --- visits ---------------------------------------------------------------------------------


class VisitFilter(Schema):
    beneficiary: int | None = None
    cursor: str | None = None
    limit: int = cursors.DEFAULT_LIMIT


@api.get(
    "/visits",
    response={200: schemas.VisitPage, **READ_ERRORS},
    url_name="visits",
    description="本人可见的走访记录（不含已撤回的），新的在前；beneficiary 按服务对象筛选。",
    summary="走访记录",
)
def visit_list(request: HttpRequest, filters: Query[VisitFilter]) -> Any:
    """Visits the user may see (not withdrawn), newest first."""
    user = _field_worker(request)
    rows = Visit.objects.visible_to(user).select_related("beneficiary", "organization").prefetch_related("services")
    if filters.beneficiary is not None:
        rows = rows.filter(beneficiary_id=filters.beneficiary)
    found, next_cursor = cursors.page(
        rows, ("-visit_date", "-id"), filters.cursor, filters.limit, lambda v: [v.visit_date, v.pk]
    )
    actor = Actor.of(user)
    return {"items": [_visit(v, actor) for v in found], "next_cursor": next_cursor}


@api.post(
    "/visits",
    response={200: schemas.Visit, 201: schemas.Visit, 409: schemas.Problem, **ERRORS},
    url_name="visit_create",
    description="登记走访，与网页同一套规则。idempotency_key 为客户端生成的 UUID：同一键再次提交时返回第一次保存的记录（200，响应头 Idempotent-Replayed: true），不会重复保存；被拒绝的提交不保存任何内容，修改后可用同一键再次提交。",
    summary="登记走访（幂等）",
)
def visit_create(request: HttpRequest, payload: schemas.VisitIn, response: HttpResponse) -> Any:
    """Records a visit through ``beneficiaries.services.visit_create`` (the page's rules).
    ``idempotency_key``: a UUID made by the client when the visit is recorded; sending it again
    (a flaky connection, a replayed sync) returns the visit first saved under it (200, header
    ``Idempotent-Replayed: true``) and stores nothing."""
    user = _field_worker(request)
    replay = _replay(payload.idempotency_key, user, response)
    if replay is not None:
        return replay
    # The same answer whether the person does not exist or is not the user's (any more): a
    # person moved to another organization since the visit was queued offline is refused here.
    person = Beneficiary.objects.visible_to(user).filter(pk=payload.beneficiary).first()
    if person is None:
        raise DjangoValidationError(
            {
                "beneficiary": _(
                    "找不到该服务对象，或该服务对象已不由您所在的组织负责（例如已转到其他组织），不能登记走访。"
                )
            }
        )
    try:
        with transaction.atomic():
            visit = services.visit_create(
                beneficiary=person,
                actor=user,
                visit_date=payload.visit_date,
                mode=payload.mode,
                organization=_organization(payload.organization),
                services=_service_ids(payload.services) or [],
                supplies_value=payload.supplies_value,
                visitors=payload.visitors,
                follow_up_needed=payload.follow_up_needed,
                notes=payload.notes,
                confirm_duplicate=payload.confirm_duplicate,
            )
            VisitSubmission.objects.create(key=payload.idempotency_key, user=user, visit=visit)
    except IntegrityError:
        # A concurrent request with the same key stored its visit first; this one stored none.
        replay = _replay(payload.idempotency_key, user, response)
        if replay is None:
            raise
        return replay
    logger.info("api: visit %s created (key %s)", visit.pk, payload.idempotency_key)
    return Status(201, _visit(_visits().get(pk=visit.pk), user))


def _replay(key: uuid.UUID, user: Any, response: HttpResponse) -> Any:
    submission = VisitSubmission.objects.filter(key=key).first()
    if submission is None:
        return None
    if submission.user_id != user.pk:
        raise HttpError(409, _("该幂等键已被其他账号使用，请换一个新的 UUID。"))
    response["Idempotent-Replayed"] = "true"
    return Status(200, _visit(_visits().get(pk=submission.visit_id), user))


@api.get(
    "/visits/{visit_id}",
    response={200: schemas.Visit, **ERRORS},
    url_name="visit",
    description="一条走访记录。",
    summary="一条走访记录",
)
def visit_detail(request: HttpRequest, visit_id: int) -> Any:
    user = _field_worker(request)
    visit = get_visible_or_404(_visits(), user, pk=visit_id)
    return _visit(visit, user)


@api.patch(
    "/visits/{visit_id}",
    response={200: schemas.Visit, 409: schemas.Problem, **ERRORS},
    url_name="visit_update",
    description="更正走访记录：妇联工作人员随时可改；登记人或本组织管理员在登记后7天内可改。version 为读取时的版本号，记录已被他人修改时返回 409 和 current_version。",
    summary="更正走访记录",
)
def visit_update(request: HttpRequest, visit_id: int, payload: schemas.VisitPatch) -> Any:
    """Corrects a visit through ``visit_update``: staff at any time; the recorder or an admin of
    the visiting organization within 7 days of its recording.  ``version`` as read (409 with
    ``current_version`` when someone changed it since)."""
    user = _field_worker(request)
    visit = get_visible_or_404(_visits(), user, pk=visit_id)
    given = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in ("visit_date", "mode", "supplies_value", "visitors", "follow_up_needed", "notes"):
        if name in given and given[name] is not None:
            changes[name] = given[name]
    if given.get("services") is not None:
        changes["services"] = _service_ids(given["services"])
    if given.get("organization") is not None:
        changes["organization"] = _organization(given["organization"])
    services.visit_update(
        visit=visit,
        actor=user,
        version=payload.version,
        confirm_duplicate=payload.confirm_duplicate,
        **changes,
    )
    return _visit(_visits().get(pk=visit.pk), user)


@api.post(
    "/visits/{visit_id}/withdraw",
    response={200: schemas.Visit, 409: schemas.Problem, **ERRORS},
    url_name="visit_withdraw",
    description="撤回误录的走访记录（须填写原因；权限与更正相同）。记录保留，但不再计入任何统计和名单。",
    summary="撤回走访记录",
)
def visit_withdraw(request: HttpRequest, visit_id: int, payload: schemas.Withdraw) -> Any:
    """Withdraws a visit entered by mistake (``visit_withdraw``; the same people and window as a
    correction).  It is kept, counted nowhere."""
    user = _field_worker(request)
    visit = get_visible_or_404(_visits(), user, pk=visit_id)
    services.visit_withdraw(visit=visit, actor=user, version=payload.version, reason=payload.reason)
    return _visit(_visits().get(pk=visit.pk), user)
