"""Where tasks queued before the tasks moved into their packages are found.

The task queue stores each task by dotted path (django-tasks-db's ``task_path``), so a row queued
by an older release names ``petitions.tasks.<name>``. These names point at the tasks in their
packages until no such row can be left (rows are kept at most a few days). New code imports the
tasks from their packages, never from here.
"""

from petitions.mail.tasks import (  # noqa: F401
    send_confirmation_email,
    send_data_copy_email,
    send_rights_links_email,
)
from petitions.partners.tasks import deliver_webhook  # noqa: F401
from petitions.reporting.tasks import (  # noqa: F401
    build_delivery_package,
    delete_expired_delivery_packages,
)
from petitions.rights.tasks import purge_expired  # noqa: F401
