/*-------------------------------------------------------------------------
 * pdf.c
 *	  imgtrans_pdf.so: opens, measures, rasterises and reads the text layer
 *	  of PDF pages with poppler-glib and cairo.
 *
 * The only file that calls poppler.  imgtrans.so loads this module on the
 * first PDF and calls it through PdfApi (pdfapi.h).  Poppler and cairo
 * never call back into PostgreSQL, so no longjmp ever crosses their
 * frames: every ereport() here is raised from our own frames, after the
 * poppler/cairo/glib objects of that step are released.  The document
 * itself is released by close(), which the caller runs in PG_FINALLY.
 * This file must never allocate a raster before its caller has checked
 * the page's pixel count, and must never run PDF JavaScript, open
 * attachments or follow links (poppler-glib only does so when asked).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "image/lept.h"
#include "document/pdfapi.h"
#include "document/pdfprelude.h"

PG_MODULE_MAGIC;

static void *
pdf_open(const uint8_t *data, size_t len, int *npages)
{
	GBytes	   *bytes = g_bytes_new_static(data, len);
	GError	   *err = NULL;
	PopplerDocument *doc;

	doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);		/* the document holds its own reference */
	if (doc == NULL)
	{
		bool		encrypted = err && err->domain == POPPLER_ERROR &&
			err->code == POPPLER_ERROR_ENCRYPTED;
		char		msg[256];

		strlcpy(msg, err && err->message ? err->message : "unknown error", sizeof(msg));

		if (err)
			g_error_free(err);
		if (encrypted)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("PDF is encrypted with a password"),
					 errhint("Remove the encryption first, e.g. qpdf --decrypt --password=... in.pdf out.pdf.")));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not open PDF: the data is corrupt"),
				 errdetail("poppler: %s", msg),
				 errhint("Pass the complete, unmodified PDF file as bytea.")));
	}
	*npages = poppler_document_get_n_pages(doc);
	return doc;
}

/* A page object; the caller must g_object_unref() it. */
static PopplerPage *
pdf_page(void *doc, int page)
{
	PopplerPage *p = poppler_document_get_page((PopplerDocument *) doc, page);

	if (p == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not read page %d of the PDF: the page is corrupt", page + 1),
				 errhint("Pass the complete, unmodified PDF file as bytea.")));
	return p;
}

static void
pdf_page_info(void *doc, int page, bool want_text, PdfPageInfo *info)
{
	PopplerPage *p = pdf_page(doc, page);
	char	   *text = NULL;
	const char *c;

	poppler_page_get_size(p, &info->width_pt, &info->height_pt);
	if (want_text)
		text = poppler_page_get_text(p);
	info->has_text = false;
	for (c = text; c && *c; c++)
		if (*c != ' ' && *c != '\n' && *c != '\t' && *c != '\r' && *c != '\f')
		{
			info->has_text = true;
			break;
		}
	g_free(text);
	g_object_unref(p);
}

/*
 * Renders onto a white cairo image surface, then copies it into a Pix:
 * 8-bit gray when every pixel is gray (scans, black text), else RGB.
 * Cairo's RGB24 pixel is 0x00RRGGBB in a native uint32; leptonica's is
 * 0xRRGGBBAA.
 */
static struct Pix *
pdf_render(void *doc, int page, int width, int height)
{
	PopplerPage *p = pdf_page(doc, page);
	double		w_pt,
				h_pt;
	cairo_surface_t *surface;
	cairo_t    *cr;
	cairo_status_t status;
	PIX		   *pix = NULL;
	PIX		   *gray = NULL;
	bool		is_gray = true;

	poppler_page_get_size(p, &w_pt, &h_pt);
	surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
	cr = cairo_create(surface);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, width / w_pt, height / h_pt);
	poppler_page_render(p, cr);
	status = cairo_status(cr);
	cairo_destroy(cr);
	g_object_unref(p);
	cairo_surface_flush(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		pix = pixCreate(width, height, 32);
	if (pix != NULL)
	{
		const unsigned char *src = cairo_image_surface_get_data(surface);
		int			stride = cairo_image_surface_get_stride(surface);
		l_uint32   *dst = pixGetData(pix);
		int			wpl = pixGetWpl(pix);
		int			x,
					y;

		for (y = 0; y < height; y++)
		{
			const uint32_t *row = (const uint32_t *) (src + (size_t) y * stride);

			for (x = 0; x < width; x++)
			{
				uint32_t	c = row[x] & 0xffffff;

				if (is_gray && ((c >> 16) != (c & 0xff) || ((c >> 8) & 0xff) != (c & 0xff)))
					is_gray = false;
				dst[(size_t) y * wpl + x] = c << 8;
			}
		}
		pixSetSpp(pix, 3);
		if (is_gray)
		{
			gray = pixConvertRGBToLuminance(pix);
			if (gray != NULL)
				pixDestroy(&pix);
		}
	}
	cairo_surface_destroy(surface);
	if (gray != NULL)
		return gray;
	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not rasterise page %d of the PDF at %d x %d pixels", page + 1,
						width, height),
				 errdetail("cairo: %s", cairo_status_to_string(status))));
	return pix;
}

static bool
is_space(const char *c)
{
	return *c == ' ' || *c == '\n' || *c == '\t' || *c == '\r' || *c == '\f';
}

/*
 * Words of the text layer: poppler's text (in its reading order, lines
 * ended by newlines) split at white space; poppler gives one rectangle per
 * character, newlines included, so a word's box is the union of its
 * characters' rectangles.  A blank line starts a new block.
 */
static PdfWord *
pdf_words(void *doc, int page, int *nwords)
{
	PopplerPage *p = pdf_page(doc, page);
	char	   *text = poppler_page_get_text(p);
	PopplerRectangle *rects = NULL;
	guint		nrects = 0;
	PdfWord    *words = NULL;
	int			n = 0,
				cap = 64;
	int			block = 1,
				line = 1,
				word = 0;
	int			newlines = 0;
	const char *c;
	guint		i = 0;
	bool		ok;

	ok = poppler_page_get_text_layout(p, &rects, &nrects);
	g_object_unref(p);
	PG_TRY();
	{
		words = palloc(sizeof(PdfWord) * cap);
		for (c = text; ok && c && *c && i < nrects;)
		{
			const char *start;
			PdfWord    *w;

			if (is_space(c))
			{
				if (*c == '\n')
					newlines++;
				c = g_utf8_next_char(c);
				i++;
				continue;
			}
			if (newlines > 0 && word > 0)
			{
				if (newlines > 1)
				{
					block++;
					line = 1;
				}
				else
					line++;
				word = 0;
			}
			newlines = 0;
			if (n == cap)
			{
				cap *= 2;
				words = repalloc(words, sizeof(PdfWord) * cap);
			}
			w = &words[n++];
			w->x1 = rects[i].x1;
			w->y1 = rects[i].y1;
			w->x2 = rects[i].x2;
			w->y2 = rects[i].y2;
			start = c;
			while (*c && !is_space(c) && i < nrects)
			{
				w->x1 = Min(w->x1, rects[i].x1);
				w->y1 = Min(w->y1, rects[i].y1);
				w->x2 = Max(w->x2, rects[i].x2);
				w->y2 = Max(w->y2, rects[i].y2);
				c = g_utf8_next_char(c);
				i++;
			}
			w->text = pnstrdup(start, c - start);
			w->block = block;
			w->line = line;
			w->word = ++word;
		}
	}
	PG_FINALLY();
	{
		g_free(rects);
		g_free(text);
	}
	PG_END_TRY();
	*nwords = n;
	return words;
}

/* A font of the document is not embedded (poppler loads a system font file). */
static bool
uses_system_fonts(PopplerDocument *doc)
{
	PopplerFontInfo *info = poppler_font_info_new(doc);
	PopplerFontsIter *iter = NULL;
	bool		found = false;

	if (poppler_font_info_scan(info, poppler_document_get_n_pages(doc), &iter) && iter)
	{
		do
		{
			if (!poppler_fonts_iter_is_embedded(iter))
				found = true;
		} while (!found && poppler_fonts_iter_next(iter));
	}
	if (iter)
		poppler_fonts_iter_free(iter);
	poppler_font_info_free(info);
	return found;
}

/*
 * Closes the document, then empties cairo's process-wide font caches: a
 * document's embedded fonts otherwise stay in them after it is gone (up to
 * 256 scaled fonts, each holding its document's font data), so a backend
 * grew by ~20 MB over its first few hundred documents.  Safe because no
 * cairo object outlives a call into this module (pdf_render destroys its
 * surface and context) and nothing else in the backend uses cairo -- except
 * poppler's own process-wide cache of system font files (a PDF font that is
 * not embedded, e.g. js.pdf's Helvetica): their cairo faces stay alive, and
 * cairo_debug_reset_static_data() would abort the backend on its assertion
 * "unscaled->face == NULL".  So once a backend has drawn with a system font
 * it never resets again (those fonts are few and shared, not per document).
 */
static bool system_fonts_seen = false;

static void
pdf_close(void *doc)
{
	if (doc != NULL)
	{
		if (!system_fonts_seen && uses_system_fonts((PopplerDocument *) doc))
			system_fonts_seen = true;
		g_object_unref((PopplerDocument *) doc);
		if (!system_fonts_seen)
			cairo_debug_reset_static_data();
	}
}

static const PdfApi pdf_api = {
	.open = pdf_open,
	.page_info = pdf_page_info,
	.render = pdf_render,
	.words = pdf_words,
	.close = pdf_close,
};

const PdfApi *imgtrans_pdf_api(void);

const PdfApi *
imgtrans_pdf_api(void)
{
	return &pdf_api;
}
