"""The first load of a campaign page with a hero image stays within 60 KB compressed.

A 3000×2000 photo-like image (gradients, shapes, blur and sensor noise) goes through the real
processing; a 390 px wide phone at 2× picks the 800 px AVIF from the srcset (the column is
390 − 32 = 358 CSS px, 716 device px). Counted: the page's HTML (brotli, as served), the
stylesheet, the scripts and the icon it links (gzip, as whitenoise serves them), and that
image. Partner logos load lazily below the fold and are not part of the first load.
"""

from __future__ import annotations

import gzip
import re

from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.campaigns import images
from campaign.campaigns.models import ImageVariant
from tests.pictures import encoded, photo

BUDGET = 60 * 1024
PAGES = ["/en/banfacialrecognitioneu/", "/pt-br/tiremeurostodasuamira/"]


def chosen_width(*, viewport: int, density: float, widths: list[int]) -> int:
    """The srcset candidate a browser takes for the hero's sizes at this viewport."""
    slot = (viewport - 32) * density  # calc(100vw - 2rem) below 68rem
    return next((width for width in sorted(widths) if width >= slot), max(widths))


def static_bytes(html: str) -> int:
    paths = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    return sum(len(gzip.compress(open(finders.find(path), "rb").read(), 9)) for path in paths)


def test_first_load_with_hero_stays_within_budget(client, campaigns):
    for page in PAGES:
        campaign = campaigns[page.split("/")[2]]
        images.replace_hero(
            campaign=campaign,
            upload=SimpleUploadedFile("photo.jpg", encoded(photo(3000, 2000), quality=92)),
            alt="A photo",
        )
        variants = ImageVariant.objects.filter(image_id=campaign.hero_image_id, format="avif")
        sizes = {v.width: v.size for v in variants}
        width = chosen_width(viewport=390, density=2, widths=list(sizes))
        assert width == 800
        response = client.get(page, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response["Content-Encoding"] == "br"
        html = client.get(page).content.decode()
        assert f"{width}w" in html
        total = len(response.content) + static_bytes(html) + sizes[width]
        assert total <= BUDGET, (page, len(response.content), static_bytes(html), sizes)
