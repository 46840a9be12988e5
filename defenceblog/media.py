"""Media on S3-compatible object storage (AWS S3, R2, MinIO, Ceph) with MEDIA_STORAGE=s3:
the bucket's settings and the storage backend that settings.py installs. Renditions are
public with a year's Cache-Control; with S3_PRIVATE_ORIGINALS=1 originals are private,
reached only by signed URLs (core/storage.py)."""

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from core.storage import public_base_url
from defenceblog.environment import env_bool


@dataclass(frozen=True)
class Bucket:
    name: str
    endpoint_url: str  # empty: AWS itself
    region: str
    private_originals: bool
    public_url: str

    @property
    def signed_base_url(self):
        """Where signed URLs of originals (the admin's previews) point: the endpoint itself."""
        return public_base_url(self.endpoint_url, self.name, self.region)


def bucket_from_environment() -> Bucket:
    name = os.environ.get("S3_BUCKET", "")
    if not name:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name).")
    endpoint_url = os.environ.get("S3_ENDPOINT_URL", "")
    region = os.environ.get("S3_REGION", "") or "us-east-1"
    return Bucket(
        name,
        endpoint_url,
        region,
        env_bool("S3_PRIVATE_ORIGINALS"),
        public_base_url(endpoint_url, name, region, os.environ.get("S3_PUBLIC_URL", "")),
    )


def s3_storage(bucket: Bucket) -> dict:
    """The STORAGES["default"] entry for the bucket."""
    return {
        "BACKEND": "core.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket.name,
            "endpoint_url": bucket.endpoint_url or None,
            "region_name": bucket.region,
            # Empty: boto3's own chain (AWS_* variables, an instance role).
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": "path" if bucket.endpoint_url else None,
            "signature_version": "s3v4",
            "public_url": bucket.public_url,
            "private_originals": bucket.private_originals,
            "object_acls": env_bool("S3_OBJECT_ACLS", True),
            "querystring_expire": int(os.environ.get("S3_SIGNED_URL_SECONDS", 3600)),
            "file_overwrite": True,  # names are random or content-derived
        },
    }
