"""Demo charity projects and progress reports (see fenghua_portal seed_demo).

The article's examples: 奉化巾帼创业创新联谊会 funds 7 projects run by 7 other organizations
(52.2万元 in all, among them "袋鼠妈妈"关爱独抚女性), and 奉化源为爱旗袍公益俱乐部 runs the
关爱老妇女主任 project.  Reports exist in every state.  Idempotent: get_or_create on natural keys."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.months import add_months, month_bounds, month_end

from .models import CharityProject, ProjectReport

FUNDER = "奉化巾帼创业创新联谊会"

# name, undertaking organization, amount (yuan); all funded by the 联谊会 (social funds).
FUNDED = [
    ("“袋鼠妈妈”关爱独抚女性", "心之岸社会工作服务中心", "120000"),
    ("困境儿童微心愿", "未来之星艺术团", "80000"),
    ("失独家庭暖心陪伴", "南溪阿姐志愿服务队", "70000"),
    ("高龄老人助餐送暖", "龙津姐妹花志愿服务队", "60000"),
    ("困难女性技能帮扶", "安馨职业技能培训学校", "72000"),
    ("巧手增收计划", "七彩巧妇联盟", "60000"),
    ("汤圆创业带富", "王妈汤圆创客工作室", "60000"),
]

# name, organization, funding source, amount, status, description
OWN = [
    (
        "关爱老妇女主任",
        "奉化源为爱旗袍公益俱乐部",
        "government",
        "150000",
        "in_progress",
        "对全区746位老妇女主任逐一走访，其中30位困难老妇女主任列为重点关爱对象，每月走访2次。",
    ),
    (
        "母婴护理技能培训进基层",
        "安馨职业技能培训学校",
        "government",
        "90000",
        "in_progress",
        "把母婴护理培训送到各镇街。",
    ),
    ("妇女微家邻里守望", "蒋家池头村和美妇女微家", "enterprise", "20000", "declared", "村内独居老人结对守望。"),
    ("巾帼文创市集", "尚技文创学院", "enterprise", "45000", "approved", "手工文创产品展销。"),
    ("家事调解进村居", "奉帮和事嫂家事调解服务队", "government", "50000", "completed", "家事调解志愿者驻村服务。"),
]


def _project(orgs, name, org_name, **fields):
    project, _ = CharityProject.objects.get_or_create(name=name, organization=orgs[org_name], defaults=fields)
    return project


def _report(project, months_back, today, status, staff, author, served, spent, comment="", employed=0, income="0"):
    start, end = month_bounds(add_months(today, -months_back))
    submitted = status != ProjectReport.Status.DRAFT
    reviewed = status in (ProjectReport.Status.APPROVED, ProjectReport.Status.RETURNED)
    at = timezone.make_aware(datetime.datetime.combine(min(end + datetime.timedelta(days=3), today), datetime.time(10)))
    ProjectReport.objects.get_or_create(
        project=project,
        period_start=start,
        period_end=end,
        defaults={
            "narrative": f"{start:%Y年%m月}：开展走访和关爱活动，服务{served}人次。",
            "people_served": served,
            "funds_spent": Decimal(spent),
            "people_employed": employed,
            "income_generated": Decimal(income),
            "status": status,
            "review_comment": comment,
            "reviewer": staff if reviewed else None,
            "submitted_at": at if submitted else None,
            "reviewed_at": at + datetime.timedelta(days=1) if reviewed else None,
            "created_by": author,
        },
    )


def seed(ctx):
    orgs = ctx["organizations"]
    today = ctx["today"]
    staff = ctx["users"].get("staff@demo.lanxin.cn")
    qipao_admin = ctx["users"].get("admin@demo.lanxin.cn")
    start = add_months(today, -6)
    end = month_end(add_months(start, 11))

    funded = [
        _project(
            orgs,
            name,
            org_name,
            funder=orgs[FUNDER],
            funding_source="social",
            amount=Decimal(amount),
            start_date=start,
            end_date=end,
            target_beneficiaries=50,
            status="in_progress",
            description="奉化巾帼创业创新联谊会紫薇公益关爱团资助。",
        )
        for name, org_name, amount in FUNDED
    ]
    own = {}
    for name, org_name, source, amount, status, description in OWN:
        # A completed project ran the year before the others.
        period = (add_months(today, -18), month_end(add_months(today, -7))) if status == "completed" else (start, end)
        own[name] = _project(
            orgs,
            name,
            org_name,
            funding_source=source,
            amount=Decimal(amount),
            start_date=period[0],
            end_date=period[1],
            target_beneficiaries=746 if name == "关爱老妇女主任" else 100,
            status=status,
            description=description,
        )

    # 关爱老妇女主任: approved, approved, returned, submitted (last month), draft (this month).
    care = own["关爱老妇女主任"]
    _report(care, 4, today, "approved", staff, qipao_admin, 60, "8000")
    _report(care, 3, today, "approved", staff, qipao_admin, 62, "8200")
    _report(
        care, 2, today, "returned", staff, qipao_admin, 58, "7900", comment="请补充重点关爱对象的走访照片和签到表。"
    )
    _report(care, 1, today, "submitted", staff, qipao_admin, 61, "8100")
    _report(care, 0, today, "draft", staff, qipao_admin, 20, "2000")
    # The funded projects: some reported last month, the others show in the missing list.
    for n, project in enumerate(funded):
        _report(project, 2, today, "approved", staff, None, 15 + n, "5000")
        if n % 2 == 0:
            _report(
                project,
                1,
                today,
                "approved" if n % 4 == 0 else "submitted",
                staff,
                None,
                18 + n,
                "5200",
                employed=3 if "创业" in project.name or "增收" in project.name else 0,
                income="12000" if "创业" in project.name or "增收" in project.name else "0",
            )

    # Larger scales: the article's 58 care projects by 29 organizations, per scale step.
    if ctx["scale"]:
        rng = ctx["rng"]
        names = sorted(orgs)
        for i in range(58 * ctx["scale"]):
            org_name = names[i % len(names)]
            project = _project(
                orgs,
                f"关爱帮扶项目{i + 1:03d}",
                org_name,
                funding_source=rng.choice(["government", "social", "enterprise"]),
                amount=Decimal(rng.randrange(10, 150) * 1000),
                start_date=start,
                end_date=end,
                target_beneficiaries=rng.randrange(20, 200),
                status="in_progress",
            )
            for back in range(1, 4):
                _report(
                    project, back, today, "approved", staff, None, rng.randrange(5, 60), str(rng.randrange(1000, 9000))
                )
    ctx["log"](f"公益项目 {CharityProject.objects.count()} 个，进展报告 {ProjectReport.objects.count()} 份")
