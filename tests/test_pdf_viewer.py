"""The PDF ebook in a real viewer: pdf.js (npm pdfjs-dist) in Chromium.

The workbook's fields show, take typing, and keep it: saved by the viewer and opened
again, the answer is the field's value and is drawn by the field's own appearance,
which is what a viewer that does not draw fields itself shows.
"""

import base64
import io
import shutil

import pikepdf
import pytest
from PIL import Image

from conftest import ROOT, missing
from guidebook.tools.site_server import SiteServer

PDFJS = ROOT / "node_modules" / "pdfjs-dist"
ANSWER = "They worry about looking weak."
# pdf.js's own files, renamed .js: the local server gives .js files the JavaScript type a module needs.
PDFJS_FILES = {
    "build/pdf.mjs": "pdf.js",
    "build/pdf.worker.mjs": "pdf.worker.js",
    "web/pdf_viewer.mjs": "pdf_viewer.js",
    "web/pdf_viewer.css": "pdf_viewer.css",
}
VIEWER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The guide in pdf.js</title>
<link rel="stylesheet" href="pdfjs/pdf_viewer.css">
<style>#container { position: absolute; inset: 0; overflow: auto; }</style></head>
<body><div id="container"><div id="viewer" class="pdfViewer"></div></div>
<script type="module">
import * as pdfjsLib from "./pdfjs/pdf.js";
globalThis.pdfjsLib = pdfjsLib;
pdfjsLib.GlobalWorkerOptions.workerSrc = "./pdfjs/pdf.worker.js";
const { EventBus, PDFViewer, PDFLinkService } = await import("./pdfjs/pdf_viewer.js");
const source = (data) => ({ data: Uint8Array.from(atob(data), c => c.charCodeAt(0)),
                            standardFontDataUrl: "pdfjs/standard_fonts/", wasmUrl: "pdfjs/wasm/" });
let shown;
// The viewer, with its form fields: resolves when page `number`'s fields are laid over it.
window.view = async (data, number) => {
  const eventBus = new EventBus();
  const linkService = new PDFLinkService({ eventBus });
  const viewer = new PDFViewer({ container: document.getElementById("container"), eventBus, linkService,
                                 annotationMode: pdfjsLib.AnnotationMode.ENABLE_FORMS });
  linkService.setViewer(viewer);
  shown = await pdfjsLib.getDocument(source(data)).promise;
  const rendered = new Promise(resolve => eventBus.on("annotationlayerrendered",
    event => { if (event.pageNumber === number) resolve(); }));
  eventBus.on("pagesinit", () => { viewer.currentScaleValue = "page-width"; viewer.currentPageNumber = number; });
  viewer.setDocument(shown);
  linkService.setDocument(shown);
  await rendered;
};
// The document as the viewer saves it, with what was typed.
window.save = async () => {
  const bytes = await shown.saveDocument();
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
};
// The field values a viewer reads from a PDF.
window.values = async (data) => {
  const pdf = await pdfjsLib.getDocument(source(data)).promise;
  const fields = await pdf.getFieldObjects();  // a Map: name → the field's widgets
  return Object.fromEntries([...(fields || [])].map(([name, [field]]) => [name, field.value]));
};
// Page `number` drawn as a viewer that shows fields only by their appearance does, as a PNG.
window.draw = async (data, number) => {
  const pdf = await pdfjsLib.getDocument(source(data)).promise;
  const page = await pdf.getPage(number);
  const viewport = page.getViewport({ scale: 2 });
  const canvas = document.createElement("canvas");
  canvas.width = viewport.width;
  canvas.height = viewport.height;
  await page.render({ canvas, viewport, annotationMode: pdfjsLib.AnnotationMode.ENABLE }).promise;
  return canvas.toDataURL("image/png").split(",")[1];
};
window.ready = true;
</script></body></html>
"""


@pytest.fixture(scope="module")
def viewer(tmp_path_factory):
    """pdf.js and a page that drives it, served from 127.0.0.1."""
    if not (PDFJS / "build" / "pdf.mjs").exists():
        missing("pdf.js", "npm ci")
    folder = tmp_path_factory.mktemp("pdfjs")
    (folder / "pdfjs").mkdir()
    for source, name in PDFJS_FILES.items():
        shutil.copy(PDFJS / source, folder / "pdfjs" / name)
    for resources in ("standard_fonts", "wasm"):
        shutil.copytree(PDFJS / resources, folder / "pdfjs" / resources)
    (folder / "index.html").write_text(VIEWER, encoding="utf-8")
    with SiteServer(folder) as server:
        yield server


@pytest.fixture(scope="module")
def workbook_page(book) -> tuple[int, list[tuple[str, list[float]]]]:
    """The first page with fields: its number, and each field's name and rectangle."""
    with pikepdf.open(book.pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            fields = [
                (str(a.T), [float(x) for x in a.Rect])
                for a in page.get("/Annots", [])
                if a.Subtype == "/Widget"
            ]
            if fields:
                return number, fields
    pytest.fail("the PDF has no form fields")


def ink(png: str, rect: list[float], page_height: float) -> int:
    """How many dark pixels a page drawing (at scale 2) has inside a field's rectangle."""
    image = Image.open(io.BytesIO(base64.b64decode(png))).convert("L")
    left, right = sorted(2 * v for v in rect[::2])
    bottom, top = sorted(2 * v for v in rect[1::2])
    box = image.crop((int(left), int(2 * page_height - top), int(right), int(2 * page_height - bottom)))
    return sum(1 for value in box.get_flattened_data() if value < 128)


def test_fields_show_take_typing_and_keep_it(browser, viewer, book, workbook_page, tmp_path):
    number, fields = workbook_page
    data = base64.b64encode(book.pdf.read_bytes()).decode()
    page = browser.new_page(viewport={"width": 1000, "height": 1300})
    outside = []
    page.on(
        "request", lambda request: None if request.url.startswith(viewer.url) else outside.append(request.url)
    )
    page.goto(viewer.url)
    page.wait_for_function("window.ready === true")
    page.evaluate("([data, number]) => view(data, number)", [data, number])

    boxes = page.locator(f'.page[data-page-number="{number}"] .annotationLayer textarea')
    assert boxes.count() == len(fields)
    for box in boxes.all():
        assert box.is_visible() and box.is_editable()
    page.screenshot(path=tmp_path / "empty.png")
    boxes.first.click()
    page.keyboard.type(ANSWER)
    page.keyboard.press("Tab")
    page.screenshot(path=tmp_path / "typed.png")
    assert boxes.first.input_value() == ANSWER

    saved = page.evaluate("save()")
    name, rect = fields[0]
    assert page.evaluate("(data) => values(data)", saved)[name] == ANSWER
    with pikepdf.open(io.BytesIO(base64.b64decode(saved))) as pdf:
        widget = next(a for a in pdf.pages[number - 1].Annots if a.get("/T") == name)
        assert str(widget.V) == ANSWER
        assert isinstance(widget.AP.N, pikepdf.Stream)
        page_height = float(pdf.pages[number - 1].MediaBox[3])

    # Drawn by the fields' appearances alone: nothing over the lines before, the answer after.
    before, after = (
        page.evaluate("([data, n]) => draw(data, n)", [data, number]),
        page.evaluate("([data, n]) => draw(data, n)", [saved, number]),
    )
    (tmp_path / "drawn-filled.png").write_bytes(base64.b64decode(after))
    assert ink(before, rect, page_height) == 0
    assert ink(after, rect, page_height) > 200
    assert not outside, f"the viewer asked for {outside}"
    page.close()
