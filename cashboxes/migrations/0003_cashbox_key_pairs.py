"""Every CashBox gets a P-256 key pair: the access token becomes its public key, as Launcher 2.0
reads it. The old random tokens stop working (README, changelog)."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import migrations, models


def new_key_pairs(apps, schema_editor):
    # The key format of cashboxes.keys.new_private_key(), written out here so this migration does
    # not change when that module does.
    from portal import crypto

    CashBox = apps.get_model("cashboxes", "CashBox")
    for cashbox in CashBox.objects.only("pk").iterator():
        key = ec.generate_private_key(ec.SECP256R1())
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        CashBox.objects.filter(pk=cashbox.pk).update(private_key_encrypted=crypto.encrypt(base64.b64encode(der).decode()))


class Migration(migrations.Migration):
    dependencies = [
        ("cashboxes", "0002_verbose_names"),
    ]

    operations = [
        migrations.RemoveField(model_name="cashbox", name="access_token_encrypted"),
        migrations.AddField(
            model_name="cashbox",
            name="private_key_encrypted",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(new_key_pairs, migrations.RunPython.noop),
    ]
