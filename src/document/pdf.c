/*-------------------------------------------------------------------------
 * pdf.c
 *	  imgtrans_pdf.so: opens, measures, rasterises and reads the text layer
 *	  of PDF pages with poppler-glib and cairo, each in a child process.
 *
 * The only file that calls poppler.  imgtrans.so loads this module on the
 * first PDF and calls it through PdfApi (pdfapi.h).
 *
 * The backend itself never hands a PDF to poppler.  How long poppler takes
 * does not follow from the page's size: a 2.5 KB page whose form XObject
 * draws another ten times, nine deep, is a billion strokes (hours), and
 * poppler-glib has no way to stop a render or a text extraction once it
 * has begun.  So poppler runs in a reader: a child process of the backend
 * (src/util/subproc.c: killed on any interrupt, replaced after
 * READER_MAX_REQUESTS requests) that serves the backend's requests one at
 * a time (open a document and measure its pages, rasterise a page, read a
 * page's text layer) and holds the last document it was sent.  Whatever
 * poppler leaks, caches or crashes on stays in it: a crash is an ERROR of
 * that call, not a server restart.
 *
 * The reader must never return into PostgreSQL code or raise: it calls only
 * poppler, cairo, glib, malloc and read()/write(), and leaves with _exit().
 * The backend must never trust what a reader sends (it runs poppler on
 * hostile bytes): every length is checked.  This file must never ask for a
 * raster before its caller has checked the page's pixel count, and must
 * never run PDF JavaScript, open attachments or follow links (poppler-glib
 * only does so when asked).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/wait.h>
#include <unistd.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "image/lept.h"
#include "document/pdfapi.h"
#include "document/pdfprelude.h"
#include "util/subproc.h"

PG_MODULE_MAGIC;

/* what the backend asks */
#define OP_INFO				1	/* page count, then each page's PdfPageInfo */
#define OP_RENDER			2	/* a page's pixels */
#define OP_TEXT				3	/* a page's text and character boxes */

/* what a reader answers, in the header of its message */
#define READER_OK			0
#define READER_OPEN_FAILED	1	/* payload: poppler's message */
#define READER_ENCRYPTED	2
#define READER_PAGE_CORRUPT	3	/* payload: int32 page (0-based) */
#define READER_CAIRO_FAILED	4	/* payload: int32 cairo_status_t */
#define READER_TOO_LARGE	5	/* its answer would exceed READER_MAX_MESSAGE */
#define READER_NO_MEMORY	6
#define READER_PROTOCOL		7	/* a request it could not take */

/*
 * A reader may map this much beyond what it inherited (the backend's own
 * mappings and shared buffers included): poppler decodes a page's images
 * at their own size.  Past it, an allocation fails in the reader, not the
 * machine.
 */
#define READER_MEMORY_BUDGET	((uint64) 2 << 30)
/* the largest answer other than a raster (a text layer, a box a character) */
#define READER_MAX_MESSAGE	(64 * 1024 * 1024)
/* a reader is replaced after this many requests: poppler's caches stay small */
#define READER_MAX_REQUESTS	500

typedef struct ReaderRequest
{
	uint32		op;
	int32		page;			/* 0-based */
	int32		width;			/* OP_RENDER */
	int32		height;
	int32		max_pages;		/* OP_INFO */
	uint32		want_text;		/* OP_INFO */
	uint64		doc_id;			/* the document asked about */
	uint64		doc_len;		/* > 0: its bytes follow the request */
} ReaderRequest;

typedef struct PdfDoc
{
	const uint8_t *data;
	size_t		len;
	uint64		id;				/* this backend's number for it */
	int			npages;
	PdfPageInfo *pages;			/* NULL when npages > max_pages */
} PdfDoc;

static void reader_main(int req, int resp);
static void reader_lost(SubProc *sp, int status, int page);

/* the backend's reader */
static SubProc reader = {
	.name = "PDF reader",
	.title = "imgtrans pdf reader",
	.max_requests = READER_MAX_REQUESTS,
	.memory_budget = READER_MEMORY_BUDGET,
	.serve = reader_main,
	.lost = reader_lost,
};
static uint64 reader_doc = 0;	/* the document the reader holds */
static uint64 reader_doc_generation = 0;	/* in the reader of this generation */
static uint64 last_doc_id = 0;

/* ---- in the reader ---- */

static bool
has_text(const char *text)
{
	const char *c;

	for (c = text; c && *c; c++)
		if (*c != ' ' && *c != '\n' && *c != '\t' && *c != '\r' && *c != '\f')
			return true;
	return false;
}

/* A page object, or NULL after answering that the page is corrupt. */
static PopplerPage *
reader_page(int fd, PopplerDocument *doc, int page)
{
	PopplerPage *p = page >= 0 && page < poppler_document_get_n_pages(doc) ?
		poppler_document_get_page(doc, page) : NULL;
	int32		pg = page;

	if (p == NULL)
		subproc_reply(fd, READER_PAGE_CORRUPT, &pg, sizeof(pg));
	return p;
}

/*
 * OP_INFO: int32 npages, then, unless npages > max_pages, each page's
 * PdfPageInfo (has_text only if want_text).
 */
static void
reader_info(int fd, PopplerDocument *doc, const ReaderRequest *rq)
{
	int32		npages = poppler_document_get_n_pages(doc);
	size_t		len = sizeof(int32);
	char	   *out;
	int			i;

	if (npages > 0 && npages <= rq->max_pages)
		len += sizeof(PdfPageInfo) * (size_t) npages;
	out = malloc(len);
	if (out == NULL)
	{
		subproc_reply(fd, READER_NO_MEMORY, NULL, 0);
		return;
	}
	memcpy(out, &npages, sizeof(int32));
	for (i = 0; npages <= rq->max_pages && i < npages; i++)
	{
		PopplerPage *p = reader_page(fd, doc, i);
		PdfPageInfo info = {0};

		if (p == NULL)
		{
			free(out);
			return;
		}
		poppler_page_get_size(p, &info.width_pt, &info.height_pt);
		if (rq->want_text)
		{
			char	   *text = poppler_page_get_text(p);

			info.has_text = has_text(text);
			g_free(text);
		}
		g_object_unref(p);
		memcpy(out + sizeof(int32) + sizeof(PdfPageInfo) * i, &info, sizeof(info));
	}
	subproc_reply(fd, READER_OK, out, len);
	free(out);
}

/*
 * OP_RENDER: the page drawn on white; one byte (1: every pixel is gray,
 * scans and black text) then a byte a pixel, else (0) cairo's RGB24 words.
 */
static void
reader_render(int fd, PopplerDocument *doc, const ReaderRequest *rq)
{
	PopplerPage *p = reader_page(fd, doc, rq->page);
	int			width = rq->width,
				height = rq->height;
	double		w_pt,
				h_pt;
	cairo_surface_t *surface;
	cairo_t    *cr;
	int32		status;
	unsigned char *src;
	int			stride;
	char		gray = 1;
	int			x,
				y;

	if (p == NULL)
		return;
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
	if (status != CAIRO_STATUS_SUCCESS)
	{
		cairo_surface_destroy(surface);
		subproc_reply(fd, READER_CAIRO_FAILED, &status, sizeof(status));
		return;
	}
	src = cairo_image_surface_get_data(surface);
	stride = cairo_image_surface_get_stride(surface);
	for (y = 0; gray && y < height; y++)
	{
		const uint32_t *row = (const uint32_t *) (src + (size_t) y * stride);

		for (x = 0; x < width; x++)
		{
			uint32_t	c = row[x] & 0xffffff;

			if ((c >> 16) != (c & 0xff) || ((c >> 8) & 0xff) != (c & 0xff))
			{
				gray = 0;
				break;
			}
		}
	}
	/* packed in place: rows of width pixels, one or four bytes each */
	for (y = 0; y < height; y++)
	{
		const uint32_t *row = (const uint32_t *) (src + (size_t) y * stride);

		if (!gray)
			memmove(src + (size_t) y * width * 4, row, (size_t) width * 4);
		else
		{
			unsigned char *out = src + (size_t) y * width;

			for (x = 0; x < width; x++)
				out[x] = row[x] & 0xff;
		}
	}
	subproc_reply2(fd, READER_OK, &gray, 1, src, (size_t) width * height * (gray ? 1 : 4));
	cairo_surface_destroy(surface);
}

/*
 * OP_TEXT: poppler's text of the page (uint32 length, the UTF-8 bytes),
 * then its character rectangles (uint32 count, a PopplerRectangle each);
 * the backend splits them into words.
 */
static void
reader_text(int fd, PopplerDocument *doc, const ReaderRequest *rq)
{
	PopplerPage *p = reader_page(fd, doc, rq->page);
	char	   *text;
	PopplerRectangle *rects = NULL;
	guint		nrects = 0;
	uint32		tlen;
	uint32		n;
	size_t		len;
	char	   *out;

	if (p == NULL)
		return;
	text = poppler_page_get_text(p);
	if (!poppler_page_get_text_layout(p, &rects, &nrects))
		nrects = 0;
	g_object_unref(p);
	tlen = text ? strlen(text) : 0;
	n = nrects;
	len = 2 * sizeof(uint32) + (size_t) tlen + sizeof(PopplerRectangle) * (size_t) n;
	out = len <= READER_MAX_MESSAGE ? malloc(len) : NULL;
	if (out != NULL)
	{
		memcpy(out, &tlen, sizeof(uint32));
		memcpy(out + sizeof(uint32), text ? text : "", tlen);
		memcpy(out + sizeof(uint32) + tlen, &n, sizeof(uint32));
		memcpy(out + 2 * sizeof(uint32) + tlen, rects, sizeof(PopplerRectangle) * (size_t) n);
		subproc_reply(fd, READER_OK, out, len);
		free(out);
	}
	else
		subproc_reply(fd, len > READER_MAX_MESSAGE ? READER_TOO_LARGE : READER_NO_MEMORY, NULL, 0);
	g_free(rects);
	g_free(text);
}

/*
 * The reader's life: a request at a time until the backend closes the
 * pipe.  It holds the last document it was sent (its bytes and poppler's
 * handle), or why that did not open.
 */
static void
reader_main(int req, int resp)
{
	uint8_t    *bytes = NULL;
	uint64		held = 0;
	PopplerDocument *doc = NULL;
	uint32		open_code = READER_OPEN_FAILED;
	char		open_msg[256] = "";

	for (;;)
	{
		ReaderRequest rq;

		if (!subproc_read_exact(req, &rq, sizeof(rq)))
			_exit(0);
		if (rq.doc_len > 0)
		{
			GBytes	   *gb;
			GError	   *err = NULL;

			if (doc)
				g_object_unref(doc);
			doc = NULL;
			free(bytes);
			bytes = malloc(rq.doc_len);
			if (bytes == NULL || !subproc_read_exact(req, bytes, rq.doc_len))
				_exit(1);		/* the backend sees the pipe close */
			held = rq.doc_id;
			gb = g_bytes_new_static(bytes, rq.doc_len);
			doc = poppler_document_new_from_bytes(gb, NULL, &err);
			g_bytes_unref(gb);	/* the document holds its own reference */
			if (doc == NULL)
			{
				open_code = err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED ?
					READER_ENCRYPTED : READER_OPEN_FAILED;
				strlcpy(open_msg, err && err->message ? err->message : "unknown error", sizeof(open_msg));
			}
			if (err)
				g_error_free(err);
		}
		if (rq.doc_id != held)
			subproc_reply(resp, READER_PROTOCOL, NULL, 0);
		else if (doc == NULL)
			subproc_reply(resp, open_code, open_msg, strlen(open_msg));
		else if (rq.op == OP_INFO)
			reader_info(resp, doc, &rq);
		else if (rq.op == OP_RENDER && rq.width > 0 && rq.height > 0)
			reader_render(resp, doc, &rq);
		else if (rq.op == OP_TEXT)
			reader_text(resp, doc, &rq);
		else
			subproc_reply(resp, READER_PROTOCOL, NULL, 0);
	}
}

/* ---- in the backend ---- */

/* The reader ended without answering (subproc.c has reaped it): how, as an ERROR. */
static void
reader_lost(SubProc *sp, int st, int page)
{
	if (WIFSIGNALED(st))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 page >= 0 ? errmsg("could not read page %d of the PDF: poppler stopped on it", page + 1) :
				 errmsg("could not open PDF: poppler stopped on it"),
				 errdetail("The PDF reader process was ended by signal %d (%s).", WTERMSIG(st),
						   strsignal(WTERMSIG(st))),
				 errhint("Pass a PDF that poppler's pdftoppm can read.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("could not read the PDF: its reader process ended without an answer"),
			 errhint("Pass a PDF that poppler's pdftoppm can read.")));
}

/*
 * Sends rq about d (with d's bytes if the reader does not hold them) and
 * returns the answer's payload (palloc'd, *len bytes, at most max_len);
 * an answer that is an error is raised here.  On anything else that goes
 * wrong (an interrupt, the reader dying) the reader is killed: the next
 * request forks a new one.
 */
static char *
reader_call(PdfDoc *d, ReaderRequest *rq, uint64 max_len, uint64 *len)
{
	char	   *payload = NULL;
	int			page = rq->op == OP_INFO ? -1 : rq->page;
	uint32		code;

	subproc_ensure(&reader);
	rq->doc_id = d->id;
	rq->doc_len = reader_doc == d->id && reader_doc_generation == reader.generation ? 0 : d->len;
	reader_doc = 0;
	code = subproc_call(&reader, rq, sizeof(*rq), rq->doc_len ? d->data : NULL, rq->doc_len,
						max_len, &payload, len, page);
	reader_doc = d->id;
	reader_doc_generation = reader.generation;

	switch (code)
	{
		case READER_OK:
			return payload;
		case READER_ENCRYPTED:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("PDF is encrypted with a password"),
					 errhint("Remove the encryption first, e.g. qpdf --decrypt --password=... in.pdf out.pdf.")));
			break;
		case READER_OPEN_FAILED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("could not open PDF: the data is corrupt"),
					 errdetail("poppler: %s", subproc_ascii(payload)),
					 errhint("Pass the complete, unmodified PDF file as bytea.")));
			break;
		case READER_PAGE_CORRUPT:
			{
				int32		pg = page;

				if (*len == sizeof(int32))
					memcpy(&pg, payload, sizeof(int32));
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("could not read page %d of the PDF: the page is corrupt", pg + 1),
						 errhint("Pass the complete, unmodified PDF file as bytea.")));
			}
			break;
		case READER_CAIRO_FAILED:
			{
				int32		st = CAIRO_STATUS_NO_MEMORY;

				if (*len == sizeof(int32))
					memcpy(&st, payload, sizeof(int32));
				ereport(ERROR,
						(errcode(ERRCODE_OUT_OF_MEMORY),
						 errmsg("could not rasterise page %d of the PDF at %d x %d pixels", page + 1,
								rq->width, rq->height),
						 errdetail("cairo: %s", cairo_status_to_string((cairo_status_t) st))));
			}
			break;
		case READER_TOO_LARGE:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the text layer of page %d of the PDF is larger than %d MB",
							page + 1, READER_MAX_MESSAGE / (1024 * 1024)),
					 errhint("Use text_source => 'ocr' for this page.")));
			break;
		case READER_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("the PDF reader ran out of memory on %s",
							page >= 0 ? psprintf("page %d", page + 1) : "the document")));
			break;
		default:
			subproc_misbehaved(&reader, "an unknown answer code");
	}
	return NULL;				/* not reached */
}

static void *
pdf_open(const uint8_t *data, size_t len, int max_pages, bool want_text, int *npages)
{
	PdfDoc	   *d = palloc0(sizeof(PdfDoc));
	ReaderRequest rq = {0};
	char	   *payload;
	uint64		plen;

	d->data = data;
	d->len = len;
	d->id = ++last_doc_id;
	rq.op = OP_INFO;
	rq.max_pages = max_pages;
	rq.want_text = want_text;
	payload = reader_call(d, &rq, sizeof(int32) + sizeof(PdfPageInfo) * (uint64) Max(max_pages, 0), &plen);
	if (plen < sizeof(int32))
		subproc_misbehaved(&reader, "a short answer");
	memcpy(&d->npages, payload, sizeof(int32));
	if (d->npages > 0 && d->npages <= max_pages)
	{
		if (plen != sizeof(int32) + sizeof(PdfPageInfo) * (uint64) d->npages)
			subproc_misbehaved(&reader, "a short answer");
		d->pages = palloc(sizeof(PdfPageInfo) * d->npages);
		memcpy(d->pages, payload + sizeof(int32), sizeof(PdfPageInfo) * d->npages);
	}
	pfree(payload);
	*npages = d->npages;
	return d;
}

static void
pdf_page_info(void *doc, int page, PdfPageInfo *info)
{
	PdfDoc	   *d = doc;

	Assert(d->pages != NULL && page >= 0 && page < d->npages);
	*info = d->pages[page];
}

/*
 * The reader's raster as a Pix: 8-bit gray (one byte a pixel, as
 * pixConvertRGBToLuminance would make of gray pixels), else RGB from
 * cairo's RGB24 (0x00RRGGBB in a native uint32; leptonica's is
 * 0xRRGGBBAA).
 */
static PIX *
raster_to_pix(const unsigned char *raster, bool gray, int page, int width, int height)
{
	PIX		   *pix = pixCreate(width, height, gray ? 8 : 32);
	l_uint32   *dst;
	int			wpl;
	int			x,
				y;

	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not rasterise page %d of the PDF at %d x %d pixels", page + 1,
						width, height)));
	dst = pixGetData(pix);
	wpl = pixGetWpl(pix);
	if (gray)
	{
		/* bytes in reading order are leptonica's big-endian words */
		for (y = 0; y < height; y++)
			memcpy(dst + (size_t) y * wpl, raster + (size_t) y * width, width);
		pixEndianByteSwap(pix);
		return pix;
	}
	for (y = 0; y < height; y++)
	{
		const uint32_t *row = (const uint32_t *) (raster + (size_t) y * width * 4);

		for (x = 0; x < width; x++)
			dst[(size_t) y * wpl + x] = (row[x] & 0xffffff) << 8;
	}
	pixSetSpp(pix, 3);
	return pix;
}

/* Renders a page in the reader: 8-bit gray when every pixel is gray, else RGB. */
static struct Pix *
pdf_render(void *doc, int page, int width, int height)
{
	PdfDoc	   *d = doc;
	ReaderRequest rq = {0};
	uint64		npx = (uint64) width * height;
	char	   *payload;
	uint64		plen;
	PIX		   *pix;

	rq.op = OP_RENDER;
	rq.page = page;
	rq.width = width;
	rq.height = height;
	payload = reader_call(d, &rq, 1 + 4 * npx, &plen);
	if (plen < 1 || plen != 1 + npx * (payload[0] == 1 ? 1 : 4))
		subproc_misbehaved(&reader, "a short answer");
	pix = raster_to_pix((const unsigned char *) payload + 1, payload[0] == 1, page, width, height);
	pfree(payload);
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
	PdfDoc	   *d = doc;
	char	   *text = NULL;
	PopplerRectangle *rects = NULL;
	uint32		nrects = 0;
	PdfWord    *words;
	int			n = 0,
				cap = 64;
	int			block = 1,
				line = 1,
				word = 0;
	int			newlines = 0;
	const char *c;
	uint32		i = 0;

	ReaderRequest rq = {0};
	char	   *payload;
	uint64		plen;
	uint32		tlen;

	rq.op = OP_TEXT;
	rq.page = page;
	payload = reader_call(d, &rq, READER_MAX_MESSAGE, &plen);
	/* a reader ran poppler on hostile bytes: check every length */
	if (plen < 2 * sizeof(uint32))
		subproc_misbehaved(&reader, "a short answer");
	memcpy(&tlen, payload, sizeof(uint32));
	if (tlen > plen - 2 * sizeof(uint32))
		subproc_misbehaved(&reader, "a short answer");
	memcpy(&nrects, payload + sizeof(uint32) + tlen, sizeof(uint32));
	if ((uint64) nrects * sizeof(PopplerRectangle) != plen - 2 * sizeof(uint32) - tlen)
		subproc_misbehaved(&reader, "a short answer");
	if (!g_utf8_validate(payload + sizeof(uint32), tlen, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("the text layer of page %d of the PDF is not valid UTF-8", page + 1)));
	text = pnstrdup(payload + sizeof(uint32), tlen);
	rects = palloc(sizeof(PopplerRectangle) * Max(nrects, 1));
	memcpy(rects, payload + 2 * sizeof(uint32) + tlen, sizeof(PopplerRectangle) * (size_t) nrects);
	pfree(payload);

	words = palloc(sizeof(PdfWord) * cap);
	for (c = text; *c && i < nrects;)
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
	pfree(text);
	pfree(rects);
	*nwords = n;
	return words;
}

/* Never raises: the backend holds no poppler object. */
static void
pdf_close(void *doc)
{
	PdfDoc	   *d = doc;

	if (d == NULL)
		return;
	if (d->pages)
		pfree(d->pages);
	pfree(d);
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
