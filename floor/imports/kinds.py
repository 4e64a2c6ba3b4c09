"""What `floor import` takes: the kinds of file and their formats, in one place for the
importer and the command line (this module imports nothing, so the CLI starts fast)."""

from __future__ import annotations

KINDS = (
    "items",
    "locations",
    "orders",
    "purchase-orders",
    "asn",
    "carton-types",
    "kits",
    "suppliers",
)
CHANNEL_FORMATS = ("shopify", "bigcommerce", "amazon", "walmart")
FORMATS = ("csv", "json", *CHANNEL_FORMATS)
