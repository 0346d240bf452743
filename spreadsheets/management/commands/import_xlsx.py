"""python manage.py import_xlsx RESOURCE FILE [--dry-run] [--user EMAIL]

The same code path as the web import: all rows or none; every row through the record type's
rules (``core.rules``) as ``Actor.system()`` (staff rights, no user), or as the user named by
``--user`` (that user's rights, exactly as on the web import); prints the counts
and every rejected row (row, column, reason); exits with status 1 when any row is rejected
or the file is refused (its type, its header, more rows than IMPORT_MAX_ROWS)."""

from django.core.management.base import BaseCommand, CommandError

from spreadsheets.files import FileRejected
from spreadsheets.importer import import_sheet
from spreadsheets.permissions import can_import
from spreadsheets.resources import ALIASES, RESOURCES, get_resource


class Command(BaseCommand):
    help = "从 Excel（xlsx）或 CSV 文件导入数据：全部行通过校验才保存。"

    def add_arguments(self, parser):
        names = ", ".join(list(RESOURCES) + [k for k in ALIASES if not k.isascii()])
        parser.add_argument("resource", help=f"数据类型：{names}")
        parser.add_argument("file", help="xlsx 或 csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不保存")
        parser.add_argument("--user", help="以该用户（邮箱）的权限导入；不填则以系统（妇联工作人员权限）导入")

    def handle(self, *args, resource, file, dry_run, user=None, **options):
        try:
            sheet_resource = get_resource(resource)
        except KeyError:
            raise CommandError(f"未知的数据类型“{resource}”，可选：{', '.join(RESOURCES)}") from None
        who = None
        if user:
            from django.contrib.auth import get_user_model

            who = get_user_model().objects.filter(email__iexact=user.strip()).first()
            if who is None or not who.is_active:
                raise CommandError(f"未找到用户“{user}”。")
            if not can_import(who, sheet_resource.name):
                raise CommandError(f"用户“{user}”无权导入{sheet_resource.label}。")
        try:
            result = import_sheet(sheet_resource, file, user=who, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except FileRejected as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{sheet_resource.label}：共 {result.total} 行；新增 {result.new}，更新 {result.updated}，"
            f"无变化 {result.unchanged}，错误 {result.rejected}。"
        )
        for note, count in result.notes.items():
            self.stdout.write(f"列入重点关爱日期{note}：{count} 人")
        for number, header, reason in result.errors:
            self.stdout.write(f"第{number}行 [{header}] {reason}")
        if result.rejected > len({e[0] for e in result.errors}):
            self.stdout.write(f"（仅列出前 {len(result.errors)} 条错误）")
        if result.rejected:
            raise CommandError(f"有 {result.rejected} 行错误，未导入任何数据。", returncode=1)
        self.stdout.write(self.style.SUCCESS("校验通过（未保存：--dry-run）。" if dry_run else "导入完成。"))
