"""The organizer cast (owner, organizer, viewer, outsider with TOTP) from tests/organize/."""

from tests.campaign.organize.conftest import _totp_tolerance, cast, signatures  # noqa: F401
