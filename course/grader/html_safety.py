"""A notebook made safe to render as a feedback page: nothing a student wrote can run there.

nbconvert puts ``text/html``, ``image/svg+xml``, ``application/javascript`` outputs, raw
cells and the HTML inside Markdown verbatim into the page, and loads scripts for widget
state.  :func:`neutralise` leaves:

* outputs: ``text/plain``, ``image/png`` and ``image/jpeg`` only (a rich output is shown
  as its text), no output metadata (image sizes, file names), stream names and execution
  counts that are what nbformat says they are;
* Markdown cells: rendered here and cleaned with an allow-list (no scripts, event
  handlers, frames, forms, styles, ``javascript:`` links), then given back as one HTML
  block that nbconvert passes through unchanged (checked: otherwise shown as text);
* no raw cells in the page, no widget state.
"""
from __future__ import annotations

import functools
import html
import re

import bleach

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
        "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"*": {"class", "title", "id", "align"}, "a": {"href", "name"},
              "img": {"src", "alt", "width", "height"}, "th": {"colspan", "rowspan"},
              "td": {"colspan", "rowspan"}}
KEPT_DATA = ("text/plain", "image/png", "image/jpeg")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
_TEX_LINK = re.compile(r"\\(href|url)(?![A-Za-z])")  # MathJax would make a link of it
NO_RAW_CELLS = ["x-course/none"]  # resources["raw_mimetypes"]: raw cells are left out of the page


def _allowed(tag: str, name: str, value: str) -> bool:
    if name not in ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set()):
        return False
    if value.strip().lower().startswith("data:"):  # only inline images
        return tag == "img" and name == "src" and bool(_IMAGE_DATA.match(value.strip()))
    return True


def clean_html(text: str) -> str:
    """Student HTML, with only harmless tags, attributes and links left."""
    cleaned = bleach.clean(text, tags=TAGS, attributes=_allowed,
                           protocols={"http", "https", "mailto", "data"}, strip=True, strip_comments=True)
    return _TEX_LINK.sub(r"\\text", cleaned)


@functools.lru_cache(maxsize=4096)  # the release's Markdown is the same in every submission
def markdown_block(source: str) -> str:
    """Markdown source -> a cleaned HTML block that rendering it again as Markdown leaves alone."""
    from nbconvert.filters.markdown import markdown2html
    from nbconvert.filters.strings import strip_files_prefix

    for block in (clean_html(strip_files_prefix(markdown2html(source))),
                  f"<pre>{html.escape(source)}</pre>"):
        block = "<div>" + block.replace("\r", "").replace("\n", "&#10;") + "</div>"
        if markdown2html(block).strip() == block:
            return block
    return "<p>(this cell cannot be shown here)</p>"


def safe_output(out) -> bool:
    """Make one output safe to render, in place; False for one to leave out."""
    kind = out.get("output_type")
    if kind == "stream":
        out["name"] = "stderr" if out.get("name") == "stderr" else "stdout"
        return True
    if kind == "error":
        return True
    if kind not in ("display_data", "execute_result"):
        return False
    data = out.get("data") or {}
    kept = {k: v for k, v in data.items() if k in KEPT_DATA and isinstance(v, str)
            and (k == "text/plain" or _BASE64.match(v))}
    if "text/plain" not in kept:
        text = next((v for k, v in data.items() if k not in kept and isinstance(v, str)), None)
        if text is not None:
            kept["text/plain"] = text
    out["data"], out["metadata"] = kept, {}
    if kind == "execute_result":
        out["execution_count"] = _count(out.get("execution_count"))
    return True


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def neutralise_cell(cell) -> None:
    if cell.cell_type == "code":
        cell["execution_count"] = _count(cell.get("execution_count"))
        cell["outputs"] = [o for o in cell.get("outputs", []) if safe_output(o)]
    elif cell.cell_type == "markdown":
        cell.source = markdown_block(cell.source)
        cell.pop("attachments", None)


def neutralise(nb, resources: dict) -> None:
    """Notebook-wide: no widget state, no raw cells; then every cell."""
    nb.metadata.pop("widgets", None)
    resources["raw_mimetypes"] = NO_RAW_CELLS
    for cell in nb.cells:
        neutralise_cell(cell)
