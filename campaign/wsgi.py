import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
application = get_wsgi_application()

# gunicorn (any WSGI server) does not start production mode without a real mail transport.
from campaign.conf.checks import check_mail_is_delivered  # noqa: E402 -- needs the settings above

if errors := check_mail_is_delivered(None):
    raise ImproperlyConfigured(errors[0].msg)
