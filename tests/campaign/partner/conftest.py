"""The organizer cast (owner, organizer, viewer, outsider with TOTP) from tests/organize/."""

from tests.organize.conftest import _totp_tolerance, cast, signatures  # noqa: F401
