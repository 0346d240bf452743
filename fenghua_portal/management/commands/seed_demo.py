"""Loads demo data: organizations, accounts of each role, and each app's records.

Deterministic for a given --seed, and idempotent: running it again changes nothing.  Each
domain app contributes a ``demo.py`` with ``seed(ctx)``; they run in dependency order.  With
``--scale N`` (N >= 1) a year of records at N times the article's figures is added for the 12
months up to last month (``fenghua_portal.datagen``): scale 1 is the article's year, 10 is for
load tests."""

import importlib
import random
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.months import last_month

APPS_IN_ORDER = ["organizations", "beneficiaries", "training", "projects", "cases", "referrals", "reports"]
DEMO_PASSWORD = "Lanxin-2026"


class Command(BaseCommand):
    help = "加载演示数据（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=0, help="0: a small demo; 1: the article's year; 10: load tests"
        )
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, scale, seed, quiet, **options):
        ctx: dict[str, Any] = {
            "rng": random.Random(seed),
            # The apps' demos stay small; --scale adds the bulk year through datagen below.
            "scale": 0,
            "today": timezone.localdate(),
            "password": DEMO_PASSWORD,
            "log": (lambda msg: None) if quiet else (lambda msg: self.stdout.write(msg)),
        }
        for app in APPS_IN_ORDER:
            if app == "reports" and scale >= 1:
                self._bulk_year(ctx, scale, seed)  # before the demo report is built
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(ctx)
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
            for email, label in ctx.get("demo_logins", []):
                self.stdout.write(f"  {label:<16} {email}")

    def _bulk_year(self, ctx, scale, seed):
        """Adds the year of bulk records once; its numbered organizations show it is there."""
        from fenghua_portal import datagen
        from organizations.models import Organization

        existing = Organization.objects.filter(name__in=datagen.organization_names(scale + 1)).count()
        if existing == 60 * scale:
            ctx["log"](f"第 {scale} 倍规模的年度数据已存在，跳过。")
            return
        if existing:
            raise SystemExit("数据库中已有其他规模的批量演示数据；请先清空数据库（make clean）再生成。")
        end_month = last_month(ctx["today"])
        started = time.monotonic()
        summary = datagen.generate(scale, seed, end_month=end_month)
        counts = "，".join(f"{k} {v}" for k, v in summary["counts"].items())
        ctx["log"](f"已生成到 {summary['month']} 为止一年的数据（{time.monotonic() - started:.0f} 秒）：{counts}")
