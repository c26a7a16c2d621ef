"""Encrypt the TOTP secrets and recovery-code seeds stored in plaintext so far."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from campaign.core.secrets import reencrypt_authenticators

    reencrypt_authenticators(apps.get_model("mfa", "Authenticator"))


def decrypt_secrets(apps, schema_editor):
    from campaign.core.secrets import decrypt_secret

    for authenticator in apps.get_model("mfa", "Authenticator").objects.all():
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = decrypt_secret(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [decrypt_secret(c) for c in data["migrated_codes"]]
        authenticator.data = data
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0007_publish_unreviewed"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
