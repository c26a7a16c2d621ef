"""The "at least one owner" rule holds when two owners change roles at the same moment.

Each change runs in a thread of its own, with its own database connection: the first holds
its transaction open while the second starts, so the second must wait for the first's lock
and then see its change.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from campaign.campaigns.access import LastOwnerError, change_role, remove_member
from campaign.campaigns.models import CampaignMembership
from tests.campaign.organize.conftest import EU, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run(action, outcomes: dict, name: str, *, hold: threading.Event | None = None) -> None:
    """Run ``action`` in its own transaction; with ``hold``, keep it open until it is set."""
    try:
        with transaction.atomic():
            action()
            if hold is not None:
                outcomes[f"{name} locked"] = True
                hold.wait(timeout=60)
        outcomes[name] = "done"
    except (LastOwnerError, PermissionDenied) as exc:
        outcomes[name] = type(exc).__name__
    finally:
        connection.close()


def wait_until_blocked(thread: threading.Thread) -> bool:
    """Whether another connection waits for a lock while ``thread`` runs (polled, not timed)."""
    for _ in range(600):
        if not thread.is_alive():
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def race(first, second) -> dict:
    """``first`` takes its locks and waits; ``second`` starts; then ``first`` commits."""
    outcomes: dict = {}
    hold = threading.Event()
    one = threading.Thread(target=run, args=(first, outcomes, "first"), kwargs={"hold": hold})
    one.start()
    while one.is_alive() and "first locked" not in outcomes:
        time.sleep(0.01)
    two = threading.Thread(target=run, args=(second, outcomes, "second"))
    two.start()
    outcomes["second waited"] = wait_until_blocked(two)
    hold.set()
    one.join()
    two.join()
    return outcomes


@pytest.fixture
def two_owners(campaigns):
    eu = campaigns[EU]
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    return (
        CampaignMembership.objects.create(user=alice, campaign=eu, role="owner"),
        CampaignMembership.objects.create(user=bob, campaign=eu, role="owner"),
    )


def owners(campaign) -> list[str]:
    return sorted(
        CampaignMembership.objects.filter(campaign=campaign, role="owner").values_list(
            "user__email", flat=True
        )
    )


def test_two_owners_demoting_each_other_at_once_leave_one_owner(two_owners):
    alice, bob = two_owners
    outcomes = race(
        lambda: change_role(membership=bob, role="viewer", by=alice.user),
        lambda: change_role(membership=alice, role="viewer", by=bob.user),
    )
    # Bob's request waited for Alice's, then found he was no longer an owner.
    assert outcomes == {
        "first locked": True,
        "second waited": True,
        "first": "done",
        "second": "PermissionDenied",
    }
    assert owners(alice.campaign) == ["alice@example.org"]


@pytest.mark.parametrize("step_down", ["demote", "remove"])
def test_two_owners_stepping_down_at_once_leave_one_owner(two_owners, step_down):
    alice, bob = two_owners

    def leave(membership):
        if step_down == "remove":
            return lambda: remove_member(membership=membership, by=membership.user)
        return lambda: change_role(membership=membership, role="organizer", by=membership.user)

    outcomes = race(leave(alice), leave(bob))
    assert outcomes == {
        "first locked": True,
        "second waited": True,
        "first": "done",
        "second": "LastOwnerError",
    }
    assert owners(alice.campaign) == ["bob@example.org"]
