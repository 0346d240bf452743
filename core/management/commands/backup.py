"""python manage.py backup [--output PATH]"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和私有文件（附件、上传的表格、月报 PDF）到一个 .tar 文件。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", default=".", help="备份文件路径或目录（默认当前目录）")

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        try:
            path, manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            f"{path}  ({len(manifest['database']['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个文件)"
        )
