class EmbedCSPMiddleware:
    """Open the Content-Security-Policy's frame-src for exactly the players a page's
    facades may load (noted on the request by embeds.body.render_body). Pages without
    embeds keep frame-src at the default-src 'none'. Sits after django-csp's middleware,
    so its update is applied when the header is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = getattr(request, "embed_frame_origins", None)
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["frame-src"] = sorted(origins)
            response._csp_update = update
        return response
