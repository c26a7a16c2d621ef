# The widget key and domains now live on petitions.Widget (copied by petitions 0002).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0004_partner_contact_membership"),
        ("petitions", "0004_widgets_attribution_webhooks"),
    ]

    operations = [
        migrations.RemoveField(model_name="partner", name="allowed_domains"),
        migrations.RemoveField(model_name="partner", name="widget_key"),
    ]
