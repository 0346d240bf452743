"""python manage.py restore ARCHIVE [--replace]"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库和私有文件，并逐表核对行数、逐个核对文件校验和。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", help="manage.py backup 生成的 .tar 文件")
        parser.add_argument(
            "--replace", action="store_true", help="目标数据库或文件目录不是空的时，删除其中的全部内容后恢复"
        )

    def handle(self, *args: Any, archive: str, replace: bool, **options: Any) -> None:
        try:
            manifest = restore(archive, replace=replace)
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"无法连接或写入目标数据库：{exc}") from None
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            f"已恢复并核对：{len(manifest['database']['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个文件。"
            "若代码比备份新，请再运行 python manage.py migrate。"
        )
