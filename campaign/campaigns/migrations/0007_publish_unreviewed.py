from django.db import migrations, models


def keep_publishing_existing_campaigns(apps, schema_editor):
    """Campaigns that exist already published every translation: they keep doing so until an
    operator decides otherwise; new campaigns start without unreviewed translations."""
    apps.get_model("campaign", "Campaign").objects.update(publish_unreviewed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0006_seeded_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="publish_unreviewed",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Offer translations no native speaker has reviewed yet, with a notice on "
                    "the page. Otherwise only the primary language and reviewed translations "
                    "are offered."
                ),
            ),
        ),
        migrations.RunPython(keep_publishing_existing_campaigns, migrations.RunPython.noop),
    ]
