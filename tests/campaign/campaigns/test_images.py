"""Image processing: uploads checked, turned upright, stripped of metadata, converted to sRGB,
resized without upscaling and encoded as AVIF, WebP and JPEG (heroes) or WebP and PNG (logos)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms

from campaign.campaigns import images
from campaign.campaigns.models import ImageKind, ImageVariant, StoredImage
from tests.pictures import encoded, logo, photo

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def with_exif(image: Image.Image, *, orientation: int = 1) -> bytes:
    """A JPEG carrying a camera's metadata: orientation, maker, and a GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Camera maker"
    exif[0x0110] = "Model X"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)})
    return encoded(image, "JPEG", quality=90, exif=exif, comment=b"secret note")


def opened(variant) -> Image.Image:
    return Image.open(io.BytesIO(variant.data))


def test_hero_variants_are_every_width_in_three_formats_never_upscaled():
    variants = images.process_upload(upload=upload(encoded(photo(2000, 1125))), kind=ImageKind.HERO)
    assert sorted((v.format, v.width, v.height) for v in variants) == sorted(
        (fmt, width, round(1125 * width / 2000))
        for fmt in ("avif", "webp", "jpeg")
        for width in (480, 800, 1200, 1600)
    )
    small = images.process_upload(upload=upload(encoded(photo(1000, 500))), kind=ImageKind.HERO)
    assert sorted({v.width for v in small}) == [480, 800, 1000]
    for variant in variants:
        image = opened(variant)
        assert (image.format, image.size) == (
            {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}[variant.format],
            (variant.width, variant.height),
        )


def test_hero_jpeg_is_progressive_and_small_variants_stay_small():
    variants = images.process_upload(upload=upload(encoded(photo(3000, 2000))), kind=ImageKind.HERO)
    by_key = {(v.format, v.width): v for v in variants}
    assert opened(by_key["jpeg", 800]).info.get("progressive") == 1
    assert len(by_key["avif", 800].data) < 30_000
    assert len(by_key["avif", 480].data) < 15_000


def test_hero_is_cropped_to_a_band_around_its_centre():
    portrait = images.process_upload(upload=upload(encoded(photo(900, 1600))), kind=ImageKind.HERO)
    assert max((v.width, v.height) for v in portrait) == (900, 506)
    panorama = images.process_upload(upload=upload(encoded(photo(4000, 800))), kind=ImageKind.HERO)
    assert max((v.width, v.height) for v in panorama) == (1600, 533)


def test_exif_orientation_is_applied():
    # 1200×700 stored sideways, with "rotate 90° clockwise to view" (orientation 6).
    sideways = photo(700, 1200).transpose(Image.Transpose.ROTATE_90)
    variants = images.process_upload(
        upload=upload(with_exif(sideways, orientation=6)), kind=ImageKind.HERO
    )
    assert max((v.width, v.height) for v in variants) == (700, 394)  # upright, then cropped


@pytest.mark.parametrize("kind", [ImageKind.HERO, ImageKind.LOGO])
def test_outputs_carry_no_metadata(kind):
    source = photo(1200, 700)
    data = with_exif(source)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input has a position
    for variant in images.process_upload(upload=upload(data), kind=kind):
        image = opened(variant)
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(
            image.info
        ), (variant.format, sorted(image.info))
        assert b"Camera maker" not in variant.data and b"secret note" not in variant.data


def test_colours_are_converted_to_srgb():
    """A CMYK photo (print workflows) becomes sRGB; an sRGB-tagged one keeps its pixels and
    loses the tag (browsers take an untagged image as sRGB)."""
    cmyk = encoded(Image.new("CMYK", (800, 450), (0, 255, 255, 0)), "JPEG", quality=95)
    variants = images.process_upload(upload=upload(cmyk), kind=ImageKind.HERO)
    red, green, blue = opened(next(v for v in variants if v.format == "jpeg")).getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    tagged = encoded(Image.new("RGB", (600, 400), (40, 160, 90)), "PNG", icc_profile=srgb)
    variants = images.process_upload(upload=upload(tagged, "a.png"), kind=ImageKind.LOGO)
    png = opened(next(v for v in variants if v.format == "png"))
    assert png.convert("RGB").getpixel((5, 5)) == (40, 160, 90)
    assert "icc_profile" not in png.info


def test_logo_keeps_transparency_and_fits_its_box():
    variants = images.process_upload(
        upload=upload(encoded(logo(600, 300), "PNG"), "logo.png"), kind=ImageKind.LOGO
    )
    assert sorted((v.format, v.width, v.height) for v in variants) == [
        ("png", 240, 120),
        ("webp", 240, 120),
    ]
    for variant in variants:
        image = opened(variant).convert("RGBA")
        assert image.getpixel((0, 0))[3] == 0  # a clear corner stays clear
        assert image.getpixel((60, 60))[3] == 255
    tall = images.process_upload(
        upload=upload(encoded(logo(300, 600), "PNG"), "tall.png"), kind=ImageKind.LOGO
    )
    assert {(v.width, v.height) for v in tall} == {(80, 160)}


def rejection(data: bytes, name: str = "file.jpg", kind=ImageKind.HERO) -> str:
    with pytest.raises(images.ImageRejected) as caught:
        images.process_upload(upload=upload(data, name), kind=kind)
    return caught.value.message


def test_rejects_svg_other_formats_and_damaged_files():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    expected_svg = (
        "SVG images are not accepted, as they can contain scripts. "
        "Please upload a PNG or WebP file."
    )
    assert rejection(svg, "logo.svg", ImageKind.LOGO) == expected_svg
    assert rejection(svg, "logo.png", ImageKind.LOGO) == expected_svg
    not_accepted = "This file is not an image in a format we accept: JPEG, PNG, WebP or AVIF."
    assert rejection(encoded(photo(600, 400), "GIF"), "a.gif") == not_accepted
    assert rejection(encoded(photo(600, 400), "BMP"), "a.bmp") == not_accepted
    assert rejection(b"%PDF-1.7 not an image", "a.pdf") == not_accepted
    truncated = encoded(photo(1000, 600))[:5000]
    assert rejection(truncated) == (
        "The image could not be read: the file may be damaged. Please try another one."
    )
    assert rejection(encoded(photo(400, 300))) == (
        "The image is too small for the top of the page: it needs at least 480 pixels across."
    )


def test_rejects_too_large_files(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    assert rejection(b"\xff\xd8" + b"0" * (10 * 1024 * 1024)) == (
        "The file is larger than 10 MB. Please upload a smaller image."
    )


def test_rejects_decompression_bombs_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 50_000_000
    # 10000×10000 pixels of one colour: a PNG of a few kilobytes.
    bomb = encoded(Image.new("L", (10_000, 10_000)), "PNG", optimize=True)
    assert len(bomb) < 200_000
    assert rejection(bomb, "bomb.png") == (
        "The image has too many pixels: at most 50 million are accepted."
    )


def test_rejection_messages_are_translated():
    with translation.override("de"):
        message = rejection(b"not an image at all")
    assert message != "This file is not an image in a format we accept: JPEG, PNG, WebP or AVIF."
    assert "JPEG, PNG, WebP" in message


@pytest.mark.django_db
def test_replacing_and_removing_delete_the_old_rows(campaigns):
    campaign = campaigns["banfacialrecognitioneu"]
    images.replace_hero(campaign=campaign, upload=upload(encoded(photo(1000, 600))), alt="A")
    first = campaign.hero_image_id
    assert ImageVariant.objects.filter(image_id=first).count() == 9
    images.replace_hero(campaign=campaign, upload=upload(encoded(photo(1000, 600, seed=2))))
    campaign.refresh_from_db()
    assert campaign.hero_image_id != first
    assert not StoredImage.objects.filter(pk=first).exists()
    assert campaign.translations.get(language="en").hero_alt == "A"
    assert images.remove_hero(campaign=campaign) is True
    assert images.remove_hero(campaign=campaign) is False
    assert StoredImage.objects.count() == 0
