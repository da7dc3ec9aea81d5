"""gunicorn settings, read from the working directory (README "Production").

The application and every view module are imported once in the master, and the objects that
import created are moved out of the garbage collector's sight (gc.freeze) before the workers
fork: a full collection then no longer walks the ~150,000 objects of Django, the apps and
their libraries. Measured with benches/pages.py, full collections took 60-270 ms in the
middle of single requests; frozen, they are rare and short."""

import gc

preload_app = True


def when_ready(server):
    from django.urls import get_resolver

    patterns = get_resolver().url_patterns  # imports every view module now, not on a request
    server.log.info("preloaded %d URL patterns", len(patterns))
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    # A request allocates tens of thousands of short-lived objects: collect the young
    # generation less often (CPython's default is every 700 allocations).
    gc.set_threshold(20_000, 20, 20)
