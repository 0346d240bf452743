"""Loads demo data: organizations, accounts of each role, and each app's records.

Deterministic for a given --seed, and idempotent: running it again changes nothing.  Each
domain app contributes a ``demo.py`` with ``seed(ctx)``; they run in dependency order."""
import importlib
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

APPS_IN_ORDER = ["organizations", "beneficiaries", "training", "projects", "cases", "reports"]
DEMO_PASSWORD = "Lanxin-2026"


class Command(BaseCommand):
    help = "加载演示数据（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="0: a small demo; 1: the article's year; 10: load tests")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, scale, seed, quiet, **options):
        ctx = {
            "rng": random.Random(seed),
            "scale": scale,
            "today": timezone.localdate(),
            "password": DEMO_PASSWORD,
            "log": (lambda msg: None) if quiet else (lambda msg: self.stdout.write(msg)),
        }
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(ctx)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（密码均为 %s）：" % DEMO_PASSWORD))
            for email, label in ctx.get("demo_logins", []):
                self.stdout.write(f"  {label:<16} {email}")
