"""python -m bench NAME [options]: runs one benchmark against the benchmark database.

Benchmarks are the modules of this package defining ``DESCRIPTION``, ``add_arguments(parser)``
and ``run(options)`` (see bench/__init__.py); each run's text is printed and written to
bench/results/NAME.txt."""

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def benchmarks():
    """{name: module} for every benchmark module of the package."""
    import bench

    found = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)) and callable(getattr(module, "add_arguments", None)):
            found[info.name] = module
    return found


def main(argv=None):
    from bench import database

    database.configure()  # before Django is set up: the benchmark database, not the portal's
    import django

    django.setup()
    found = benchmarks()
    parser = argparse.ArgumentParser(prog="python -m bench", description="兰馨HUI benchmarks")
    sub = parser.add_subparsers(dest="name", metavar="NAME")
    sub.add_parser("all", help="every benchmark with its defaults; results and machine in bench/results/README.md")
    for name, module in sorted(found.items()):
        sub_parser = sub.add_parser(name, help=getattr(module, "DESCRIPTION", ""))
        module.add_arguments(sub_parser)
    options = parser.parse_args(argv)
    if not options.name:
        parser.print_help()
        return 0
    if options.name == "all":
        return run_all(found)
    print(run_one(found[options.name], options.name, options))
    print(f"(written to bench/results/{options.name}.txt)")
    return 0


def run_one(module, name, options):
    text = module.run(options)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    return text


ORDER = ["reports", "pages", "load", "imports"]


def machine():
    """What the results were measured on."""
    import os
    import platform

    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f"{int(memory.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        database = cursor.fetchone()[0].split(" on ")[0]
    return f"{cpu}, {os.cpu_count()} cores, {memory} RAM; Python {platform.python_version()}; {database}"


def run_all(found):
    import datetime

    sections = []
    for name in [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER)):
        module = found[name]
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)
        print(f"== {name}: {getattr(module, 'DESCRIPTION', '')}", flush=True)
        text = run_one(module, name, parser.parse_args([]))
        print(text, flush=True)
        sections.append(f"## {name}: {getattr(module, 'DESCRIPTION', '')}\n\n```\n{text}\n```\n")
    summary = (
        f"# Benchmark results\n\nMeasured {datetime.datetime.now():%Y-%m-%d %H:%M} with `make bench` on: {machine()}.\n"
        "Each ratio compares two things measured in the same run. Goals and their status are on the lines marked "
        "OK / MISSED; see the notes in README.md for the causes of any gap.\n\n" + "\n".join(sections)
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "README.md").write_text(summary, encoding="utf-8")
    print("(written to bench/results/README.md)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
