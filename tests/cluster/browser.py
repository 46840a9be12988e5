"""A small HTTP client for the cluster tests: keeps cookies, never follows redirects, and
reads the CSRF token and form fields out of a page."""

import re
import time
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    text: str
    body: bytes

    def header(self, name):
        return self.headers.get(name.lower(), "")


class Browser:
    def __init__(self, extra_headers=None):
        self.cookies = CookieJar()
        self.extra_headers = extra_headers or {}
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), _NoRedirects())

    def request(self, method, url, data=None, headers=None, files=None):
        body, all_headers = None, {**self.extra_headers, **(headers or {})}
        if files:
            body, content_type = multipart(data or {}, files)
            all_headers["Content-Type"] = content_type
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = Request(url, data=body, headers=all_headers, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as answer:
                status, raw, found = answer.status, answer.read(), answer.headers
        except HTTPError as error:
            status, raw, found = error.code, error.read(), error.headers
        headers = {name.lower(): value for name, value in found.items()}
        return Response(status, headers, raw.decode("utf-8", "replace"), raw)

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, data, **kwargs):
        return self.request("POST", url, data=data, **kwargs)

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)


def form_fields(html):
    """name -> value of the hidden inputs of the first form (CSRF token, signed times)."""
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def multipart(data, files):
    boundary = f"----cluster{int(time.time() * 1000)}"
    parts = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{item}\r\n".encode()
            )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def sign_in(browser, base_url, editor):
    """Password, then a backup code: the production two-step sign-in, on one server."""
    page = browser.get(f"{base_url}/admin/login/?next=/admin/")
    assert page.status == 200, page.status
    fields = form_fields(page.text)
    answer = browser.post(
        f"{base_url}/admin/login/?next=/admin/",
        {**fields, "username": editor["username"], "password": editor["password"]},
        headers={"Referer": f"{base_url}/admin/login/"},
    )
    assert answer.status == 302, (answer.status, answer.text[:2000])
    verify = browser.get(f"{base_url}/admin/two-factor/verify/?next=/admin/")
    assert verify.status == 200, verify.status
    answer = browser.post(
        f"{base_url}/admin/two-factor/verify/?next=/admin/",
        {**form_fields(verify.text), "code": editor["codes"].pop()},
        headers={"Referer": f"{base_url}/admin/two-factor/verify/"},
    )
    assert answer.status == 302, (answer.status, answer.text[:2000])
    return browser
