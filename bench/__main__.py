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
    for name, module in sorted(found.items()):
        sub_parser = sub.add_parser(name, help=getattr(module, "DESCRIPTION", ""))
        module.add_arguments(sub_parser)
    options = parser.parse_args(argv)
    if not options.name:
        parser.print_help()
        return 0
    text = found[options.name].run(options)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{options.name}.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"(written to bench/results/{options.name}.txt)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
