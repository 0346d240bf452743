"""Demo mediation cases (see fenghua_portal seed_demo): cases in every status handled by
奉帮和事嫂家事调解服务队, 心之岸社会工作服务中心 and 家里人调解室, among them 王奶奶's 赡养纠纷
resolved with a signed 赡养承诺书.  Numbers come from the same numbering service as the pages.
Idempotent: a demo case is recognised by its organization and summary."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .models import CaseEvent, MediationCase

HESHISAO = "奉帮和事嫂家事调解服务队"
XINZHIAN = "心之岸社会工作服务中心"
JIALIREN = "家里人调解室"

# A one-page PDF standing in for the scanned, signed 赡养承诺书.
AGREEMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# organization, category, source, days ago received, applicant, respondents, summary,
# [(status, days ago, outcome or reason)], [(kind, days ago, text)]
CASES = [
    (
        HESHISAO,
        "elder_support",
        "village_referral",
        60,
        "王奶奶",
        "王大、王二、王三、王四",
        "83岁的王奶奶有四个儿女，自她生病后几个儿女相互推脱，不尽赡养义务。",
        [("mediating", 58, ""), ("succeeded", 40, "四个儿女都签订了赡养承诺书，表示一定好好照顾母亲。")],
        [
            ("home_visit", 58, "志愿者上门了解王奶奶的身体和生活情况。"),
            ("call", 52, "分别与四名子女电话沟通，了解各自顾虑。"),
            ("session", 45, "召集四名子女面对面调解，消除彼此误会，以情以理说服其尽赡养之责。"),
        ],
    ),
    (
        HESHISAO,
        "family_conflict",
        "walk_in",
        20,
        "陈某芳",
        "陈某芳婆婆",
        "婆媳因照看孩子的方式长期不和。",
        [("mediating", 18, "")],
        [("session", 10, "与婆媳二人分别谈心。")],
    ),
    (HESHISAO, "marriage", "call", 4, "李某", "李某丈夫", "夫妻因家庭开支发生争执，女方来电求助。", [], []),
    (
        XINZHIAN,
        "parent_child",
        "federation_referral",
        45,
        "周某",
        "周某之子",
        "初二学生与母亲沟通困难，拒绝上学。",
        [("mediating", 44, ""), ("failed", 15, "孩子拒绝继续参加沟通，建议转心理咨询门诊。")],
        [("session", 30, "亲子沟通辅导一次。")],
    ),
    (
        XINZHIAN,
        "domestic_violence",
        "federation_referral",
        30,
        "孙某",
        "孙某丈夫",
        "女方反映遭受家庭暴力，需要法律援助。",
        [("referred", 29, "转介金石榴女律师工作站提供法律援助，协助申请人身安全保护令。")],
        [],
    ),
    (
        JIALIREN,
        "womens_rights",
        "walk_in",
        25,
        "吴某",
        "某村经济合作社",
        "出嫁女土地征收补偿分配争议。",
        [("mediating", 24, ""), ("withdrawn", 12, "申请人已通过村民代表会议解决，撤回申请。")],
        [],
    ),
    (
        JIALIREN,
        "elder_support",
        "village_referral",
        9,
        "郑奶奶",
        "郑某",
        "独居老人反映儿子长期不探望。",
        [("mediating", 7, "")],
        [("home_visit", 6, "上门看望郑奶奶，联系其子。")],
    ),
]


def _at(today, days_ago, hour=10):
    return timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour))
    )


def _date_latest_event(case, at):
    """Services stamp entries with the current time; demo entries get their story's date."""
    CaseEvent.objects.filter(pk=case.events.latest("id").pk).update(at=at)


def _seed_case(spec, orgs, actor, today):
    org_name, category, source, received_ago, applicant, respondents, summary, steps, events = spec
    organization = orgs[org_name]
    if MediationCase.objects.filter(organization=organization, summary=summary).exists():
        return None
    received = today - datetime.timedelta(days=received_ago)
    case = services.case_create(
        organization=organization,
        actor=actor,
        category=category,
        source=source,
        received_date=received,
        summary=summary,
        applicant_name=applicant,
        respondent_names=respondents,
    )
    case.events.update(at=_at(today, received_ago, 9))
    for kind, days_ago, text in events:
        services.event_add(case=case, actor=actor, kind=kind, at=_at(today, days_ago, 14), text=text)
    for status, days_ago, detail in steps:
        closing = status in MediationCase.CLOSED_STATUSES
        ended = status in MediationCase.ENDED_STATUSES
        case = services.case_transition(
            case=case,
            to_status=status,
            actor=actor,
            closed_date=today - datetime.timedelta(days=days_ago) if ended else None,
            outcome=detail if closing else "",
            note="" if closing else detail,
        )
        _date_latest_event(case, _at(today, days_ago, 16))
    return case


def seed(ctx):
    orgs = ctx["organizations"]
    today = ctx["today"]
    staff = ctx["users"].get("staff@demo.lanxin.cn")
    mediator = ctx["users"].get("mediator@demo.lanxin.cn") or staff
    for spec in CASES:
        case = _seed_case(spec, orgs, mediator if spec[0] == HESHISAO else staff, today)
        if case is not None and spec[4] == "王奶奶":
            services.attachment_add(
                case=case,
                actor=mediator,
                description="赡养承诺书（四名子女签字）",
                upload=SimpleUploadedFile("赡养承诺书.pdf", AGREEMENT_PDF, content_type="application/pdf"),
            )
            _date_latest_event(case, _at(today, spec[7][-1][1], 17))
    # Larger scales: about the article's 153 cases a year per scale step, spread over the year.
    if ctx["scale"]:
        rng = ctx["rng"]
        handlers = [HESHISAO, XINZHIAN, JIALIREN]
        categories = list(MediationCase.Category.values)
        existing = MediationCase.objects.filter(summary__startswith="演示案件").count()
        for i in range(existing, 153 * ctx["scale"]):
            received_ago = rng.randrange(20, 330)
            steps = [("mediating", received_ago - 2, "")]
            end = rng.random()
            if end < 0.8:
                steps.append(("succeeded", received_ago - 15, "双方达成和解。"))
            elif end < 0.9:
                steps.append(("referred", received_ago - 10, "转介专业机构。"))
            spec = (
                handlers[i % 3],
                rng.choice(categories),
                "walk_in",
                received_ago,
                f"申请人{i}",
                f"被申请人{i}",
                f"演示案件{i:05d}",
                steps,
                [],
            )
            _seed_case(spec, orgs, staff, today)
    ctx["log"](f"调解案件 {MediationCase.objects.count()} 件")
