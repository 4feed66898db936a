#!/bin/sh
# make-doc-fixtures.sh - regenerate the document test fixtures (PDFs and
# multi-page TIFFs) in test/fixtures/, from the image fixtures made by
# scripts/make-fixtures.sh and from known text.
#
# Usage:  scripts/make-doc-fixtures.sh [OUTDIR]   (default test/fixtures)
#
# Requirements (Debian 12): img2pdf, imagemagick, python3-reportlab,
# fonts-dejavu-core.
# Deterministic: img2pdf --nodate, reportlab in invariant mode, TIFFs
# written with -strip; bad files are written byte by byte by python3.
#
#   born.pdf        born-digital, 2 US-letter pages of known text (reportlab,
#                   DejaVu Sans 23 pt, embedded as a subset so that pages
#                   render the same on every machine: pdffonts shows
#                   "emb yes"); the text is in born.gt.txt, page 1 then a
#                   form feed then page 2
#   mixed.pdf       page 1 born-digital text, page 2 only the image doc.png
#                   (at 300 dpi): a page that must be OCRed
#   scan.pdf        img2pdf of hello.png and doc.png: a scanned document
#   pages.tif       hello.png, doc.png, cheque.png as a 3-page LZW TIFF
#   encrypted.pdf   born.pdf's first page encrypted with user password "secret"
#   truncated.pdf   the first half of born.pdf
#   corrupt.pdf     a PDF header, garbage and an %%EOF marker
#   nopages.pdf     a well-formed PDF whose page tree has no pages
#   bomb-page.pdf   one page declared 14400 x 14400 points (200 x 200 inches,
#                   60000 x 60000 px at 300 dpi), 600 bytes
#   truncated.tif   the first 3000 bytes of pages.tif
#   cycle.tif       a 2-page TIFF whose 2nd directory points back at the 1st
#   lying.tif       a TIFF page whose directory gives its width twice (64, 8)
#   js.pdf          born.pdf's page 1 in a PDF with JavaScript (an /OpenAction
#                   and a /Names /JavaScript entry, which would set a form
#                   field and alert "JS RAN 666") and an /EmbeddedFiles
#                   attachment secret.txt ("ATTACHED SECRET 777"), and a
#                   form field "total" those scripts would fill: all must
#                   be ignored, the page read as born.pdf's page 1
#   small2.pdf      2 small pages (216 x 72 pt) of one line each, for the
#                   memory benchmark (bench/documents_memory.sh)
#   work-bomb.pdf   one letter page of 2 KB whose content draws a form
#                   XObject ten times that draws the next ten times, nine
#                   deep: a billion strokes, hours in poppler (rendering or
#                   text extraction), which must stop at statement_timeout
set -eu
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../test/fixtures}
CONVERT=${CONVERT:-convert}
PYTHON=${PYTHON:-/usr/bin/python3}   # Debian's, which sees python3-reportlab
cd "$OUT"

img2pdf --nodate -o scan.pdf hello.png doc.png
$CONVERT hello.png doc.png cheque.png -strip -compress lzw pages.tif

"$PYTHON" - <<'PY'
from reportlab.pdfgen import canvas
from reportlab.lib.pagesizes import letter
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
rl_config.invariant = 1
# a TrueType font, which reportlab embeds (as a subset); the standard 14
# fonts (Helvetica) it would not, and poppler would draw whatever font
# fontconfig substitutes on the machine that renders the page
pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))

def new_pdf(name, size=letter, **kw):
    """a canvas whose only font is the embedded one (reportlab's initial
    font would put an unused Helvetica into every page's resources)"""
    return canvas.Canvas(name, pagesize=size, initialFontName="DejaVuSans", **kw)

pages = [
    ["The quick brown fox jumps over the lazy dog.",
     "Invoice number 4711 dated 2024-03-15.",
     "",
     "Total amount due: 1234.56 EUR"],
    ["Second page of the document.",
     "Pay to the order of Jane Doe."],
]

def text_page(c, lines):
    y = 720
    for line in lines:
        if line:
            c.setFont("DejaVuSans", 23)
            c.drawString(72, y, line)
        y -= 36
    c.showPage()

c = new_pdf("born.pdf")
for p in pages:
    text_page(c, p)
c.save()
with open("born.gt.txt", "w") as f:
    f.write("\f".join("\n".join(l for l in p if l) + "\n" for p in pages))

c = new_pdf("mixed.pdf")
text_page(c, pages[0])
# doc.png is 300 dpi: draw it at its own size in points
from reportlab.lib.utils import ImageReader
img = ImageReader("doc.png")
w, h = img.getSize()
c.drawImage(img, 0, 792 - h * 72 / 300, w * 72 / 300, h * 72 / 300)
c.showPage()
c.save()

c = new_pdf("encrypted.pdf", encrypt="secret")
text_page(c, pages[0])
c.save()

# JavaScript and an attachment (reportlab has no API for either: the
# catalog's entries are set on its document object)
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
js = "this.getField('total').value = 'JS RAN 666'; app.alert('JS RAN 666');"
c = new_pdf("js.pdf")
# the form field is empty and white on white (the page looks as born.pdf's
# page 1); its appearance names Helvetica, as reportlab's forms take only
# the standard 14 fonts
from reportlab.lib.colors import white
c.acroForm.textfield(name="total", x=72, y=72, width=200, height=30, borderWidth=0,
                     fillColor=white, borderColor=white, value="")
text_page(c, pages[0])
doc = c._doc
ref = doc.Reference
def js_action(code):
    return PDFDictionary({"S": PDFName("JavaScript"), "JS": PDFString(code)})
attachment = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile")}),
                       content=b"ATTACHED SECRET 777\n", filters=[])
filespec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString("secret.txt"),
                          "EF": PDFDictionary({"F": ref(attachment)})})
doc.Catalog.OpenAction = js_action(js)
doc.Catalog.Names = PDFDictionary({
    "JavaScript": PDFDictionary({"Names": PDFArray([PDFString("init"), ref(js_action(js))])}),
    "EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString("secret.txt"), ref(filespec)])})})
c.save()

c = new_pdf("small2.pdf", (216, 72))
for word in ["Hello small", "Second page"]:
    c.setFont("DejaVuSans", 23)
    c.drawString(12, 28, word)
    c.showPage()
c.save()

born = open("born.pdf", "rb").read()
open("truncated.pdf", "wb").write(born[: len(born) // 2])
open("corrupt.pdf", "wb").write(b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")

def pdf(objs):
    """a minimal PDF with a correct xref table"""
    out = b"%PDF-1.4\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out

open("nopages.pdf", "wb").write(pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                     b"<< /Type /Pages /Kids [] /Count 0 >>"]))
open("bomb-page.pdf", "wb").write(pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R >>",
    b"<< /Length 0 >>\nstream\n\nendstream"]))

forms = [b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] "
         b"/Resources << /XObject << /F %d 0 R >> >> /Length 60 >>\nstream\n%s\nendstream"
         % (7 + k, b"/F Do " * 10) for k in range(8)]
forms.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length 18 >>\n"
             b"stream\n0 0 m 612 792 l S\nendstream")
open("work-bomb.pdf", "wb").write(pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
    b"/Resources << /XObject << /F 6 0 R >> >> /Contents 4 0 R >>",
    b"<< /Length 60 >>\nstream\n%s\nendstream" % (b"/F Do " * 10),
    b"<< /Producer (imgtrans make-doc-fixtures.sh) >>"] + forms))

tif = open("pages.tif", "rb").read()
open("truncated.tif", "wb").write(tif[:3000])

import struct
def ifd(entries, next_off):
    b = struct.pack("<H", len(entries))
    for tag, typ, val in entries:
        b += struct.pack("<HHII", tag, typ, 1, val)
    return b + struct.pack("<I", next_off)
# two 1x1 8-bit gray pages; the pixel byte sits at offset 8
ents = [(256, 4, 1), (257, 4, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1),
        (273, 4, 8), (277, 3, 1), (278, 4, 1), (279, 4, 1)]
first = 10
second = first + 2 + 12 * len(ents) + 4
data = b"II*\x00" + struct.pack("<I", first) + b"\xff\x00"
data += ifd(ents, second) + ifd(ents, first)
open("cycle.tif", "wb").write(data)

# one 64x8 gray page whose directory gives ImageWidth twice, 64 then 8:
# imgtrans's directory walk reads 8, libtiff decodes 64 columns
ents = [(256, 3, 64), (256, 3, 8), (257, 3, 8), (258, 3, 8), (259, 3, 1), (262, 3, 1),
        (273, 4, 0), (277, 3, 1), (278, 3, 8), (279, 4, 64 * 8)]
first = 8
pixels = first + 2 + 12 * len(ents) + 4
ents[6] = (273, 4, pixels)
open("lying.tif", "wb").write(b"II*\x00" + struct.pack("<I", first) + ifd(ents, 0) + b"\xc8" * (64 * 8))
PY
ls -l born.pdf mixed.pdf scan.pdf pages.tif encrypted.pdf truncated.pdf corrupt.pdf \
  nopages.pdf bomb-page.pdf truncated.tif cycle.tif lying.tif js.pdf small2.pdf work-bomb.pdf
