"""Hero images and partner logos: checked, cleaned and re-encoded on the server with Pillow.

An upload is refused unless it is a JPEG, PNG, WebP or AVIF within IMAGE_UPLOAD_MAX_BYTES
and IMAGE_MAX_PIXELS (checked from the header, before any pixel is decoded: a small file can
hold a huge image). SVG is refused outright, as it can carry scripts. What is kept is only
pixels: turned upright by its EXIF orientation, converted to sRGB, and encoded anew without
any metadata (no EXIF, GPS, XMP or ICC profile: a phone photo's location stays private).

- A hero image is cropped around its centre to between 3:1 and 16:9 (a portrait photo becomes
  a landscape band), then saved at HERO_WIDTHS (never upscaled) as AVIF, WebP and progressive
  JPEG (the fallback). The qualities keep the 800 px AVIF of a photo near 10–40 KB, so a page
  with its hero stays within the 60 KB first load on a phone.
- A logo is scaled to at most LOGO_WIDTH × LOGO_HEIGHT and saved as WebP and PNG, keeping its
  transparency.

The variants are stored in the database (ImageVariant.data) and served by a view at
/img/<digest>.<extension>, not written to a media folder. Every web process on every host
then serves the same bytes without a shared volume or a proxy rule, backups hold them with
the campaign they belong to, and ``make run`` needs nothing more. A campaign's images come to
well under a megabyte, and the URL names the bytes' hash, so a browser or CDN keeps each
for a year and the database is read about once per cache.

Processing a 2000 px photo into its twelve variants takes about half a second on the
2-core reference machine (see README, "Images"), so it runs in the upload request.
"""

from __future__ import annotations

import copy
import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from campaign.campaigns.models import (
    Campaign,
    CampaignTranslation,
    ImageKind,
    ImageVariant,
    Partner,
    StoredImage,
)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF")
HERO_WIDTHS = (480, 800, 1200, 1600)
HERO_MIN_WIDTH = 480
# The widest and the tallest a hero may be; others are cropped around their centre.
HERO_MAX_RATIO = 3.0
HERO_MIN_RATIO = 16 / 9
LOGO_WIDTH = 240
LOGO_HEIGHT = 160
# The fallback <img>'s src, for browsers that read neither <source> nor srcset.
HERO_FALLBACK_WIDTH = 800
# The hero spans the page's column: main's 68rem less its 1rem padding on each side.
HERO_SIZES = "(min-width: 68rem) 66rem, calc(100vw - 2rem)"

# Encoder settings per format, chosen by measuring photos (README, "Images").
ENCODERS = {
    "avif": ("AVIF", {"quality": 50, "speed": 7}),
    "webp": ("WEBP", {"quality": 72, "method": 4}),
    "jpeg": ("JPEG", {"quality": 75, "progressive": True, "optimize": True}),
    "png": ("PNG", {"optimize": True}),
}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
FORMAT_OF_EXTENSION = {extension: name for name, extension in EXTENSIONS.items()}
CONTENT_TYPES = {
    "avif": "image/avif",
    "webp": "image/webp",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
HERO_FORMATS = ("avif", "webp", "jpeg")
LOGO_FORMATS = ("webp", "png")
DIGEST_LENGTH = 32

SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(ValueError):
    """An upload that is not accepted; ``message`` tells the organizer why, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def open_upload(upload) -> Image.Image:
    """The upload as a decoded Pillow image, or ImageRejected with the reason.

    ``upload`` is a file object with ``size`` and ``name`` (Django's UploadedFile).
    """
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ImageRejected(
            _("The file is larger than %(size)s MB. Please upload a smaller image.")
            % {"size": f"{limit / 1024 / 1024:g}"}
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".svg", ".svgz")) or b"<svg" in head.lower():
        raise ImageRejected(
            _(
                "SVG images are not accepted, as they can contain scripts. "
                "Please upload a PNG or WebP file."
            )
        )
    too_many_pixels = ImageRejected(
        _("The image has too many pixels: at most %(megapixels)s million are accepted.")
        % {"megapixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"}
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own limit warns (or raises, at twice it); IMAGE_MAX_PIXELS decides here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ImageRejected(
            _("This file is not an image in a format we accept: JPEG, PNG, WebP or AVIF.")
        ) from None
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise too_many_pixels
    try:
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ImageRejected(
            _("The image could not be read: the file may be damaged. Please try another one.")
        ) from None
    return image


def to_srgb(image: Image.Image, *, alpha: bool) -> Image.Image:
    """The image upright, in sRGB, as RGB (or RGBA with ``alpha``), without any metadata.

    The colours of an embedded ICC profile are converted into sRGB, which browsers assume for
    an untagged image; the result is built from the pixels alone, so no EXIF, XMP or ICC
    data can travel with it into an encoder.
    """
    image = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if alpha and has_alpha else "RGB"
    if image.mode in ("P", "PA", "LA", "I;16", "I", "F", "1") or (
        image.mode == "L" and mode == "RGBA"
    ):
        image = image.convert("RGBA" if has_alpha else "RGB")
        profile = profile if image.mode == "RGB" else None
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(
                image, source, SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    if image.mode == "RGBA" and mode == "RGB":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != mode:
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


def crop_hero(image: Image.Image) -> Image.Image:
    """Crop around the centre to between HERO_MIN_RATIO and HERO_MAX_RATIO (width/height)."""
    width, height = image.size
    if width / height > HERO_MAX_RATIO:
        keep = round(height * HERO_MAX_RATIO)
        left = (width - keep) // 2
        return image.crop((left, 0, left + keep, height))
    if width / height < HERO_MIN_RATIO:
        keep = round(width / HERO_MIN_RATIO)
        top = (height - keep) // 2
        return image.crop((0, top, width, top + keep))
    return image


def resized(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: Image.Image, format_name: str) -> bytes:
    """The image in one format, with no metadata (nothing is passed but the pixels)."""
    pillow_format, options = ENCODERS[format_name]
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


@dataclass(frozen=True)
class Variant:
    format: str
    width: int
    height: int
    data: bytes


def hero_variants(image: Image.Image) -> list[Variant]:
    """The hero's sizes (HERO_WIDTHS, never upscaled) in AVIF, WebP and JPEG."""
    picture = crop_hero(to_srgb(image, alpha=False))
    if picture.width < HERO_MIN_WIDTH:
        raise ImageRejected(
            _(
                "The image is too small for the top of the page: it needs at least %(width)s pixels across."
            )
            % {"width": HERO_MIN_WIDTH}
        )
    widths = sorted({min(width, picture.width) for width in HERO_WIDTHS})
    variants = []
    # Each size from the next larger one: quicker than from the full image, and as sharp.
    source = picture
    for width in reversed(widths):
        source = resized(source, width)
        for format_name in HERO_FORMATS:
            variants.append(
                Variant(format_name, source.width, source.height, encode(source, format_name))
            )
    return variants


def logo_variants(image: Image.Image) -> list[Variant]:
    """The logo within LOGO_WIDTH × LOGO_HEIGHT, as WebP and PNG, with its transparency."""
    logo = to_srgb(image, alpha=True)
    logo.thumbnail((LOGO_WIDTH, LOGO_HEIGHT), Image.Resampling.LANCZOS)
    return [
        Variant(format_name, logo.width, logo.height, encode(logo, format_name))
        for format_name in LOGO_FORMATS
    ]


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def process_upload(*, upload, kind: str) -> list[Variant]:
    """Check, clean and encode an upload (no database access: call it outside transactions).

    Raises ImageRejected when the upload is not accepted.
    """
    image = open_upload(upload)
    try:
        return hero_variants(image) if kind == ImageKind.HERO else logo_variants(image)
    except (OSError, ValueError) as error:  # a mode or frame Pillow cannot convert
        if isinstance(error, ImageRejected):
            raise
        raise ImageRejected(
            _("The image could not be read: the file may be damaged. Please try another one.")
        ) from None


def save_variants(*, kind: str, variants: list[Variant]) -> StoredImage:
    """Side effects: INSERTs a StoredImage and its variants."""
    largest = max(variants, key=lambda variant: variant.width)
    stored = StoredImage.objects.create(kind=kind, width=largest.width, height=largest.height)
    ImageVariant.objects.bulk_create(
        ImageVariant(
            image=stored,
            format=variant.format,
            width=variant.width,
            height=variant.height,
            digest=digest_of(variant.data),
            size=len(variant.data),
            data=variant.data,
        )
        for variant in variants
    )
    return stored


def delete_image(image_id: int | None) -> None:
    """Delete a stored image and its variants unless a campaign or partner still uses it.

    Side effect: DELETEs the rows; their URLs answer 404 from then on.
    """
    if image_id is None:
        return
    if (
        Campaign.objects.filter(hero_image_id=image_id).exists()
        or Partner.objects.filter(logo_id=image_id).exists()
    ):
        return
    StoredImage.objects.filter(pk=image_id).delete()


def set_hero_alt(*, campaign: Campaign, alt: str) -> None:
    """The hero's description in the campaign's primary language (other languages translate
    it in the translation workspace, where it then shows as changed).

    Side effect: UPDATE of the primary translation, if there is one.
    """
    primary = CampaignTranslation.objects.filter(
        campaign=campaign, language=campaign.primary_language
    ).first()
    if primary is not None and primary.hero_alt != alt:
        primary.hero_alt = alt
        primary.save(update_fields=["hero_alt", "updated_at"])


def replace_hero(*, campaign: Campaign, upload=None, alt: str | None = None, variants=None) -> None:
    """Give the campaign a new hero image (``upload``, or its already processed
    ``variants``) and/or description (``alt``).

    The upload is processed before any row is locked.
    Raises ImageRejected (nothing changed) when the upload is not accepted.
    Side effects: INSERTs the new image's rows, UPDATEs the campaign (and with ``alt`` its
    primary translation), DELETEs the image it replaces.
    """
    if upload:
        variants = process_upload(upload=upload, kind=ImageKind.HERO)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if variants is not None:
            old = locked.hero_image_id
            locked.hero_image = save_variants(kind=ImageKind.HERO, variants=variants)
            locked.save(update_fields=["hero_image"])
            delete_image(old)
            campaign.hero_image = locked.hero_image
        if alt is not None:
            set_hero_alt(campaign=locked, alt=alt)


def _detach_image(obj, field: str) -> bool:
    """Clear ``obj``'s image foreign key ``field`` under a row lock and delete the image's rows;
    False if it had none (the one way a hero or a logo is removed)."""
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        old = getattr(locked, f"{field}_id")
        if old is None:
            return False
        setattr(locked, field, None)
        locked.save(update_fields=[field])
        setattr(obj, field, None)
        delete_image(old)
    return True


def remove_hero(*, campaign: Campaign) -> bool:
    """Take the hero image off the campaign; False if it had none.

    Side effects: UPDATE of the campaign, DELETE of the image's rows.
    """
    return _detach_image(campaign, "hero_image")


def replace_logo(*, partner: Partner, upload=None, variants=None) -> None:
    """Give the partner a new logo (``upload``, or its already processed ``variants``).

    Raises ImageRejected (nothing changed) when the upload is not accepted.
    Side effects: INSERTs the logo's rows, UPDATEs the partner, DELETEs the old logo.
    """
    if upload:
        variants = process_upload(upload=upload, kind=ImageKind.LOGO)
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        old = locked.logo_id
        locked.logo = save_variants(kind=ImageKind.LOGO, variants=variants)
        locked.save(update_fields=["logo"])
        partner.logo = locked.logo
        delete_image(old)


def remove_logo(*, partner: Partner) -> bool:
    """Take the logo off the partner; False if it had none.

    Side effects: UPDATE of the partner, DELETE of the logo's rows.
    """
    return _detach_image(partner, "logo")


def variant_data(*, digest: str, extension: str) -> tuple[bytes, str] | None:
    """The bytes and content type served at /img/<digest>.<extension>, or None."""
    format_name = FORMAT_OF_EXTENSION.get(extension)
    if format_name is None:
        return None
    data = (
        ImageVariant.objects.filter(digest=digest, format=format_name)
        .values_list("data", flat=True)
        .first()
    )
    if data is None:
        return None
    return bytes(data), CONTENT_TYPES[format_name]


def variant_url(variant: ImageVariant) -> str:
    return reverse(
        "image", kwargs={"digest": variant.digest, "extension": EXTENSIONS[variant.format]}
    )


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What a template needs for a <picture>: its <source>s and the fallback <img>.

    ``width`` and ``height`` are the <img> attributes: the largest variant's for a hero (the
    site's ``img {max-width: 100%; height: auto}`` then fits it to its column, and the box is
    reserved before the bytes arrive), half the pixels of a logo (sharp on 2× screens).
    """

    sources: list[Source]
    src: str
    srcset: str
    width: int
    height: int
    alt: str = ""
    sizes: str = ""


def grouped(variants: list[ImageVariant]) -> dict[str, list[ImageVariant]]:
    by_format: dict[str, list[ImageVariant]] = {}
    for variant in sorted(variants, key=lambda v: v.width):
        by_format.setdefault(variant.format, []).append(variant)
    return by_format


def width_srcset(items: list[ImageVariant]) -> str:
    return ", ".join(f"{variant_url(v)} {v.width}w" for v in items)


def hero_from(variants: list[ImageVariant], *, alt: str) -> Picture:
    by_format = grouped(variants)
    fallbacks = by_format["jpeg"]
    chosen = next((v for v in fallbacks if v.width >= HERO_FALLBACK_WIDTH), fallbacks[-1])
    return Picture(
        sources=[
            Source(type=CONTENT_TYPES[name], srcset=width_srcset(by_format[name]))
            for name in ("avif", "webp")
            if name in by_format
        ],
        src=variant_url(chosen),
        srcset=width_srcset(fallbacks),
        width=fallbacks[-1].width,
        height=fallbacks[-1].height,
        alt=alt,
        sizes=HERO_SIZES,
    )


def logo_from(variants: list[ImageVariant], *, alt: str) -> Picture:
    by_format = grouped(variants)
    png = by_format["png"][-1]
    density = 2 if png.width > LOGO_WIDTH // 2 else 1
    return Picture(
        sources=[
            Source(type=CONTENT_TYPES["webp"], srcset=f"{variant_url(v)} {density}x")
            for v in by_format.get("webp", [])[-1:]
        ],
        src=variant_url(png),
        srcset=f"{variant_url(png)} {density}x",
        width=max(1, png.width // density),
        height=max(1, png.height // density),
        alt=alt,
    )


def variants_without_data(image_ids) -> dict[int, list[ImageVariant]]:
    """Per stored image, its variants' sizes and digests (not their bytes): one query."""
    found: dict[int, list[ImageVariant]] = {}
    ids = [image_id for image_id in image_ids if image_id is not None]
    if not ids:
        return found
    rows = ImageVariant.objects.filter(image_id__in=ids).only(
        "image_id", "format", "width", "height", "digest"
    )
    for row in rows:
        found.setdefault(row.image_id, []).append(row)
    return found


def hero_picture(*, campaign: Campaign, alt: str) -> Picture | None:
    """The campaign page's hero as a <picture>, or None without one (one query)."""
    variants = variants_without_data([campaign.hero_image_id]).get(campaign.hero_image_id)
    return hero_from(variants, alt=alt) if variants else None


def with_logos(partners: list[Partner]) -> list[Partner]:
    """Copies of the partners, each with ``logo_picture`` (a Picture, or None): one query.

    Copies, as the partners may belong to the per-process campaign copy (content.py).
    """
    found = variants_without_data(partner.logo_id for partner in partners)
    result = []
    for partner in partners:
        item = copy.copy(partner)
        variants = found.get(partner.logo_id)
        item.logo_picture = logo_from(variants, alt=partner.name) if variants else None
        result.append(item)
    return result
