"""Background tasks that build delivery packages and delete them when they expire."""

from __future__ import annotations

from django_tasks import task

from petitions.reporting.delivery import build_package, delete_expired_packages


@task()
def build_delivery_package(package_id: int) -> None:
    build_package(package_id=package_id)


@task()
def delete_expired_delivery_packages() -> int:
    return delete_expired_packages()
