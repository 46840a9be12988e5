"""Pictures as phones write them (GPS position, camera serial, XMP, ICC profile, a turned
orientation), and the check that none of it survived an upload."""

import io

from PIL import Image as PILImage
from PIL import ImageCms
from PIL.PngImagePlugin import PngInfo

ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="50,27.0N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
SECRETS = (b"SpyCam", b"SN-4412", b"xmpmeta", b"GPSLatitude")
ROTATE_90 = 6  # EXIF orientation: the camera was held sideways


def geotagged(fmt, width=800, height=400):
    """A picture as a phone writes it: GPS position, camera make and serial number, XMP,
    an ICC profile, and an orientation tag saying it must be turned to be upright."""
    exif = PILImage.Exif()
    exif[0x0112] = ROTATE_90
    exif[0x010F] = "SpyCam"
    exif[0xA431] = "SN-4412"
    exif.get_ifd(0x8825).update({1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)})
    img = PILImage.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    extra = {"xmp": XMP}
    if fmt == "PNG":
        info = PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        extra = {"pnginfo": info}
    img.save(out, fmt, exif=exif, icc_profile=ICC, **extra)
    data = out.getvalue()
    assert b"SpyCam" in data and b"GPSLatitude" in data  # the fixture really carries them
    return data


def assert_clean(data, size=None, icc=True):
    for secret in SECRETS:
        assert secret not in data
    with PILImage.open(io.BytesIO(data)) as img:
        assert not dict(img.getexif())
        assert "xmp" not in img.info and "XML:com.adobe.xmp" not in img.info
        if size:
            assert img.size == size
        if icc:
            assert img.info.get("icc_profile") == ICC
