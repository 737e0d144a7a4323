"""DynamoDB's by-course index a moment behind the table, as it may be in AWS (a global secondary
index is eventually consistent; moto's is not): while :func:`index_behind` is held, the groups
and applications written in it are read by the by-course queries (``groups_of_course``,
``list_applications``) as they were before those writes (missing, if new). Injected at the
adapter seam, around the repository's own methods: what is stored, and every consistent read of
it, stay as they are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def index_behind(repository: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold the by-course index of ``repository`` behind every group and application written
    until the block ends; then it has caught up."""
    groups: dict[str, Any] = {}  # group id -> as the index still has it (None: not yet)
    applications: dict[str, Any] = {}
    save_group, save = repository.save_group, repository.save
    groups_of_course, list_applications = repository.groups_of_course, repository.list_applications

    def saving_group(new: Any, previous: Any, *args: Any, **options: Any) -> Any:
        groups.setdefault(new.group_id, previous)
        return save_group(new, previous, *args, **options)

    def saving(new: Any, previous: Any, *args: Any, **options: Any) -> Any:
        applications.setdefault(new.application_id, previous)
        return save(new, previous, *args, **options)

    def behind(found: list[Any], held: dict[str, Any], key: str) -> list[Any]:
        shown = [held.get(getattr(item, key), item) for item in found]
        return [item for item in shown if item is not None]

    def groups_behind(course_id: str) -> list[Any]:
        return behind(groups_of_course(course_id), groups, "group_id")

    def applications_behind(course_id: str) -> list[Any]:
        return behind(list_applications(course_id), applications, "application_id")

    with monkeypatch.context() as patched:
        patched.setattr(repository, "save_group", saving_group)
        patched.setattr(repository, "save", saving)
        patched.setattr(repository, "groups_of_course", groups_behind)
        patched.setattr(repository, "list_applications", applications_behind)
        yield
