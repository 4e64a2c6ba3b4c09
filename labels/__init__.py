"""Label rendering from plain data: shipping, SSCC, LPN, location, item, kit and packing slips.

Independent of floor/, the database and the UI: give it a dataclass from `labels.model`,
get PDF bytes (`render_pdf`) or ZPL text (`render_zpl`). Bad data raises `LabelDataError`.
"""

from __future__ import annotations

from labels.errors import LabelDataError
from labels.render import TEMPLATES, render_pdf, render_pdf_many, render_zpl

__all__ = ["TEMPLATES", "LabelDataError", "render_pdf", "render_pdf_many", "render_zpl"]
