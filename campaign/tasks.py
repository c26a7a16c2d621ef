"""Where tasks queued before the tasks moved into their package are found.

The task queue stores each task by dotted path, so a row queued by an older release names
``campaign.tasks.<name>``; these names point at campaign/campaigns/tasks.py. New code imports
from there, never from here.
"""

from campaign.campaigns.tasks import send_invitation_email, send_prepared_email  # noqa: F401
