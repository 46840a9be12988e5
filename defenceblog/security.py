"""The browser-facing security policies settings.py installs: Content-Security-Policy and
Permissions-Policy."""

from csp.constants import NONCE, NONE, SELF


def content_security_policy(*image_origins: str) -> dict:
    """For every page. Reader pages need no inline script or style; the admin adds exactly
    what CKEditor 5 needs (core.middleware.AdminCSPMiddleware). `image_origins`: where
    media come from besides the site itself (a bucket, a CDN)."""
    return {
        "DIRECTIVES": {
            "default-src": [NONE],
            "script-src": [SELF, NONCE],
            "style-src": [SELF],
            "img-src": [SELF, *image_origins],
            "font-src": [SELF],
            "connect-src": [SELF],
            "form-action": [SELF],
            "base-uri": [NONE],
            "frame-ancestors": [NONE],
            "object-src": [NONE],
            "manifest-src": [SELF],
            "report-uri": "/csp-report/",
            "report-to": "csp-endpoint",  # named in the Reporting-Endpoints header
        }
    }


# Browser features no page of the site uses: denied to the site and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
