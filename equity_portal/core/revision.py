"""An organization's content revision, and a memo of the pages composed from it.

The overview and the results pages compose many selectors whose answer is the same for every
viewer of an organization until something in that organization changes; computing them on
every request cost 30-120 ms of CPU (DESIGN §6 allows 50 ms). So:

- every save or delete of a model that belongs to an organization adds one to
  `Organization.revision` (one UPDATE after the writer's transaction commits: `bump()`);
- `memoized()` keeps a selector's answer in this process, keyed by the organization, its
  revision (read from the database on every call, so a write in any process is seen at once),
  the day, and the selector's arguments; an answer is kept at most `MEMO_SECONDS` so that
  relative times ("2 hours ago") stay right, and at most `MAX_ENTRIES` answers are kept.

Not tracked, because they are written in bulk by jobs that also save a tracked row in the same
transaction (a Publication, an ExtractProvenance), and because a delete receiver would turn
their cascading deletes from one DELETE into one query per row: models that set
`revision_tracked = False` (counts, published rows and summaries, quality counts, audit
events). A bulk `QuerySet.update()` sends no signal: the code that does one on a tracked model
calls `bump()` itself.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

T = TypeVar("T")

MEMO_SECONDS = 60
# An answer holds 0.1-0.6 MB on the demo (the intersection explorer is the largest): 64 keep a
# worker's memo under ~40 MB there while the pages people move between stay warm.
MAX_ENTRIES = 64

_memo: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()


# The test suite runs each test in a transaction that never commits, so it bumps at once.
BUMP_AT_ONCE = False


def _bump_now(organization_id: int) -> None:
    from .models import Organization

    Organization.objects.filter(pk=organization_id).update(revision=F("revision") + 1)


@dataclass(frozen=True)
class _Bump:
    """The on-commit callback of one organization (equal ones are registered once)."""

    organization_id: int

    def __call__(self) -> None:
        _bump_now(self.organization_id)


def bump(organization_id: int | None) -> None:
    """Mark the organization's content changed (memoized pages are recomputed).

    Inside a transaction, once, after it commits: an UPDATE of the organization's row inside a
    long job transaction (storing and publishing an extract takes seconds) would hold that
    row's lock, and every other writer in the organization would wait for it (PostgreSQL).
    Between the commit and the bump, readers may still get the previous answer: a moment."""
    if organization_id is None:
        return
    connection = transaction.get_connection()
    if BUMP_AT_ONCE or not connection.in_atomic_block:
        _bump_now(organization_id)
        return
    callback = _Bump(organization_id)
    # run_on_commit holds (savepoint ids, callback, robust); a rolled-back savepoint's entries
    # are removed by Django, so what is listed is exactly what will run.
    if not any(entry[1] == callback for entry in connection.run_on_commit):
        transaction.on_commit(callback)


def current(organization_id: int) -> int:
    from .models import Organization

    return (
        Organization.objects.filter(pk=organization_id).values_list("revision", flat=True).first()
        or 0
    )


def memoized(name: str, organization, arguments: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per organization revision, day and arguments in this process."""
    key = (name, organization.pk, current(organization.pk), timezone.localdate(), arguments)
    now = time.monotonic()
    with _lock:
        hit = _memo.get(key)
        if hit is not None and now - hit[0] < MEMO_SECONDS:
            _memo.move_to_end(key)
            return hit[1]  # type: ignore[return-value]
    value = compute()
    if hasattr(value, "memo_key"):
        # Templates cache their heavy fragments under this key (with what varies by viewer).
        value.memo_key = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    with _lock:
        _memo[key] = (now, value)
        _memo.move_to_end(key)
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)
    return value


def memoized_by_params(name: str):
    """Decorate a page selector `f(organization, params)` with memoized() on its GET
    parameters."""

    def decorate(compute: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(compute)
        def page(organization, params) -> T:
            return memoized(
                name, organization, params_key(params), lambda: compute(organization, params)
            )

        return page

    return decorate


def unique_key() -> str:
    """A memo_key for an answer that was not memoized: shares no cached fragment."""
    return uuid.uuid4().hex


def clear() -> None:
    with _lock:
        _memo.clear()


def params_key(params) -> tuple:
    """A request's query parameters as a hashable key (order-independent)."""
    return tuple(sorted((name, tuple(params.getlist(name))) for name in params))


def tracked_models() -> list[type]:
    from .models import Organization

    found = []
    for model in apps.get_models():
        if model is Organization:
            continue
        if not getattr(model, "revision_tracked", True):
            continue
        if any(f.name == "organization" and f.is_relation for f in model._meta.concrete_fields):
            found.append(model)
    return found


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    bump(getattr(instance, "organization_id", None))


def _organization_saved(sender, instance, created=False, **kwargs) -> None:
    if not created and not kwargs.get("raw"):
        bump(instance.pk)


def connect() -> None:
    from .models import Organization

    for model in tracked_models():
        uid = f"core.revision.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
    post_save.connect(
        _organization_saved, sender=Organization, dispatch_uid="core.revision.organization"
    )
