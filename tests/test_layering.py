"""The apps' one-way dependencies (docs/ARCHITECTURE.md), checked on the import graph: every
module of every app is parsed, and each import of another project app (at the top of a module,
inside a function or under TYPE_CHECKING alike) and each relation to another app's model by
name ("beneficiaries.Beneficiary") must point to an app lower in ``LAYERS``."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
# Lowest first: an app may import only itself and the apps before it.  ``referrals`` and ``api``
# are not written yet; they are placed where they will go.
LAYERS = [
    "core",
    "accounts",
    "organizations",
    "beneficiaries",
    "training",
    "projects",
    "cases",
    "referrals",
    "spreadsheets",
    "api",
    "reports",
    "fenghua_portal",
]
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dependencies(path, root):
    """(line, dotted name) of every project module or model that ``path`` refers to."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module or ""
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in RELATIONS:
            target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
            if isinstance(target, ast.Constant) and isinstance(target.value, str) and "." in target.value:
                yield node.lineno, target.value


def upward_dependencies(root=ROOT):
    """Every reference from an app to an app above it, as "path:line app -> name"."""
    found = []
    for level, app in enumerate(LAYERS):
        for path in sorted((root / app).rglob("*.py")):
            for line, name in dependencies(path, root):
                target = name.split(".")[0]
                if target in LAYERS and LAYERS.index(target) > level:
                    found.append(f"{path.relative_to(root)}:{line} {app} -> {name}")
    return found


def test_no_app_depends_on_an_app_above_it():
    assert upward_dependencies() == []


def test_every_project_app_has_its_place_in_the_order():
    local = [app for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()]
    assert local, "no project app found"
    assert [app for app in local if app not in LAYERS] == []
    # INSTALLED_APPS lists them lowest first too (the order of AppConfig.ready()).
    assert local == [app for app in LAYERS if app in local]


def test_an_upward_import_is_caught(tmp_path):
    """The check itself: upward imports in every form are found; downward ones pass."""
    for app in ("core", "organizations", "cases"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "core" / "ok.py").write_text("import os\nfrom . import ok\n")
    (tmp_path / "organizations" / "models.py").write_text(
        "from core import ok\n"
        "def later():\n    from cases.models import Case\n"
        "owner = models.ForeignKey('cases.MediationCase', on_delete=None)\n"
    )
    (tmp_path / "core" / "sub").mkdir()
    (tmp_path / "core" / "sub" / "deep.py").write_text("from ...organizations import models\n")
    (tmp_path / "cases" / "views.py").write_text("import organizations.access\nfrom .models import x\n")
    assert upward_dependencies(tmp_path) == [
        "core/sub/deep.py:1 core -> organizations",
        "organizations/models.py:3 organizations -> cases.models",
        "organizations/models.py:4 organizations -> cases.MediationCase",
    ]
