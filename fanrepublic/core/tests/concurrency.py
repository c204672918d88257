"""Run work on real concurrent database connections (the PostgreSQL concurrency proofs)."""

import threading

from django.db import close_old_connections, connection


def run_at_once(work, n: int):
    """Call work(i) for i in range(n) on n threads released together by a barrier, each
    on its own connection. Returns (results, errors) for the test to assert on."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors
