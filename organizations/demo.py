"""Demo organizations and the accounts of each role (see fenghua_portal seed_demo)."""

import datetime

from accounts.models import User

from .models import Membership, Organization, ServiceArea, Town
from .validators import credit_code_check_char

# Organizations named in the article, with their service areas and kinds.
ORGANIZATIONS = [
    ("奉化源为爱旗袍公益俱乐部", "锦屏街道", "registered", ["care", "volunteering"]),
    ("奉化巾帼创业创新联谊会", "岳林街道", "registered", ["entrepreneurship", "care"]),
    ("安馨职业技能培训学校", "锦屏街道", "registered", ["training"]),
    ("尚技文创学院", "岳林街道", "registered", ["training"]),
    ("未来之星艺术团", "江口街道", "volunteer_team", ["training", "volunteering"]),
    ("七彩巧妇联盟", "萧王庙街道", "alliance", ["entrepreneurship", "training"]),
    ("王妈汤圆创客工作室", "萧王庙街道", "studio", ["entrepreneurship"]),
    ("女法官工作室", "锦屏街道", "studio", ["rights"]),
    ("金石榴女律师工作站", "岳林街道", "studio", ["rights"]),
    ("心之岸社会工作服务中心", "西坞街道", "registered", ["rights", "care"]),
    ("奉帮和事嫂家事调解服务队", "方桥街道", "volunteer_team", ["rights"]),
    ("家里人调解室", "溪口镇", "studio", ["rights"]),
    ("蒋家池头村和美妇女微家", "尚田街道", "womens_home", ["volunteering", "care"]),
    ("箭岭志愿者协会", "莼湖街道", "registered", ["volunteering"]),
    ("何美蓉道德模范工作室", "裘村镇", "studio", ["volunteering"]),
    ("南溪阿姐志愿服务队", "大堰镇", "volunteer_team", ["volunteering", "care"]),
    ("龙津姐妹花志愿服务队", "松岙镇", "volunteer_team", ["volunteering"]),
]

DEMO_USERS = [
    # email, name, role, organization, membership role, label printed by seed_demo
    ("staff@demo.lanxin.cn", "妇联 王敏", User.Role.STAFF, None, None, "妇联工作人员"),
    ("leader@demo.lanxin.cn", "区妇联 陈主席", User.Role.LEADER, None, None, "领导"),
    ("admin@demo.lanxin.cn", "旗袍俱乐部 负责人", User.Role.MEMBER, "奉化源为爱旗袍公益俱乐部", "admin", "组织管理员"),
    (
        "volunteer@demo.lanxin.cn",
        "旗袍俱乐部 志愿者",
        User.Role.MEMBER,
        "奉化源为爱旗袍公益俱乐部",
        "member",
        "组织成员",
    ),
    (
        "mediator@demo.lanxin.cn",
        "和事嫂 调解员",
        User.Role.MEMBER,
        "奉帮和事嫂家事调解服务队",
        "admin",
        "调解组织管理员",
    ),
    ("trainer@demo.lanxin.cn", "安馨 培训老师", User.Role.MEMBER, "安馨职业技能培训学校", "admin", "培训组织管理员"),
]


def credit_code(n):
    first17 = f"52330283MJ{n:07d}"
    return first17 + credit_code_check_char(first17)


def seed(ctx):
    areas = {a.code: a for a in ServiceArea.objects.all()}
    towns = {t.name: t for t in Town.objects.all()}
    orgs = {}
    for n, (name, town, kind, area_codes) in enumerate(ORGANIZATIONS, start=1):
        org, created = Organization.objects.get_or_create(
            name=name,
            defaults={
                "credit_code": credit_code(n) if kind == "registered" else "",
                "kind": kind,
                "town": towns[town],
                "leader_name": "负责人" + "甲乙丙丁戊己庚辛壬癸"[n % 10],
                "phone": f"0574-8895{n:04d}",
                "founded": datetime.date(2015 + n % 6, 1 + n % 12, 1 + n % 27),
                "volunteer_count": 10 + (n * 7) % 70,
            },
        )
        if created:
            org.service_areas.set([areas[c] for c in area_codes])
        orgs[name] = org
    ctx["organizations"] = orgs

    logins = []
    users = {}
    for email, full_name, role, org_name, member_role, label in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=ctx["password"], full_name=full_name, role=role)
        if org_name:
            Membership.objects.get_or_create(
                user=user, organization=orgs[org_name], defaults={"role": member_role or Membership.Role.MEMBER}
            )
        users[email] = user
        logins.append((email, label))
    if not User.objects.filter(email="it@demo.lanxin.cn").exists():
        User.objects.create_superuser(email="it@demo.lanxin.cn", password=ctx["password"], full_name="信息科")
    logins.append(("it@demo.lanxin.cn", "系统管理员(/admin/)"))
    ctx["users"] = users
    ctx["demo_logins"] = logins
    ctx["log"](f"组织 {Organization.objects.count()} 个")
