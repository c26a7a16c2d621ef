"""Delivery packages for legislators, built in the background.

placeholder; replaced at merge by branch issue4-exports. Creates the row only; nothing is built.
"""

from __future__ import annotations

from petitions.models import DeliveryPackage


def request_delivery_package(*, petition, requested_by) -> DeliveryPackage:
    return DeliveryPackage.objects.create(petition=petition, requested_by=requested_by)


def delete_expired_packages() -> int:
    return 0
