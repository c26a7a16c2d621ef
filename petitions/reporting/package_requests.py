"""Asking for a delivery package: the row and its queued build (the build: reporting/delivery.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from petitions.models import DeliveryPackage, Petition
from petitions.reporting.tasks import build_delivery_package, delete_expired_delivery_packages


def request_delivery_package(*, petition: Petition, requested_by) -> DeliveryPackage:
    """Create a pending package and enqueue its build, in one transaction.

    Side effects: a DeliveryPackage row, a queued build task, and a queued clean-up task that
    runs when the package expires.
    """
    expires_at = timezone.now() + datetime.timedelta(days=settings.DELIVERY_PACKAGE_DAYS)
    with transaction.atomic():
        package = DeliveryPackage.objects.create(
            petition=petition, requested_by=requested_by, expires_at=expires_at
        )
        build_delivery_package.enqueue(package_id=package.pk)
        delete_expired_delivery_packages.using(
            run_after=expires_at + datetime.timedelta(minutes=1)
        ).enqueue()
    return package
