import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
application = get_wsgi_application()


def _refuse_undelivered_mail() -> None:
    """gunicorn (any WSGI server) does not start production mode without a real mail transport."""
    from django.conf import settings

    from campaign.mailconfig import undelivered_mail_error

    error = undelivered_mail_error(
        debug=settings.DEBUG,
        backend=settings.EMAIL_BACKEND,
        allow_console=settings.ALLOW_CONSOLE_MAIL,
    )
    if error:
        raise ImproperlyConfigured(error)


_refuse_undelivered_mail()
