"""Private storage for uploads, Parquet files and reject reports: under PRIVATE_STORAGE_ROOT,
never under a URL. Paths kept in the database are relative to that root."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def absolute(relative: str) -> Path:
    path = (root() / relative).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("path escapes private storage")
    return path


def new_upload_path(organization_id: int, suffix: str) -> str:
    return f"data_hub/org-{organization_id}/uploads/{uuid.uuid4().hex}{suffix}"


def extract_dir(extract) -> str:
    return f"data_hub/org-{extract.organization_id}/extracts/{extract.pk}"


def work_dir(extract, job_id: int) -> Path:
    return absolute(f"{extract_dir(extract)}/work-{job_id}")


def delete(relative: str) -> None:
    if relative:
        absolute(relative).unlink(missing_ok=True)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
