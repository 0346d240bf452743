"""A small, bounded HTTP load generator for 127.0.0.1 only.

Each worker thread keeps one connection open and sends requests until the request budget or the
time limit runs out; latencies are collected and summarised (requests per second, p50, p95)."""

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def _percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def hammer(base_url, make_request, *, concurrency=8, seconds=8.0, max_requests=20000, cookies=""):
    """make_request(i) -> (method, path, body or None, headers dict).  Only loopback targets."""
    parts = urlsplit(base_url)
    assert parts.hostname in ("127.0.0.1", "localhost", "::1"), "load tests target this machine only"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        local = []
        local_status: dict[int, int] = {}
        while time.monotonic() < deadline:
            try:
                i = next(counter)
            except StopIteration:
                break
            method, path, body, headers = make_request(i)
            headers = dict(headers or {})
            if cookies:
                headers["Cookie"] = cookies
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                status = 0
            local.append(time.perf_counter() - started)
            local_status[status] = local_status.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local)
            for key, value in local_status.items():
                statuses[key] = statuses.get(key, 0) + value

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "statuses": statuses,
    }
