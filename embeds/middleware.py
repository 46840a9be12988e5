from django.conf import settings
from django_permissions_policy import PermissionsPolicyMiddleware

from core.fragments import needs

# What a video player needs from the page that frames it; every other feature stays off.
PLAYER_FEATURES = ("autoplay", "encrypted-media", "fullscreen", "picture-in-picture")


class EmbedCSPMiddleware:
    """Open the page's policies for exactly the players its facades may load (noted on the
    request by embeds.body.render_body with core.fragments.need, so a body served from a
    cached fragment asks too): CSP frame-src lists their origins, and the
    Permissions-Policy delegates autoplay, full screen, picture-in-picture and protected
    media to them (without it a player cannot go full screen). Pages without embeds keep
    frame-src at the default-src 'none' and the site's policy. Sits after django-csp's
    middleware, so its update is applied when the CSP header is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = sorted(needs(request, "embed_frame_origins"))
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["frame-src"] = origins
            response._csp_update = update
            policy = dict(getattr(settings, "PERMISSIONS_POLICY", {}))
            for feature in PLAYER_FEATURES:
                if feature in policy:
                    policy[feature] = ["self", *origins]
            response._permissions_policy_override = (
                PermissionsPolicyMiddleware.compute_header_value(policy, "PERMISSIONS_POLICY")
            )
        return response
