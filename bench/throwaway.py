"""A throwaway portal for a benchmark: a temporary SQLite database, migrated, with fresh keys."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(workdir, **overrides):
    """Point the settings at a database in `workdir`, set up Django and migrate."""
    from cryptography.fernet import Fernet

    settings = {
        "DEBUG": "1",
        "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
        "SECRETS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{Path(workdir) / 'bench.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        "PORTAL_URL": "https://portal.example.com/",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    os.environ.update({**settings, **overrides})
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
