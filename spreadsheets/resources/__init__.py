"""The sheet resources, one module per record type: the single definition of the columns
(Chinese headers, English aliases, widgets) used by import, export and the templates.

They live in this app rather than in each domain app's resources.py so that the domain apps
stay free of spreadsheet code; ``spreadsheets`` sits above them and imports their models."""

from django.http import Http404

from .attendance import AttendanceResource
from .base import ModelSheetResource
from .beneficiaries import BeneficiaryResource
from .cases import CaseResource
from .organizations import OrganizationResource
from .projects import ProjectResource
from .referrals import ReferralResource
from .trainings import TrainingResource
from .visits import VisitResource

RESOURCES = {
    resource.name: resource
    for resource in (
        OrganizationResource,
        BeneficiaryResource,
        VisitResource,
        ProjectResource,
        TrainingResource,
        AttendanceResource,
        CaseResource,
    )
}

# Types that are exported but never imported (no template, no import form).
EXPORT_ONLY = {ReferralResource.name: ReferralResource}

# Chinese names accepted by the command (and anywhere a user names a type).
ALIASES = {
    "组织": "organizations",
    "服务对象": "beneficiaries",
    "走访": "visits",
    "走访记录": "visits",
    "项目": "projects",
    "公益项目": "projects",
    "培训": "trainings",
    "培训活动": "trainings",
    "参训": "attendance",
    "参训记录": "attendance",
    "案件": "cases",
    "调解案件": "cases",
    "organization": "organizations",
    "beneficiary": "beneficiaries",
    "visit": "visits",
    "project": "projects",
    "training": "trainings",
    "case": "cases",
}


def resource_name(name):
    """The canonical name of a resource, or None."""
    name = (name or "").strip()
    name = ALIASES.get(name, ALIASES.get(name.lower(), name.lower()))
    return name if name in RESOURCES else None


def get_resource(name: str | None) -> ModelSheetResource:
    canonical = resource_name(name)
    if canonical is None:
        raise KeyError(name)
    return RESOURCES[canonical]()


def get_resource_or_404(name, *, exports=False):
    """``exports``: the export views, which also serve the export-only types."""
    if exports and name in EXPORT_ONLY:
        return EXPORT_ONLY[name]()
    try:
        return get_resource(name)
    except KeyError:
        raise Http404 from None
