"""Uploaded files served by Django in development (DEBUG only; production serves
MEDIA_ROOT from the proxy with the same headers: deploy/nginx-media.conf).

An upload is never a page: the browser must not guess another content type
(`nosniff`), and if a file is opened as a document it runs no script and loads nothing
(`Content-Security-Policy: default-src 'none'; sandbox`).
"""

from django.views.static import serve

MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}


def serve_media(request, path, document_root=None, show_indexes=False):
    response = serve(request, path, document_root=document_root, show_indexes=False)
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response
