"""HTML → PDF with WeasyPrint (needs Pango from the system), the same page as the e-mail or report."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

_FONTS = None


def render_pdf(html: str) -> bytes:
    global _FONTS
    from weasyprint import HTML  # heavy import, only when rendering
    from weasyprint.text.fonts import FontConfiguration

    _FONTS = _FONTS or FontConfiguration()  # font discovery once per process, not per document
    return HTML(string=html).write_pdf(font_config=_FONTS)


def render_pdfs(htmls: list[str]) -> list[bytes]:
    """Rendering is CPU-bound and independent per document: spread it over the cores."""
    if len(htmls) < 8:
        return [render_pdf(h) for h in htmls]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("spawn")) as pool:
        return list(pool.map(render_pdf, htmls, chunksize=8))
