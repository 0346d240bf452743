"""Excel import: the portal's engine against a plain ``bulk_create`` of the same rows (median
of 3 runs each), django-import-export's bulk mode on the same beneficiaries, the two sheet
readers that use public APIs only (openpyxl's read-only ``iter_rows`` and python-calamine),
and memory as rows grow (1x and 10x rows, each measured in a fresh process by its peak
resident memory above what the process held before the import).

    make bench BENCH_ARGS="imports --beneficiaries 2000 --visits 10000 --memory-rows 2000"
    python -m bench imports [--beneficiaries 20000] [--visits 100000] [--memory-rows 10000] [--repeat 3]

The comparisons need the packages of bench/requirements.txt (``make bench`` installs them);
the portal itself uses neither.  The database: ``h_sheets`` on the server of DATABASE_URL
(PostgreSQL for ``make bench``), dropped and created again at each run.

Goals: the import within 4x a plain ``bulk_create`` of the same rows (median of the runs);
10x the rows within 2x the memory."""

import datetime
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DESCRIPTION = (
    "Excel 导入：2万服务对象、10万走访记录对比 bulk_create（3次中位数）、django-import-export、两种读表方式、内存"
)
DB_NAME = os.environ.get("BENCH_SHEETS_DB", "h_sheets")  # a fresh database of its own, dropped at each run
ROOT = Path(__file__).resolve().parent.parent
B_HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "联系电话",
    "所属镇街",
    "村社区",
    "住址",
    "服务对象类别",
    "重点关爱",
    "每月走访次数",
    "负责组织",
    "同意日期",
    "同意方式",
]
V_HEADERS = ["身份证号", "走访日期", "走访组织", "走访方式", "服务内容", "物资价值", "走访人", "备注"]
CATEGORIES = ["", "", "老妇女主任", "困难女性、独抚女性", "高龄老人"]
MODES = ["入户走访", "电话问候", "健康检查", "送物资", "讲座"]
SERVICES = ["", "物资慰问", "健康检查、心理疏导", "生活照料"]


def add_arguments(parser):
    parser.add_argument("--beneficiaries", type=int, default=20000)
    parser.add_argument("--visits", type=int, default=100000)
    parser.add_argument(
        "--memory-rows", type=int, default=10000, help="visits of the 1x memory check (10x is also run)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is reported")
    parser.add_argument("--seed", type=int, default=2021)


# --- the database ------------------------------------------------------------------------------


def _use_fresh_database():
    """Points the default connection at a new, empty, migrated database of its own."""
    from django.core.management import call_command

    from bench.database import recreate

    where = recreate(DB_NAME)
    call_command("migrate", verbosity=0, interactive=False)
    return where


# --- the sheets --------------------------------------------------------------------------------


def _id_number(index):
    from organizations.validators import id_check_char

    birth = datetime.date(1935, 1, 1) + datetime.timedelta(days=index % 20000)
    first17 = f"330283{birth:%Y%m%d}{(index // 20000) * 2 % 1000:03d}"
    return first17 + id_check_char(first17)


def beneficiary_rows(count, organizations, towns, seed):
    rng = random.Random(seed)
    for i in range(count):
        key_care = i % 10 == 0
        yield [
            f"王{'秀英桂英美华玉兰凤英'[i % 10]}{i}",
            "",
            _id_number(i),
            f"138{i:08d}",
            towns[i % len(towns)],
            f"第{i % 200}村",
            f"{i}号",
            CATEGORIES[i % len(CATEGORIES)],
            "是" if key_care else "否",
            2 if key_care else "",
            organizations[rng.randrange(len(organizations))],
            datetime.date(2021, 1, 5),  # consent (required for a new person, as on the page)
            "书面签字",
        ]


def visit_rows(count, beneficiaries, organizations, seed):
    rng = random.Random(seed + 1)
    start = datetime.date(2021, 1, 1)
    for i in range(count):
        person = i % beneficiaries
        yield [
            _id_number(person),
            start + datetime.timedelta(days=(i // beneficiaries) * 30 + person % 28),
            organizations[person % len(organizations)],
            MODES[i % len(MODES)],
            SERVICES[i % len(SERVICES)],
            rng.choice(["", "50", "120.50"]),
            "志愿者",
            "",
        ]


INLINE_STRING = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def write_sheet(path, headers, rows):
    """A sheet as Excel and WPS write it: text in a shared-string table (openpyxl writes every
    string inline, which readers parse several times slower) and a <dimension> (without it
    openpyxl sizes a sheet by parsing it once more).  Written by a write-only workbook, then
    rewritten."""
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(headers)
    count = 1
    for row in rows:
        sheet.append(row)
        count += 1
    raw = path.with_suffix(".raw.xlsx")
    workbook.save(raw)
    last_column = chr(ord("A") + len(headers) - 1)
    table: dict[bytes, Any] = {}

    def shared(match):
        index = table.setdefault(match.group(3), len(table))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2) or b"", index)

    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="A1:{last_column}{count}"/>'.encode(), 1)
                data = INLINE_STRING.sub(shared, data)
            elif info.filename == "[Content_Types].xml":
                part = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
                data = data.replace(b"</Types>", part.encode() + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Id="rIdStrings" Type="{SHARED_STRINGS_REL}" Target="/xl/sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            target.writestr(info.filename, data)
        strings = b"".join(b"<si><t>%s</t></si>" % text for text in table)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>'
            % (len(table), strings),
        )
    raw.unlink()
    return path


# --- the plain bulk_create baseline ------------------------------------------------------------


def _read(path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    workbook.close()
    return rows


def baseline_beneficiaries(path):
    """Reads the sheet, builds the rows with foreign keys from dicts, bulk_creates them and
    their categories.  No validation, no matching, no history."""
    from beneficiaries.models import Beneficiary, BeneficiaryCategory
    from organizations.models import Organization, Town

    started = time.perf_counter()
    rows = _read(path)
    towns = dict(Town.objects.values_list("name", "id"))
    orgs = dict(Organization.objects.values_list("name", "id"))
    labels = {str(label): value for value, label in BeneficiaryCategory.Code.choices}
    categories = {labels[c.get_code_display()]: c.id for c in BeneficiaryCategory.objects.all()}
    labels_to_id = {label: categories[code] for label, code in labels.items()}
    objects, cats = [], []
    for row in rows:
        objects.append(
            Beneficiary(
                name=row[0],
                gender="F",
                id_number=row[2],
                birth_date=datetime.date(1950, 1, 1),
                phone=row[3],
                town_id=towns[row[4]],
                village=row[5],
                address=row[6],
                key_care=row[8] == "是",
                visit_cadence=row[9] or 0,
                organization_id=orgs[row[10]],
                consent_date=row[11],
                consent_method="written",
            )
        )
        cats.append([labels_to_id[label] for label in (row[7] or "").split("、") if label])
    return time.perf_counter() - started, _bulk_create(Beneficiary, "categories", objects, cats)


def _bulk_create(model, attr, objects, links):
    """Times a bulk_create of the rows and of their many-to-many links, in one transaction."""
    from django.db import transaction

    field = model._meta.get_field(attr)
    through = field.remote_field.through
    src, dst = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    started = time.perf_counter()
    with transaction.atomic():
        model.objects.bulk_create(objects, batch_size=1000)
        through.objects.bulk_create(
            [through(**{src: obj.pk, dst: target}) for obj, ids in zip(objects, links) for target in ids],
            batch_size=1000,
        )
    return time.perf_counter() - started


def baseline_visits(path):
    from beneficiaries.models import Beneficiary, Visit, VisitService
    from organizations.models import Organization

    started = time.perf_counter()
    rows = _read(path)
    people = dict(Beneficiary.objects.values_list("id_number", "id"))
    orgs = dict(Organization.objects.values_list("name", "id"))
    modes = {str(label): value for value, label in Visit.Mode.choices}
    services = {str(s.get_code_display()): s.id for s in VisitService.objects.all()}
    objects, links = [], []
    for row in rows:
        objects.append(
            Visit(
                beneficiary_id=people[row[0]],
                visit_date=row[1].date(),
                organization_id=orgs[row[2]],
                mode=modes[row[3]],
                supplies_value=row[5] or 0,
                visitors=row[6],
                notes=row[7] or "",
            )
        )
        links.append([services[label] for label in (row[4] or "").split("、") if label])
    return time.perf_counter() - started, _bulk_create(Visit, "services", objects, links)


def _wipe(*models):
    from django.db import transaction

    with transaction.atomic():
        for model in models:
            for field in model._meta.many_to_many:
                field.remote_field.through.objects.all().delete()
            model.objects.all().delete()
            history = getattr(model, "history", None)
            if history is not None:
                history.model.objects.all().delete()


# --- measuring ---------------------------------------------------------------------------------


def timed(function, *args, **kwargs):
    gc.collect()
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def traced(function, *args, **kwargs):
    """(value, peak bytes allocated by Python while running) with tracemalloc."""
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        value = function(*args, **kwargs)
        return value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _import(path, name):
    from spreadsheets.importer import import_sheet
    from spreadsheets.resources import get_resource

    result = import_sheet(get_resource(name), path, user=None, dry_run=False)
    assert result.saved and not result.rejected, result.errors[:5]
    return result


# --- django-import-export's bulk mode, done as well as it allows ------------------------------


def import_export_available():
    try:
        import import_export  # noqa: F401
        import tablib  # noqa: F401
    except ImportError:
        return False
    return True


def import_export_resource():
    """A django-import-export ModelResource for the beneficiaries sheet in its fastest form:
    ``use_bulk`` (``bulk_create`` per 1,000 rows), ``skip_diff``, one query for the existing
    rows (``CachedInstanceLoader``), towns and organizations resolved from dictionaries loaded
    once (the per-row lookups of its default ``ForeignKeyWidget`` cost 100,000+ queries), the
    same derivations as the portal (birth date and gender from the checked ID number, pinyin
    initials).  Its bulk mode writes no many-to-many field (the categories) and no history."""
    from import_export import fields, resources, widgets
    from import_export.instance_loaders import CachedInstanceLoader

    from beneficiaries.models import Beneficiary
    from beneficiaries.services import name_initials
    from organizations.models import Organization, Town
    from organizations.validators import parse_id_number

    class CachedForeignKey(widgets.ForeignKeyWidget):
        def __init__(self, model):
            super().__init__(model, field="name")
            self.cache = {item.name: item for item in model.objects.all()}

        def clean(self, value, row=None, **kwargs):
            return self.cache[value]

    class YesNo(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return value == "是"

    class Cadence(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return int(value or 0)

    class Text(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return "" if value is None else str(value)

    def column(header, attribute, widget=None):
        return fields.Field(attribute=attribute, column_name=header, widget=widget or Text())

    class BeneficiarySheet(resources.ModelResource):
        name = column("姓名", "name")
        id_number = column("身份证号", "id_number")
        phone = column("联系电话", "phone")
        town = column("所属镇街", "town", CachedForeignKey(Town))
        village = column("村社区", "village")
        address = column("住址", "address")
        key_care = column("重点关爱", "key_care", YesNo())
        visit_cadence = column("每月走访次数", "visit_cadence", Cadence())
        organization = column("负责组织", "organization", CachedForeignKey(Organization))

        class Meta:
            model = Beneficiary
            fields: tuple[str, ...] = (
                "name",
                "id_number",
                "phone",
                "town",
                "village",
                "address",
                "key_care",
                "visit_cadence",
            )
            fields += ("organization",)
            import_id_fields = ("id_number",)
            instance_loader_class = CachedInstanceLoader
            use_bulk = True
            batch_size = 1000
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.birth_date, instance.gender = parse_id_number(instance.id_number)
            instance.name_initials = name_initials(instance.name)
            if instance.key_care and not instance.key_care_since:
                instance.key_care_since = datetime.date.today()

    return BeneficiarySheet()


def import_export_run(path):
    """Reads the sheet into a tablib Dataset (all rows in memory: its ``import_data`` takes a
    Dataset) and imports it in bulk mode in one transaction."""
    import tablib

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    result = import_export_resource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows[:3]
    return result


# --- measuring in a fresh process --------------------------------------------------------------


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak():
    """Linux: writing 5 to clear_refs resets the process's peak resident memory (VmHWM), so
    the peak measured is the measured step's, not Django's start-up."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def child(mode, path, name):
    """``python -m bench.imports --child MODE PATH NAME``: one measurement in a fresh process
    (the peak resident memory of a process only grows, so each figure needs its own); prints
    {"seconds", "rows", "rss_kb": peak increase during the measured step}."""
    from bench.database import configure

    configure()
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = os.environ["BENCH_CHILD_DB_NAME"]
    # What a running worker has loaded already (the parsers, the resources, pypinyin's
    # dictionaries), so that the figure is the measured step's own memory.
    import openpyxl  # noqa: F401

    from beneficiaries.services import name_initials
    from spreadsheets import exporter, importer, resources  # noqa: F401

    name_initials("王秀英")
    connections["default"].ensure_connection()
    _warm_up(mode, path, name)
    gc.collect()
    _reset_peak()
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    if mode == "read-openpyxl":
        from spreadsheets.files import open_sheet

        sheet = open_sheet(path, max_rows=10**9)
        rows = sum(1 for _ in sheet.rows())
        sheet.close()
    elif mode == "read-calamine":
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(path)
        rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows()) - 1
        workbook.close()
    elif mode == "import":
        rows = _import(path, name).total
    elif mode == "import-export":
        rows = import_export_run(path).total_rows
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": rows, "rss_kb": _status_kb("VmHWM") - before}))


def _warm_up(mode, path, name):
    """Runs the measured step once on the first rows of the same sheet (in a transaction rolled
    back), so that what loads lazily (tablib's formats, the resources' lookups) is loaded."""
    from django.db import transaction
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(max_row=6, values_only=True))
    workbook.close()
    tiny = Path(tempfile.mkdtemp(prefix="bench-warm-")) / "tiny.xlsx"
    write_sheet(tiny, list(rows[0]), [list(row) for row in rows[1:]])
    try:
        if mode == "read-calamine":
            from python_calamine import CalamineWorkbook

            CalamineWorkbook.from_path(tiny).close()
        elif mode == "import-export":
            with transaction.atomic():
                import_export_run(tiny)
                transaction.set_rollback(True)
        else:
            from spreadsheets.importer import import_sheet
            from spreadsheets.resources import get_resource

            import_sheet(get_resource(name or "visits"), tiny, user=None, dry_run=True)
    finally:
        tiny.unlink()
        tiny.parent.rmdir()
    gc.collect()


def in_child(mode, path, name=""):
    from django.db import connection

    env = dict(os.environ, BENCH_CHILD_DB_NAME=str(connection.settings_dict["NAME"]))
    connection.close()  # PostgreSQL: the child may drop nothing, but keep one connection each
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", mode, str(path), name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{mode} {path}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _export_queryset(limit):
    from beneficiaries.models import Visit
    from spreadsheets.resources import get_resource

    resource = get_resource("visits")
    queryset = resource.export_queryset(_staff())
    if limit:
        queryset = queryset.filter(pk__in=Visit.objects.order_by("pk").values("pk")[:limit])
    return resource, queryset


def _drain_csv(limit):
    from spreadsheets.exporter import csv_stream, export_rows

    rows = size = 0
    for chunk in csv_stream(export_rows(*_export_queryset(limit))):
        size += len(chunk)
        rows += 1
    return rows - 2, size  # the BOM and the header


def _staff():
    from accounts.models import User

    user, _ = User.objects.get_or_create(email="bench-staff@example.cn", defaults={"role": "staff"})
    return user


def _mb(value):
    return f"{value / 1024 / 1024:.1f} MB"


def _kb_mb(kb):
    return f"{kb / 1024:.1f} MB"


def interleaved(repeat, **steps):
    """{name: median seconds} of ``repeat`` rounds, each round running every step once in turn
    (so that a machine busier in one minute than the next weighs on every side alike); a step
    returns the seconds it measured."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _round in range(repeat):
        for name, step in steps.items():
            times[name].append(step())
    return {name: statistics.median(values) for name, values in times.items()}


def compare_steps(model, baseline, path, name, count, reads):
    """The steps timed against each other for one sheet: the plain bulk_create (reading the
    sheet for it timed apart, into ``reads``) and the portal's import, each on an emptied table."""

    def plain():
        _wipe(model)
        reading, writing = baseline(path)
        reads.append(reading)
        return writing

    def portal():
        _wipe(model)
        result, seconds = timed(_import, path, name)
        assert result.new == count and model.objects.count() == count
        return seconds

    return {"bulk": plain, "portal": portal}


def run(options):
    from beneficiaries.models import Beneficiary, Visit
    from organizations.models import Organization, Town

    lines = []

    def log(text=""):
        lines.append(text)
        print(text, flush=True)

    database = _use_fresh_database()
    # Load what a running portal has loaded already (pypinyin's dictionaries, the resources),
    # so that neither side of the comparison pays for it.
    from beneficiaries.services import name_initials
    from spreadsheets import resources  # noqa: F401

    name_initials("王秀英")
    repeat = options.repeat
    log(f"Excel import benchmark — {datetime.datetime.now():%Y-%m-%d %H:%M}, database: {database}")
    log(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); timings are the median of {repeat} runs")
    towns = list(Town.objects.values_list("name", flat=True))
    town_ids = list(Town.objects.values_list("id", flat=True))
    organizations = []
    for i in range(20):
        org = Organization.objects.create(name=f"基准测试组织{i}", town_id=town_ids[i % len(town_ids)])
        organizations.append(org.name)
    nb, nv, small = options.beneficiaries, options.visits, options.memory_rows
    workdir = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    b_path = write_sheet(workdir / "b.xlsx", B_HEADERS, beneficiary_rows(nb, organizations, towns, options.seed))
    v_path = write_sheet(workdir / "v.xlsx", V_HEADERS, visit_rows(nv, nb, organizations, options.seed))
    s_path = write_sheet(workdir / "v1x.xlsx", V_HEADERS, visit_rows(small, nb, organizations, options.seed))
    l_path = write_sheet(workdir / "v10x.xlsx", V_HEADERS, visit_rows(small * 10, nb, organizations, options.seed))
    log(f"sheets: {nb:,} beneficiaries ({_mb(b_path.stat().st_size)}), {nv:,} visits ({_mb(v_path.stat().st_size)})")
    log("")
    goal = []

    # 1. The readers, each in a fresh process: seconds and peak memory at 1x and 10x rows.
    log(f"sheet readers (public APIs only), {small:,} and {small * 10:,} visit rows, each in a fresh process:")
    readers = {"openpyxl read-only iter_rows (kept)": "read-openpyxl"}
    try:
        import python_calamine  # noqa: F401

        readers["python-calamine"] = "read-calamine"
    except ImportError:
        log("    python-calamine not installed (pip install -r bench/requirements.txt): not compared")
    read = {}
    for label, mode in readers.items():
        one, ten = in_child(mode, s_path), in_child(mode, l_path)
        assert one["rows"] == small and ten["rows"] == small * 10, (one, ten)
        read[mode] = (one, ten)
        log(
            f"    {label:38} {one['seconds']:6.2f} s / {ten['seconds']:6.2f} s;"
            f" peak memory +{_kb_mb(one['rss_kb'])} / +{_kb_mb(ten['rss_kb'])}"
            f" ({ten['rss_kb'] / max(one['rss_kb'], 1):.1f}x for 10x the rows)"
        )
    if "read-calamine" in read:
        o, c = read["read-openpyxl"][1], read["read-calamine"][1]
        log(
            f"    at {small * 10:,} rows calamine reads {o['seconds'] / c['seconds']:.1f}x faster and holds"
            f" {c['rss_kb'] / max(o['rss_kb'], 1):.1f}x the memory (it loads the whole sheet, and cannot read"
            " the header without parsing every row)"
        )
    log("")

    # 2. Beneficiaries: the plain bulk_create, the portal's import, django-import-export.
    def ie_b():
        _wipe(Beneficiary)
        _, seconds = timed(import_export_run, b_path)
        assert Beneficiary.objects.count() == nb
        return seconds

    reads: list[Any] = []
    steps = compare_steps(Beneficiary, baseline_beneficiaries, b_path, "beneficiaries", nb, reads)
    if import_export_available():
        steps["import_export"] = ie_b
    medians = interleaved(repeat, **steps)
    b_bulk, b_read, b_import = medians["bulk"], statistics.median(reads), medians["portal"]
    ratio_b = b_import / b_bulk
    log(f"{nb:,} beneficiaries (validated, matched by ID number, categories, with edit history):")
    log(f"    plain bulk_create {b_bulk:.2f} s (+ reading the sheet {b_read:.2f} s)")
    log(
        f"    portal import     {b_import:.2f} s = {ratio_b:.2f}x bulk_create alone; {b_import / (b_read + b_bulk):.2f}x read + bulk_create"
    )
    goal.append(("beneficiaries import within 4x bulk_create alone", ratio_b <= 4))
    if import_export_available():
        ie = medians["import_export"]
        log(
            f"    django-import-export bulk mode {ie:.2f} s = {ie / b_bulk:.2f}x bulk_create alone"
            f" ({ie / b_import:.2f}x the portal's import; without categories or history, which its bulk mode"
            " cannot write)"
        )
        ie_mem_one = in_child("import-export", b_path)
        _wipe(Beneficiary)
        ours_mem_one = in_child("import", b_path, "beneficiaries")
        _wipe(Beneficiary)
        log(
            f"    peak memory of the import, fresh process: portal +{_kb_mb(ours_mem_one['rss_kb'])},"
            f" django-import-export +{_kb_mb(ie_mem_one['rss_kb'])} (its Dataset and row results hold every row)"
        )
    else:
        log("    django-import-export not installed (pip install -r bench/requirements.txt): not compared")
    log("")

    # 3. Visits (of the beneficiaries imported once more).
    _wipe(Beneficiary)
    _import(b_path, "beneficiaries")
    reads = []
    medians = interleaved(repeat, **compare_steps(Visit, baseline_visits, v_path, "visits", nv, reads))
    v_bulk, v_read, v_import = medians["bulk"], statistics.median(reads), medians["portal"]
    ratio_v = v_import / v_bulk
    log(f"{nv:,} visits:")
    log(f"    plain bulk_create {v_bulk:.2f} s (+ reading the sheet {v_read:.2f} s)")
    log(
        f"    portal import     {v_import:.2f} s = {ratio_v:.2f}x bulk_create alone; {v_import / (v_read + v_bulk):.2f}x read + bulk_create"
    )
    goal.append(("visits import within 4x bulk_create alone", ratio_v <= 4))
    again, v_again = timed(_import, v_path, "visits")
    log(
        f"    the same sheet imported again: {v_again:.2f} s, {again.unchanged:,} unchanged, {again.new} new,"
        f" {again.updated} updated"
    )
    goal.append(("re-import changes nothing", again.unchanged == nv and Visit.objects.count() == nv))
    log("")

    # 4. Export, streamed (csv): memory at 1/10 and all rows.
    (rows_small, _), export_small = traced(_drain_csv, nv // 10)
    (rows_all, csv_size), export_all = traced(_drain_csv, None)
    log(
        f"csv export streamed (tracemalloc peak): {rows_small:,} rows {_mb(export_small)};"
        f" {rows_all:,} rows ({_mb(csv_size)}) {_mb(export_all)} ({export_all / export_small:.2f}x)"
    )
    goal.append(("csv export: 10x rows < 2x memory", export_all < 2 * export_small))
    log("")

    # 5. Memory as rows grow: the whole import (read, validate, write) in a fresh process.
    _wipe(Visit)
    one = in_child("import", s_path, "visits")
    _wipe(Visit)
    ten = in_child("import", l_path, "visits")
    _wipe(Visit)
    log(
        f"import memory (peak resident memory above the process before the import, fresh process each):"
        f" {small:,} visits +{_kb_mb(one['rss_kb'])} ({one['seconds']:.1f} s);"
        f" {small * 10:,} visits +{_kb_mb(ten['rss_kb'])} ({ten['seconds']:.1f} s)"
        f" = {ten['rss_kb'] / max(one['rss_kb'], 1):.2f}x for 10x the rows"
    )
    goal.append(("import memory: 10x rows < 2x memory", ten["rss_kb"] < 2 * one["rss_kb"]))
    log("")
    for text, ok in goal:
        log(f"{'OK    ' if ok else 'MISSED'}  {text}")
    for path in (b_path, v_path, s_path, l_path):
        path.unlink(missing_ok=True)
    workdir.rmdir()
    return "\n".join(lines)


def main(argv=None):
    """``python -m bench.imports``: the same benchmark without the bench registry (and the
    entry of the measurements made in a fresh process: ``--child``)."""
    import argparse

    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(ROOT))
    if argv[:1] == ["--child"]:
        child(*argv[1:4])
        return 0
    from bench.database import configure

    configure()
    import django

    django.setup()
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=DESCRIPTION)
    add_arguments(parser)
    text = run(parser.parse_args(argv))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "imports.txt").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
