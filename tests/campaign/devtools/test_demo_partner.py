"""The demo partner's widget key is guessable: seeded only where asked for (make run)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from campaign.campaigns.models import Partner
from campaign.devtools import launcher
from petitions.models import Widget
from petitions.seeding import seed_launch_campaigns

BR = "tiremeurostodasuamira"
EU = "banfacialrecognitioneu"


def demo_rows() -> tuple[list[str], list[tuple[str, str, bool]]]:
    widgets = sorted(Widget.objects.filter(key__startswith="demo-").values_list("key", flat=True))
    partners = sorted(
        Partner.objects.filter(name="Demo partner").values_list(
            "campaign__slug", "name", "is_listed"
        )
    )
    return widgets, partners


DEMO = (
    [f"demo-{EU}", f"demo-{BR}"],
    [(EU, "Demo partner", False), (BR, "Demo partner", False)],
)


def test_plain_seed_creates_no_demo_partner(unseeded_db):
    seed_launch_campaigns()
    assert demo_rows() == ([], [])


def test_demo_seed_creates_the_demo_partner_of_each_campaign(unseeded_db):
    seed_launch_campaigns(demo_partner=True)
    assert demo_rows() == DEMO
    assert sorted(Widget.objects.values_list("allowed_domains", flat=True)) == [
        ["localhost", "127.0.0.1"],
        ["localhost", "127.0.0.1"],
    ]


def test_seed_command_creates_the_demo_partner_only_when_asked(unseeded_db, settings):
    settings.SEED_DEMO_PARTNER = False
    call_command("seed_campaigns", stdout=StringIO())
    assert demo_rows() == ([], [])
    call_command("seed_campaigns", "--demo-partner", stdout=StringIO())
    assert demo_rows() == DEMO


def test_seed_command_honours_seed_demo_partner_setting(unseeded_db, settings):
    settings.SEED_DEMO_PARTNER = True
    call_command("seed_campaigns", stdout=StringIO())
    assert demo_rows() == DEMO


def test_plain_seed_warns_about_a_demo_widget_left_from_an_earlier_seed(unseeded_db, settings):
    settings.SEED_DEMO_PARTNER = False
    seed_launch_campaigns(demo_partner=True)
    err = StringIO()
    call_command("seed_campaigns", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"The demo widget demo-{slug} exists from an earlier seed: its key is guessable. "
        "Delete it (and its Demo partner) in the admin unless you want it."
        for slug in (EU, BR)
    ]


@pytest.mark.parametrize(("mode", "seed"), [("run", ["--demo-partner"]), ("serve", [])])
def test_launcher_seeds_the_demo_partner_for_make_run_only(mode, seed):
    assert launcher.seed_arguments(mode) == ["seed_campaigns", *seed]
