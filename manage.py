#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    # Without DATABASE_URL, commands run against the embedded PostgreSQL (started if needed).
    from campaign.devtools.embedded_db import use_when_unset

    use_when_unset()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
