"""Benchmarks: ``python -m bench NAME [options]`` (``python -m bench`` lists them).

A benchmark is a module of this package that defines ``DESCRIPTION``, ``add_arguments(parser)``
and ``run(options) -> str`` (the results text, printed and written to bench/results/NAME.txt).
Add one by adding a module; ``bench/__main__.py`` finds it.  Benchmarks run against a database
of their own (``bench.database``), filled by ``fenghua_portal.datagen.generate(scale, seed)``.
"""
