"""Errors as RFC 9457 problem details (``application/problem+json``), in Chinese, naming the
field.  Every refusal of the API goes through ``problem()``: the services' ValidationError
dicts (the same messages as the pages), the request's own validation (pydantic's errors mapped
to Chinese with the field's label), 401, 403, 404, 409 (a stale edit, a reused key) and 429."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import Visit
from core.history import field_label

CONTENT_TYPE = "application/problem+json"

# The labels of the API's own fields (the model fields take their verbose names).
EXTRA_LABELS = {
    "idempotency_key": gettext_lazy("幂等键"),
    "version": gettext_lazy("版本号"),
    "reason": gettext_lazy("撤回原因"),
    "cursor": gettext_lazy("游标"),
    "limit": gettext_lazy("每页条数"),
    "key_care": gettext_lazy("重点关爱"),
    "beneficiary": gettext_lazy("服务对象"),
    "confirm_duplicate": gettext_lazy("确认不是重复登记"),
    "body": gettext_lazy("请求正文"),
    "payload": gettext_lazy("请求正文"),
}


def label_of(field: str) -> str:
    if field in EXTRA_LABELS:
        return str(EXTRA_LABELS[field])
    try:
        return str(field_label(Visit, field))
    except Exception:
        return field


def problem(
    status: int, title: str, detail: str = "", *, code: str, errors: list[dict[str, Any]] | None = None, **extra: Any
) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail or title}
    body["code"] = code
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    return response


def errors_of(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """[{"field": name or None, "message": text}] of a service's ValidationError."""
    if hasattr(exc, "error_dict"):
        out = []
        for field, messages in exc.message_dict.items():
            for message in messages:
                out.append({"field": None if field == NON_FIELD_ERRORS else field, "message": message})
        return out
    return [{"field": None, "message": message} for message in exc.messages]


def validation_problem(errors: list[dict[str, Any]]) -> JsonResponse:
    first = errors[0]["message"] if errors else _("提交的内容有误。")
    return problem(422, _("提交的内容有误"), first, code="validation", errors=errors)


# pydantic's error types -> a Chinese sentence about the field.
_MESSAGES = {
    "missing": gettext_lazy("请填写“%(label)s”。"),
    "date_from_datetime_parsing": gettext_lazy("“%(label)s”不是有效的日期，格式如 2026-05-01。"),
    "date_parsing": gettext_lazy("“%(label)s”不是有效的日期，格式如 2026-05-01。"),
    "date_type": gettext_lazy("“%(label)s”不是有效的日期，格式如 2026-05-01。"),
    "date_from_datetime_inexact": gettext_lazy("“%(label)s”不是有效的日期，格式如 2026-05-01。"),
    "uuid_parsing": gettext_lazy("“%(label)s”不是有效的 UUID。"),
    "uuid_type": gettext_lazy("“%(label)s”不是有效的 UUID。"),
    "uuid_version": gettext_lazy("“%(label)s”不是有效的 UUID。"),
    "int_parsing": gettext_lazy("“%(label)s”必须是整数。"),
    "int_type": gettext_lazy("“%(label)s”必须是整数。"),
    "int_from_float": gettext_lazy("“%(label)s”必须是整数。"),
    "bool_parsing": gettext_lazy("“%(label)s”必须是 true 或 false。"),
    "bool_type": gettext_lazy("“%(label)s”必须是 true 或 false。"),
    "decimal_parsing": gettext_lazy("“%(label)s”必须是数字。"),
    "decimal_type": gettext_lazy("“%(label)s”必须是数字。"),
    "string_type": gettext_lazy("“%(label)s”必须是文字。"),
    "list_type": gettext_lazy("“%(label)s”必须是列表。"),
    "string_too_long": gettext_lazy("“%(label)s”太长了。"),
    "greater_than_equal": gettext_lazy("“%(label)s”太小了。"),
    "less_than_equal": gettext_lazy("“%(label)s”太大了。"),
    "json_invalid": gettext_lazy("请求正文不是有效的 JSON。"),
    "model_attributes_type": gettext_lazy("请求正文必须是一个 JSON 对象。"),
    "dict_type": gettext_lazy("请求正文必须是一个 JSON 对象。"),
    "extra_forbidden": gettext_lazy("不认识的字段“%(label)s”。"),
}


def field_of(loc: Any) -> str | None:
    """The field a pydantic error is about: the last name in its location that is not the
    request part ("body", "query", "path") nor the body's parameter name."""
    names = [str(part) for part in (loc or ()) if not isinstance(part, int)]
    names = [name for name in names if name not in {"body", "query", "path", "payload", "filters"}]
    return names[-1] if names else None


def request_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    seen = set()
    for error in errors:
        field = field_of(error.get("loc"))
        if field in seen:
            continue
        seen.add(field)
        template = str(_MESSAGES.get(str(error.get("type")), gettext_lazy("“%(label)s”的值不正确。")))
        label = label_of(field) if field else _("请求正文")
        out.append({"field": field, "message": template % {"label": label}})
    return out


def from_request(request: HttpRequest, errors: list[dict[str, Any]]) -> JsonResponse:
    return validation_problem(request_errors(errors))
