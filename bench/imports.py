"""Excel import and export: 20,000 beneficiaries and 100,000 visits from generated xlsx files
into a fresh database (``h_sheets``), timed against a plain ``bulk_create`` of the same rows in
the same run, with peak memory; memory at 1x and 10x rows; a 100,000-row export streamed.

    python -m bench imports [--beneficiaries 20000] [--visits 100000] [--memory-rows 5000]
    python -m bench.imports ...       (the same, on its own)

The database: ``h_sheets`` on the PostgreSQL server of DATABASE_URL, else var/h_sheets.sqlite3;
it is dropped and created again at each run, so the import runs on empty tables."""

import datetime
import gc
import os
import random
import resource
import secrets
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

DESCRIPTION = "Excel 导入导出：2万服务对象、10万走访记录，对比 bulk_create，内存与流式导出"
DB_NAME = "h_sheets"
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
]
V_HEADERS = ["身份证号", "走访日期", "走访组织", "走访方式", "服务内容", "物资价值", "走访人", "备注"]
CATEGORIES = ["", "", "老妇女主任", "困难女性、独抚女性", "高龄老人"]
MODES = ["入户走访", "电话问候", "健康检查", "送物资", "讲座"]
SERVICES = ["", "物资慰问", "健康检查、心理疏导", "生活照料"]


def add_arguments(parser):
    parser.add_argument("--beneficiaries", type=int, default=20000)
    parser.add_argument("--visits", type=int, default=100000)
    parser.add_argument("--memory-rows", type=int, default=5000, help="1x size of the memory check (10x is also run)")
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


def write_sheet(path, headers, rows):
    """A write-only workbook (bounded memory), then given the <dimension> that Excel and WPS
    write: without it openpyxl parses a whole sheet once more just to size it."""
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
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            with source.open(info) as reader, target.open(info.filename, "w") as writer:
                first = reader.read(1024)
                if info.filename == "xl/worksheets/sheet1.xml":
                    first = first.replace(
                        b"</sheetPr>", f'</sheetPr><dimension ref="A1:{last_column}{count}"/>'.encode(), 1
                    )
                writer.write(first)
                while chunk := reader.read(1024 * 1024):
                    writer.write(chunk)
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


def _xlsx_export(limit):
    from spreadsheets.exporter import export_rows, xlsx_file

    handle = xlsx_file(export_rows(*_export_queryset(limit)))
    handle.seek(0, 2)
    size = handle.tell()
    handle.close()
    return size


def _staff():
    from accounts.models import User

    user, _ = User.objects.get_or_create(email="bench-staff@example.cn", defaults={"role": "staff"})
    return user


def _mb(value):
    return f"{value / 1024 / 1024:.1f} MB"


def run(options):
    import django

    from beneficiaries.models import Beneficiary, Visit
    from organizations.models import Organization, Town

    del django
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
    log(f"Excel import/export benchmark — {datetime.datetime.now():%Y-%m-%d %H:%M}, database: {database}")
    log(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    towns = list(Town.objects.values_list("name", flat=True))
    organizations = []
    for i in range(20):
        org = Organization.objects.create(
            name=f"基准测试组织{i}", town_id=Town.objects.values_list("id", flat=True)[i % len(towns)]
        )
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

    # Beneficiaries: baseline, then the import into the emptied table.
    b_read, b_bulk = baseline_beneficiaries(b_path)
    _wipe(Beneficiary)
    result, b_import = timed(_import, b_path, "beneficiaries")
    assert Beneficiary.objects.count() == nb and result.new == nb
    ratio_b = b_import / (b_read + b_bulk)
    log(f"{nb:,} beneficiaries: import {b_import:.2f} s (validated, matched by ID number, with history)")
    log(f"    plain bulk_create {b_bulk:.2f} s; read xlsx + bulk_create {b_read + b_bulk:.2f} s")
    log(f"    import / (read + bulk_create) = {ratio_b:.2f}x; import / bulk_create alone = {b_import / b_bulk:.2f}x")
    goal.append(("beneficiaries within 4x of read + bulk_create", ratio_b <= 4))

    # Visits.
    v_read, v_bulk = baseline_visits(v_path)
    _wipe(Visit)
    result, v_import = timed(_import, v_path, "visits")
    assert Visit.objects.count() == nv and result.new == nv
    ratio_v = v_import / (v_read + v_bulk)
    log(f"{nv:,} visits: import {v_import:.2f} s")
    log(f"    plain bulk_create {v_bulk:.2f} s; read xlsx + bulk_create {v_read + v_bulk:.2f} s")
    log(f"    import / (read + bulk_create) = {ratio_v:.2f}x; import / bulk_create alone = {v_import / v_bulk:.2f}x")
    goal.append(("visits within 4x of read + bulk_create", ratio_v <= 4))

    again, v_again = timed(_import, v_path, "visits")
    log(
        f"the same {nv:,} visits imported again: {v_again:.2f} s, {again.unchanged:,} unchanged, {again.new} new, {again.updated} updated"
    )
    goal.append(("re-import changes nothing", again.unchanged == nv and Visit.objects.count() == nv))
    log("")

    # Export: streamed csv at 1/10 and all rows; xlsx through a write-only workbook.
    (rows_small, _), export_small = traced(_drain_csv, nv // 10)
    (rows_all, csv_size), export_all = traced(_drain_csv, None)
    _, xlsx_small = traced(_xlsx_export, nv // 10)
    xlsx_size, export_xlsx = traced(_xlsx_export, None)
    log(
        f"csv export streamed: {rows_small:,} rows peak {_mb(export_small)}; {rows_all:,} rows ({_mb(csv_size)}) peak {_mb(export_all)}"
        f" ({export_all / export_small:.2f}x)"
    )
    log(
        f"xlsx export (write-only workbook to a temporary file): {nv // 10:,} rows peak {_mb(xlsx_small)}; "
        f"{rows_all:,} rows ({_mb(xlsx_size)}) peak {_mb(export_xlsx)} ({export_xlsx / xlsx_small:.2f}x)"
    )
    goal.append(("100k-row csv export streamed: 10x rows < 2x memory", export_all < 2 * export_small))
    goal.append(("100k-row xlsx export streamed: 10x rows < 2x memory", export_xlsx < 2 * xlsx_small))
    log("")

    # Memory as rows grow: the import (validate + write) at 1x and 10x rows, on an empty table.
    _wipe(Visit)
    _, mem_small = traced(_import, s_path, "visits")
    _wipe(Visit)
    _, mem_large = traced(_import, l_path, "visits")
    log(
        f"import memory (tracemalloc peak): {small:,} visits {_mb(mem_small)}; {small * 10:,} visits {_mb(mem_large)}"
        f" ({mem_large / mem_small:.2f}x for 10x the rows)"
    )
    goal.append(("import memory: 10x rows < 2x memory", mem_large < 2 * mem_small))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    log(f"process peak resident memory (whole run): {_mb(peak)}")
    log("")
    for text, ok in goal:
        log(f"{'PASS' if ok else 'FAIL'}  {text}")
    for path in (b_path, v_path, s_path, l_path):
        path.unlink(missing_ok=True)
    workdir.rmdir()
    return "\n".join(lines)


def main(argv=None):
    """``python -m bench.imports``: the same benchmark without the bench registry."""
    import argparse

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenghua_portal.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # throwaway: nothing outlives the run
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
