"""Demo beneficiaries and visits (see fenghua_portal seed_demo).  Idempotent: people are keyed
on their (fictitious) ID numbers, and a person's visits are made only once."""

import datetime
import random
from decimal import Decimal

from organizations.models import Town
from organizations.validators import id_check_char

from .models import Beneficiary, BeneficiaryCategory, Visit, VisitService
from .services import name_initials

SURNAMES = "王陈张李周吴邬蒋毛竺孙胡袁汪徐"
GIVEN = [
    "秀英",
    "桂芳",
    "美华",
    "玉兰",
    "凤英",
    "雅琴",
    "素娥",
    "月娥",
    "彩霞",
    "丽君",
    "菊芬",
    "爱娣",
    "小燕",
    "海燕",
    "亚萍",
]
VILLAGES = {
    "锦屏街道": ["东门社区", "南门社区", "西门社区"],
    "岳林街道": ["东郊村", "广平村"],
    "江口街道": ["江口村", "前江村"],
    "萧王庙街道": ["青云村", "萧王庙村"],
    "西坞街道": ["西坞村", "白杜村"],
    "尚田街道": ["蒋家池头村", "尚田村"],
    "大堰镇": ["南溪村", "大堰村"],
}
# Organizations that care for people, with the categories they mostly serve.
CARERS = [
    ("奉化源为爱旗袍公益俱乐部", ["old_women_director", "elderly"]),
    ("心之岸社会工作服务中心", ["woman_in_difficulty", "single_mother", "child_in_difficulty"]),
    ("蒋家池头村和美妇女微家", ["elderly", "bereaved_family"]),
    ("南溪阿姐志愿服务队", ["elderly", "woman_in_difficulty"]),
    ("奉化巾帼创业创新联谊会", ["single_mother", "woman_in_difficulty"]),
]


def demo_id_number(n, birth, gender="F"):
    """A fictitious ID number with a valid checksum (region 330283, Fenghua)."""
    serial = (n * 2 + (1 if gender == "M" else 0)) % 1000
    first17 = f"330283{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def seed(ctx):
    rng = random.Random(f"beneficiaries-{ctx['rng'].random()}")
    today = ctx["today"]
    orgs = ctx["organizations"]
    towns = {t.name: t for t in Town.objects.all()}
    categories = {c.code: c for c in BeneficiaryCategory.objects.all()}
    services = list(VisitService.objects.all())
    staff = ctx["users"].get("staff@demo.lanxin.cn")
    town_names = list(VILLAGES)
    people = []
    for n in range(60):
        org_name, cats = CARERS[n % len(CARERS)]
        organization = orgs[org_name]
        is_child = "child_in_difficulty" in cats and n % 3 == 0
        birth = (
            datetime.date(2014 + n % 6, 1 + n % 12, 1 + n % 27)
            if is_child
            else datetime.date(1940 + n % 30, 1 + n % 12, 1 + (n * 7) % 27)
        )
        gender = "M" if is_child and n % 2 else "F"
        town_name = organization.town.name if organization.town.name in VILLAGES else town_names[n % len(town_names)]
        key_care = n % 6 == 0
        defaults = {
            "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)],
            "gender": gender,
            "birth_date": birth,
            "phone": f"1385742{n:04d}",
            "town": towns[town_name],
            "village": VILLAGES[town_name][n % len(VILLAGES[town_name])],
            "address": f"{town_name}{VILLAGES[town_name][n % len(VILLAGES[town_name])]}{n + 1}号",
            "key_care": key_care,
            "visit_cadence": (2 if n % 12 == 0 else 1) if key_care else 0,
            "key_care_since": today - datetime.timedelta(days=200 + n) if key_care else None,
            "organization": organization,
            "consent_date": today - datetime.timedelta(days=300 - n),
            "consent_method": "written",
            "guardian_name": ("监护人" + SURNAMES[n % len(SURNAMES)] + "某") if is_child else "",
            "guardian_consent_date": today - datetime.timedelta(days=300 - n) if is_child else None,
        }
        defaults["name_initials"] = name_initials(defaults["name"])
        beneficiary, created = Beneficiary.objects.get_or_create(
            id_number=demo_id_number(n, birth, gender), defaults=defaults
        )
        if created:
            chosen = [categories[c] for c in cats[: 1 + n % 2]]
            if is_child:
                chosen = [categories["child_in_difficulty"]]
            beneficiary.categories.set(chosen)
        people.append((n, beneficiary))

    visits_made = 0
    for n, beneficiary in people:
        if beneficiary.visits.exists():
            continue
        if beneficiary.key_care:
            # Every third key-care person is left behind their cadence (overdue) for the demo.
            last_gap = 45 + n if n % 18 == 0 else rng.randint(1, 10)
            count = 5
            step = max(1, 30 // beneficiary.visit_cadence)
            dates = [today - datetime.timedelta(days=last_gap + i * step) for i in range(count)]
        else:
            count = rng.randint(1, 4) if n % 4 else 0
            dates = [today - datetime.timedelta(days=rng.randint(1, 120)) for _ in range(count)]
        for visit_date in dates:
            mode = rng.choice(Visit.Mode.values)
            visit = Visit.objects.create(
                beneficiary=beneficiary,
                organization=beneficiary.organization,
                visit_date=visit_date,
                visitors=rng.choice(["志愿者小周", "志愿者阿芬", "社工小陈", "负责人"]),
                mode=mode,
                supplies_value=Decimal(rng.choice([0, 0, 50, 100, 200]))
                if mode in ("home", "supplies")
                else Decimal(0),
                follow_up_needed=rng.random() < 0.1,
                notes=rng.choice(["", "身体状况良好。", "需要关注用药情况。", "家中屋顶漏水，已联系村里。"]),
                created_by=staff,
            )
            visit.services.set(rng.sample(services, rng.randint(1, 2)))
            visits_made += 1
    overdue = Beneficiary.objects.overdue(today).count()
    ctx["log"](f"服务对象 {Beneficiary.objects.count()} 人（逾期未访 {overdue} 人），本次新增走访 {visits_made} 次")
