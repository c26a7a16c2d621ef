"""Region kinds for any country: none, country, or the subdivisions of one country.

The Brazilian campaign's "br_state" becomes "subdivision" of BR (same BR-XX codes and names).
"""

from django.db import migrations, models


def to_subdivisions(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    Campaign.objects.filter(region_kind="br_state").update(
        region_kind="subdivision", region_country="BR"
    )


def to_brazilian_states(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    Campaign.objects.filter(region_kind="subdivision", region_country="BR").update(
        region_kind="br_state", region_country=""
    )
    if Campaign.objects.exclude(region_kind__in=["country", "br_state"]).exists():
        raise RuntimeError("Campaigns with other region kinds cannot go back before 0009.")


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0008_encrypt_mfa_secrets"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="campaign",
            name="campaign_region_kind_valid",
        ),
        migrations.AddField(
            model_name="campaign",
            name="region_country",
            field=models.CharField(
                blank=True,
                default="",
                help_text=(
                    "For regions: the country (ISO 3166-1 alpha-2) whose regions signers choose."
                ),
                max_length=2,
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="region_kind",
            field=models.CharField(
                choices=[
                    ("none", "No place: name and email only"),
                    ("country", "Country"),
                    ("subdivision", "Region of one country"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(to_subdivisions, to_brazilian_states),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("region_kind__in", ["none", "country", "subdivision"])),
                name="campaign_region_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("region_country__regex", "^[A-Z]{2}$"), ("region_kind", "subdivision")
                    ),
                    models.Q(
                        models.Q(("region_kind", "subdivision"), _negated=True),
                        ("region_country", ""),
                    ),
                    _connector="OR",
                ),
                name="campaign_region_country_fits_kind",
            ),
        ),
    ]
