from bench.__main__ import benchmarks
from bench.database import bench_database_url


def test_benchmarks_are_found_by_module():
    found = benchmarks()
    assert "reports" in found
    assert "datagen" not in found and "database" not in found  # helpers, not benchmarks


def test_bench_database_is_separate_from_the_portals():
    assert (
        bench_database_url("postgres://postgres@127.0.0.1:5432/h_reports")
        == "postgres://postgres@127.0.0.1:5432/bench_lanxin"
    )
    assert bench_database_url("sqlite:////work/main/db.sqlite3").endswith("var/bench_lanxin.sqlite3")
