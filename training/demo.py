"""Demo training sessions with attendance and certificates (see fenghua_portal seed_demo).
Idempotent: a session is keyed on its title and organization; its attendance is made once."""

import datetime
import random
from decimal import Decimal

from beneficiaries.models import Beneficiary
from organizations.models import Town

from .models import Attendance, TrainingSession
from .services import person_key_for

SESSIONS = [
    # title, organization, category, hours, trainer, certificates
    ("育婴师（母婴护理）培训班第1期", "安馨职业技能培训学校", "vocational", "32.0", "林老师", True),
    ("育婴师（母婴护理）培训班第2期", "安馨职业技能培训学校", "vocational", "32.0", "林老师", True),
    ("养老护理员培训班", "安馨职业技能培训学校", "vocational", "24.0", "胡老师", True),
    ("国学经典诵读", "尚技文创学院", "culture", "2.0", "周老师", False),
    ("茶艺入门", "尚技文创学院", "culture", "3.0", "竺老师", False),
    ("女性瑜伽与健康", "未来之星艺术团", "culture", "2.0", "袁老师", False),
    ("婚姻家庭心理咨询讲座", "心之岸社会工作服务中心", "emotional", "2.0", "心理咨询师 毛老师", False),
    ("亲子沟通工作坊", "心之岸社会工作服务中心", "emotional", "3.0", "社工 陈老师", False),
    ("农村电商直播培训", "七彩巧妇联盟", "entrepreneurship", "6.0", "电商讲师 汪老师", True),
    ("草莓种植技术培训", "奉化巾帼创业创新联谊会", "entrepreneurship", "4.0", "农技员 邬老师", False),
]
NAMES = "王陈张李周吴邬蒋毛竺孙胡袁汪徐"
GIVEN = ["丽", "芳", "静", "燕", "敏", "娟", "霞", "萍", "婷", "琴"]


def _trainee(i):
    """A fictitious trainee: about half identified by ID number, the others by phone."""
    from beneficiaries.demo import demo_id_number

    name = NAMES[i % len(NAMES)] + GIVEN[(i * 3) % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)]
    if i % 2:
        return name, demo_id_number(500 + i, datetime.date(1975 + i % 20, 1 + i % 12, 1 + i % 27)), ""
    return name, "", f"1395742{i:04d}"


def seed(ctx):
    rng = random.Random(f"training-{ctx['rng'].random()}")
    today = ctx["today"]
    orgs = ctx["organizations"]
    towns = {t.name: t for t in Town.objects.all()}
    pool = [_trainee(i) for i in range(80)]
    made = 0
    for n, (title, org_name, category, hours, trainer, certified) in enumerate(SESSIONS):
        organization = orgs[org_name]
        session = TrainingSession.objects.filter(title=title, organization=organization).first()
        if session is not None:
            continue
        session = TrainingSession.objects.create(
            title=title,
            organization=organization,
            category=category,
            hours=Decimal(hours),
            trainer=trainer,
            town=organization.town if organization.town.name in towns else towns["锦屏街道"],
            date=today - datetime.timedelta(days=10 + n * 17),
            description="",
        )
        # Overlapping groups of trainees, so person-times exceed distinct people.
        start = (n * 6) % len(pool)
        group = [pool[(start + k) % len(pool)] for k in range(rng.randint(12, 20))]
        for k, (name, id_number, phone) in enumerate(group):
            attended = rng.random() > 0.08
            gets_certificate = certified and attended and rng.random() < 0.8
            Attendance.objects.create(
                session=session,
                beneficiary=Beneficiary.objects.filter(id_number=id_number).first() if id_number else None,
                name=name,
                id_number=id_number,
                phone=phone,
                person_key=person_key_for(id_number=id_number, phone=phone),
                attended=attended,
                certificate_obtained=gets_certificate,
                certificate_number=f"FH{session.date:%Y%m}{n:02d}{k:03d}" if gets_certificate else "",
                certificate_date=min(today, session.date + datetime.timedelta(days=14)) if gets_certificate else None,
            )
        made += 1
    figures = Attendance.objects.figures()
    ctx["log"](
        f"培训 {TrainingSession.objects.count()} 场（本次新增 {made} 场），{figures['person_times']} 人次，"
        f"{figures['distinct_people']} 人，获证 {figures['certificates']} 人"
    )
