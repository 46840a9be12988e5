"""Media on S3-compatible object storage (AWS S3, Cloudflare R2, MinIO, Ceph), used when
MEDIA_STORAGE=s3 (settings.STORAGES["default"], docs/deploying.md).

One bucket holds everything the local media folder would: originals under ``images/`` and
``authors/``, renditions under ``renditions/``, editor and WordPress-imported pictures.
The two kinds are stored differently:

- Renditions are public and cached for a year (``public, max-age=31536000, immutable``):
  their names are derived from their content (a keyed HMAC of the original's random name
  and imagekit's hash of the spec, core/images.py), so a name never points at other bytes.
  Embed posters (``embeds/``, a video provider's public thumbnail under a random name)
  are shown to readers as they are, and stored the same way.
- Originals are private with S3_PRIVATE_ORIGINALS=1: no public-read ACL, and their URL is
  a short-lived signed one (for staff, in the admin). Otherwise they are public too.

`url()` is string building only: a rendition's address is the public base (S3_PUBLIC_URL,
or the endpoint and bucket) plus its name, with no signature and no request to the bucket,
so a page view makes no storage calls. A signed URL (private originals) is computed
locally by botocore, also without a request.

Object storage cannot send the headers core/media.py adds to local files (nosniff and a
sandboxing CSP); the CDN or proxy in front of S3_PUBLIC_URL should add them
(deploy/nginx-media.conf shows them).
"""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Renditions never change under their name (core/images.rendition_name).
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Originals keep their random name for life, but may be replaced by a re-clean (reclean):
# a day is long enough for a cache and short enough for a withdrawn picture to go.
PUBLIC_ORIGINAL_CACHE_CONTROL = "public, max-age=86400"
PRIVATE_ORIGINAL_CACHE_CONTROL = "private, max-age=3600"


# Folders whose files readers load (besides renditions): embed posters, a provider's
# public thumbnail shown as such on article pages (embeds/models.py).
PUBLIC_FOLDERS = ("embeds/",)


def is_rendition(name):
    """True for a file readers load as it is: a rendition (settings.IMAGEKIT_CACHEFILE_DIR)
    or an embed poster. Each is stored under a name that never gets other bytes."""
    folder = settings.IMAGEKIT_CACHEFILE_DIR.strip("/") + "/"
    return clean_name(name).lstrip("/").startswith((folder, *PUBLIC_FOLDERS))


def public_base_url(endpoint_url, bucket, region, public_url=""):
    """The base URL readers fetch media from, ending in a slash: S3_PUBLIC_URL when set
    (a CDN or a proxy location), else the endpoint with the bucket as the first path
    segment (path-style, which MinIO, Ceph, R2 and moto all serve), else AWS's own
    virtual-hosted address for the bucket."""
    if public_url:
        return public_url.rstrip("/") + "/"
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{quote(bucket)}/"
    return f"https://{bucket}.s3.{region}.amazonaws.com/"


class MediaStorage(S3Storage):
    """django-storages' S3 backend with per-object ACL and Cache-Control (renditions public
    for a year, originals private when `private_originals`), and string-built URLs."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "public_url": "",
            "private_originals": False,
            # Per-object ACLs (x-amz-acl). Off for buckets that refuse them (AWS's
            # "bucket owner enforced", R2): a bucket policy then makes renditions public.
            "object_acls": True,
        }

    def __init__(self, **options):
        super().__init__(**options)
        self.public_base = public_base_url(
            self.endpoint_url, self.bucket_name, self.region_name or "us-east-1", self.public_url
        )

    def is_public(self, name):
        return is_rendition(name) or not self.private_originals

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        public = self.is_public(name)
        if is_rendition(name):
            params.setdefault("CacheControl", RENDITION_CACHE_CONTROL)
        elif public:
            params.setdefault("CacheControl", PUBLIC_ORIGINAL_CACHE_CONTROL)
        else:
            params.setdefault("CacheControl", PRIVATE_ORIGINAL_CACHE_CONTROL)
        if self.object_acls:
            params.setdefault("ACL", "public-read" if public else "private")
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.is_public(name) and not parameters and http_method is None:
            return self.public_base + filepath_to_uri(self._normalize_name(clean_name(name)))
        # A private original: a signed URL, computed locally (no request to the bucket).
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)

    def signed_url(self, name, expire=None):
        """A signed URL for any object, public or not (downloads by staff, tests)."""
        return super().url(name, expire=expire)

    def object_parameters_for(self, name):
        """What a copy of `name` is written with (copy_media_to_storage, restore): the
        parameters a save would use, content type included."""
        return self._get_write_parameters(self._normalize_name(clean_name(name)))


def s3_etag(path, part_size=8 * 1024 * 1024):
    """The ETag S3 gives `path`'s bytes: their MD5 when uploaded in one part (as
    copy_media_to_storage does), or the MD5 of the parts' MD5s and their count when
    uploaded in `part_size` parts (boto3's default above 8 MB, as a site upload may be).
    Returns (single_part_etag, multipart_etag or None)."""
    whole = hashlib.md5()  # noqa: S324 - S3's ETag, not a security hash
    parts = []
    with open(path, "rb") as source:
        while chunk := source.read(part_size):
            whole.update(chunk)
            parts.append(hashlib.md5(chunk).digest())  # noqa: S324
    multipart = None
    if len(parts) > 1:
        multipart = f"{hashlib.md5(b''.join(parts)).hexdigest()}-{len(parts)}"  # noqa: S324
    return whole.hexdigest(), multipart


# --- The bucket as a whole (core/backups.py, core/media_copy.py) --------------------------


def bucket_storage():
    """The site's media storage when it is the bucket (MEDIA_STORAGE=s3), else None."""
    from django.core.files.storage import storages

    storage = storages["default"]
    return storage if isinstance(storage, MediaStorage) else None


def bucket_prefix(storage):
    prefix = storage._normalize_name("")
    return prefix.rstrip("/") + "/" if prefix else ""


def bucket_objects(storage):
    """Every object of the site's media, as dicts with Key, Size, ETag and LastModified
    (one listing request per thousand objects), keys relative to the storage's location."""
    client = storage.connection.meta.client
    prefix = bucket_prefix(storage)
    pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=storage.bucket_name, Prefix=prefix
    )
    for page in pages:
        for entry in page.get("Contents", ()):
            yield {**entry, "Name": entry["Key"][len(prefix) :]}


def put_object(storage, name, body):
    """Write `body` (bytes or a file) as `name`, in one request, with what a save through
    the site would give it (content type, Cache-Control, ACL)."""
    storage.connection.meta.client.put_object(
        Bucket=storage.bucket_name,
        Key=storage._normalize_name(clean_name(name)),
        Body=body,
        **storage.object_parameters_for(name),
    )


def empty_bucket(storage):
    """Delete every object of the site's media (restore --force)."""
    client = storage.connection.meta.client
    keys = [{"Key": entry["Key"]} for entry in bucket_objects(storage)]
    for start in range(0, len(keys), 1000):
        client.delete_objects(
            Bucket=storage.bucket_name, Delete={"Objects": keys[start : start + 1000]}
        )
