/*-------------------------------------------------------------------------
 * render.c
 *	  imgtrans_render(): draws a box list onto an image with leptonica.
 *
 * Modes: "boxes" outlines each box in a colour given by its confidence;
 * "erase" paints each box over with the background colour estimated from
 * the pixels just around it; "translate" erases and then draws the box's
 * text (its "translated" value, else its "text") inside it, in an ink
 * colour estimated from the box's darkest-against-background pixels, at
 * the largest size at which the wrapped text fits the box (textlayout.c).
 * All colours are estimated from the original image before anything is
 * painted, so overlapping boxes do not feed on each other.  Boxes are
 * clipped to the image; a box wholly outside it is skipped, and so, when
 * erasing, is a box OCR reported without text (boxlist.c: blank).
 *
 * The image, or one page of a PDF or TIFF, is decoded through
 * imgtrans_doc_decode_page() (src/document: the size limits apply, a PDF
 * page is rasterised at the dpi its boxes were found at), worked on as
 * 32 bpp RGB, and written back at the original size and resolution; a gray input stays gray unless the mode draws colour.
 * imgtrans.max_image_bytes limits what imgtrans accepts, not what this
 * returns: the result is bounded by imgtrans.max_image_pixels instead, and
 * may be larger than the input (a JPEG photo written as PNG or TIFF), so
 * larger than max_image_bytes; only a result over bytea's 1 GB is an ERROR.
 * Every PIX and every leptonica buffer is freed in PG_FINALLY.  Never
 * calls tesseract and never includes PostgreSQL's geo_decls.h (BOX).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "document/document.h"
#include "render/font.h"
#include "render/shape.h"
#include "imgtrans.h"
#include "image/lept.h"
#include "render/render.h"
#include "stats/stats.h"

#define MIN_TEXT_PX		4		/* smallest text size drawn */
#define MIN_INK_DIST	48		/* |dr|+|dg|+|db| that counts as ink at all */
#define MIN_CONTRAST	96		/* below this, ink is replaced by black/white */
#define INK_HEIGHT_EM	0.75	/* ink height of a line, in ems, at the least */

/* One box to paint, with the colours estimated from the original. */
typedef struct Paint
{
	const RenderBox *box;
	int			x0,
				y0,
				x1,
				y1;				/* clipped to the image; x1, y1 exclusive */
	int			bg[3];
	int			ink[3];
	int			max_px;			/* largest text size that suits the box */
} Paint;

/* What a call owns; freed by render_cleanup() on every path. */
typedef struct RenderCall
{
	PIX		   *orig;
	PIX		   *work;
	PIX		   *out;
	l_uint8    *encoded;
} RenderCall;

/* A rectangle of pixels, x1 and y1 exclusive. */
typedef struct Rect
{
	int			x0,
				y0,
				x1,
				y1;
} Rect;

static inline l_uint32 *
pixel_at(PIX *pix, int x, int y)
{
	return pixGetData(pix) + (size_t) y * pixGetWpl(pix) + x;
}

static Rect
clip_rect(int64 x0, int64 y0, int64 x1, int64 y1, PIX *pix)
{
	Rect		r;

	r.x0 = (int) Max(x0, 0);
	r.y0 = (int) Max(y0, 0);
	r.x1 = (int) Min(x1, (int64) pixGetWidth(pix));
	r.y1 = (int) Min(y1, (int64) pixGetHeight(pix));
	return r;
}

static bool
rect_empty(const Rect *r)
{
	return r->x1 <= r->x0 || r->y1 <= r->y0;
}

static void
fill_rect(PIX *pix, Rect r, const int rgb[3])
{
	l_uint32	val;
	int			x,
				y;

	if (rect_empty(&r))
		return;
	composeRGBPixel(rgb[0], rgb[1], rgb[2], &val);
	for (y = r.y0; y < r.y1; y++)
	{
		l_uint32   *row = pixel_at(pix, 0, y);

		for (x = r.x0; x < r.x1; x++)
			row[x] = val;
	}
}

/* ---------------------------------------------------------------------
 * Colour estimation
 * ---------------------------------------------------------------------
 */

typedef struct Histogram
{
	int			count[3][256];
	int			total;
} Histogram;

static void
hist_add(Histogram *h, l_uint32 pixel)
{
	l_int32		r,
				g,
				b;

	extractRGBValues(pixel, &r, &g, &b);
	h->count[0][r]++;
	h->count[1][g]++;
	h->count[2][b]++;
	h->total++;
}

static void
hist_median(const Histogram *h, int rgb[3])
{
	int			c;

	for (c = 0; c < 3; c++)
	{
		int			seen = 0,
					v;

		for (v = 0; v < 255; v++)
		{
			seen += h->count[c][v];
			if (seen * 2 >= h->total)
				break;
		}
		rgb[c] = v;
	}
}

/* Adds the pixels of outer that are not inside inner. */
static void
hist_add_ring(Histogram *h, PIX *pix, Rect outer, Rect inner)
{
	int			x,
				y;

	for (y = outer.y0; y < outer.y1; y++)
	{
		l_uint32   *row = pixel_at(pix, 0, y);
		bool		in_rows = y >= inner.y0 && y < inner.y1;

		for (x = outer.x0; x < outer.x1; x++)
			if (!in_rows || x < inner.x0 || x >= inner.x1)
				hist_add(h, row[x]);
	}
}

static int
color_dist(l_uint32 pixel, const int rgb[3])
{
	l_int32		r,
				g,
				b;

	extractRGBValues(pixel, &r, &g, &b);
	return abs(r - rgb[0]) + abs(g - rgb[1]) + abs(b - rgb[2]);
}

/* Background: median of a ring of pixels around the box (else its edge). */
static void
estimate_background(PIX *pix, Paint *p)
{
	Histogram  *h = palloc0(sizeof(Histogram));
	Rect		box = {p->x0, p->y0, p->x1, p->y1};
	int			pad = 2 + (p->y1 - p->y0) / 20;
	Rect		inner = {p->x0 + 1, p->y0 + 1, p->x1 - 1, p->y1 - 1};

	hist_add_ring(h, pix, clip_rect((int64) p->x0 - pad, (int64) p->y0 - pad,
									(int64) p->x1 + pad, (int64) p->y1 + pad, pix), box);
	if (h->total == 0)
		hist_add_ring(h, pix, box, inner);
	hist_median(h, p->bg);
	pfree(h);
}

/* The number of text lines in the box and the tallest line's ink height. */
static void
count_ink_rows(const bool *ink_row, int nrows, int *nlines, int *ink_h)
{
	int		   *runs = palloc(sizeof(int) * (nrows / 2 + 1));
	int			nruns = 0,
				run = 0,
				y;

	*ink_h = 0;
	for (y = 0; y <= nrows; y++)
	{
		if (y < nrows && ink_row[y])
			run++;
		else if (run > 0)
		{
			runs[nruns++] = run;
			*ink_h = Max(*ink_h, run);
			run = 0;
		}
	}
	/* runs much shorter than the tallest are dots or noise */
	*nlines = 0;
	for (y = 0; y < nruns; y++)
		if (runs[y] * 3 >= *ink_h)
			(*nlines)++;
	pfree(runs);
}

/* Ink colour, line count and text size from the pixels inside the box. */
static void
estimate_ink(PIX *pix, Paint *p)
{
	Histogram  *h = palloc0(sizeof(Histogram));
	int			h_px = p->y1 - p->y0;
	bool	   *ink_row = palloc0(sizeof(bool) * h_px);
	int			maxd = 0,
				nlines,
				ink_h,
				x,
				y;

	for (y = p->y0; y < p->y1; y++)
		for (x = p->x0; x < p->x1; x++)
			maxd = Max(maxd, color_dist(*pixel_at(pix, x, y), p->bg));
	for (y = p->y0; maxd >= MIN_INK_DIST && y < p->y1; y++)
		for (x = p->x0; x < p->x1; x++)
		{
			int			d = color_dist(*pixel_at(pix, x, y), p->bg);

			if (d * 2 >= maxd)
				ink_row[y - p->y0] = true;
			if (d * 4 >= maxd * 3)
				hist_add(h, *pixel_at(pix, x, y));
		}
	if (h->total > 0)
		hist_median(h, p->ink);
	count_ink_rows(ink_row, h_px, &nlines, &ink_h);
	if (nlines == 0)
		p->max_px = h_px;
	else
		p->max_px = Min((int) (ink_h / INK_HEIGHT_EM), h_px / nlines);
	pfree(ink_row);
	pfree(h);
}

/* Without clear ink, or too faint, write black on light and white on dark. */
static void
ensure_contrast(Paint *p)
{
	int			luma = (p->bg[0] * 299 + p->bg[1] * 587 + p->bg[2] * 114) / 1000;
	int			d = abs(p->ink[0] - p->bg[0]) + abs(p->ink[1] - p->bg[1]) +
		abs(p->ink[2] - p->bg[2]);
	int			c;

	if (d >= MIN_CONTRAST)
		return;
	for (c = 0; c < 3; c++)
		p->ink[c] = luma >= 128 ? 0 : 255;
}

/* Clips every box and estimates its colours; returns the number kept. */
static int
plan_paints(PIX *pix, const RenderBox *boxes, int nboxes, Paint *paints,
			bool want_colors)
{
	int			n = 0,
				i;

	for (i = 0; i < nboxes; i++)
	{
		const RenderBox *b = &boxes[i];
		Rect		r = clip_rect(b->x, b->y, (int64) b->x + b->width,
								  (int64) b->y + b->height, pix);
		Paint	   *p = &paints[n];

		if (rect_empty(&r))
			continue;			/* outside the image, or empty */
		if (want_colors && b->blank)
			continue;			/* a picture or a ruled line: leave it */
		memset(p, 0, sizeof(Paint));
		p->box = b;
		p->x0 = r.x0;
		p->y0 = r.y0;
		p->x1 = r.x1;
		p->y1 = r.y1;
		if (want_colors)
		{
			CHECK_FOR_INTERRUPTS();
			estimate_background(pix, p);
			memcpy(p->ink, p->bg, sizeof(p->ink));
			estimate_ink(pix, p);
			ensure_contrast(p);
		}
		n++;
	}
	return n;
}

/* ---------------------------------------------------------------------
 * Drawing
 * ---------------------------------------------------------------------
 */

static void
outline_color(const RenderBox *b, int rgb[3])
{
	static const int blue[3] = {0, 90, 255};
	static const int green[3] = {0, 160, 0};
	static const int orange[3] = {255, 140, 0};
	static const int red[3] = {220, 0, 0};
	const int  *c = !b->has_conf ? blue : b->conf >= 80 ? green :
		b->conf >= 50 ? orange : red;

	memcpy(rgb, c, sizeof(int) * 3);
}

/* A frame of thickness t just outside the box, clipped to the image. */
static void
draw_outline(PIX *pix, const Paint *p, int t)
{
	int			rgb[3];
	int64		x0 = (int64) p->x0 - t,
				y0 = (int64) p->y0 - t,
				x1 = (int64) p->x1 + t,
				y1 = (int64) p->y1 + t;

	outline_color(p->box, rgb);
	fill_rect(pix, clip_rect(x0, y0, x1, p->y0, pix), rgb);
	fill_rect(pix, clip_rect(x0, p->y1, x1, y1, pix), rgb);
	fill_rect(pix, clip_rect(x0, p->y0, p->x0, p->y1, pix), rgb);
	fill_rect(pix, clip_rect(p->x1, p->y0, x1, p->y1, pix), rgb);
}

/* The box and a margin that holds the ink's anti-aliased fringe. */
static Rect
erase_rect(PIX *pix, const Paint *p)
{
	int			pad = 1 + (p->y1 - p->y0) / 25;

	return clip_rect((int64) p->x0 - pad, (int64) p->y0 - pad,
					 (int64) p->x1 + pad, (int64) p->y1 + pad, pix);
}

static void
erase_box(PIX *pix, const Paint *p)
{
	fill_rect(pix, erase_rect(pix, p), p->bg);
}

typedef struct Blend
{
	PIX		   *pix;
	const int  *ink;
	Rect		clip;			/* glyph pixels outside are not drawn */
} Blend;

/* GlyphSink: blends a glyph's coverage in the ink colour. */
static void
blend_glyph(void *ctx, const unsigned char *cov, int rows, int width,
			int pitch, int left, int top)
{
	Blend	   *bl = (Blend *) ctx;
	int			gx,
				gy;

	for (gy = Max(0, bl->clip.y0 - top); gy < rows && top + gy < bl->clip.y1; gy++)
	{
		l_uint32   *row = pixel_at(bl->pix, 0, top + gy);

		for (gx = Max(0, bl->clip.x0 - left); gx < width && left + gx < bl->clip.x1; gx++)
		{
			int			a = cov[gy * pitch + gx];
			l_int32		rgb[3];
			int			c;

			if (a == 0)
				continue;
			extractRGBValues(row[left + gx], &rgb[0], &rgb[1], &rgb[2]);
			for (c = 0; c < 3; c++)
				rgb[c] = (rgb[c] * (255 - a) + bl->ink[c] * a + 127) / 255;
			composeRGBPixel(rgb[0], rgb[1], rgb[2], &row[left + gx]);
		}
	}
}

/*
 * Fits the box's text into it and draws it, vertically centred: shaped
 * (shape.c), wrapped by script (textlayout.c), left-aligned, or
 * right-aligned when the text is right-to-left (Arabic, Hebrew: its first
 * strong character).  Text that does not fit even at MIN_TEXT_PX is
 * clipped to the erased area.  Text that fits is not clipped: accents and
 * descenders may reach a little past the em box the layout measures.
 */
static void
draw_text(PIX *pix, const Paint *p)
{
	const char *text = p->box->text;
	const TlFont *font;
	uint32_t   *cps;
	int32_t    *widths;
	uint8_t    *flags;
	TlText		t;
	TlLine	   *lines;
	TlLayout	lay;
	Blend		bl = {pix, p->ink, {0, 0, pixGetWidth(pix), pixGetHeight(pix)}};
	double		ascent;
	ShapeDir	dir;
	int			n,
				top,
				i;

	if (text == NULL || text[0] == '\0')
		return;
	font = imgtrans_font();
	ascent = 1.0 - imgtrans_font_descent();
	cps = imgtrans_shape_text(text, strlen(text), &n);
	widths = palloc(sizeof(int32_t) * (n + 1));
	flags = palloc(n + 1);
	imgtrans_shape_measure(cps, n, widths, flags);
	dir = imgtrans_shape_direction(cps, n);
	t.cps = cps;
	t.widths = widths;
	t.flags = flags;
	t.n = n;
	lines = palloc(sizeof(TlLine) * (n + 1));
	lay = tl_fit(&t, font, p->x1 - p->x0, p->y1 - p->y0, MIN_TEXT_PX, p->max_px, lines);
	top = p->y0;
	if (lay.fits)
		top += (p->y1 - p->y0 - tl_block_height(font, lay.px, lay.nlines)) / 2;
	else
		bl.clip = erase_rect(pix, p);
	for (i = 0; i < lay.nlines; i++)
	{
		int			baseline = top + (int) lrint((i * font->line_pitch + ascent) * lay.px);
		const ShapedRun *run = imgtrans_shape(cps + lines[i].start,
											  lines[i].end - lines[i].start, dir);
		int			x = p->x0;

		if (dir == SHAPE_RTL)
			x = p->x1 - tl_units_to_px(font, run->width, lay.px);
		imgtrans_shape_draw(run, lay.px, x, baseline, blend_glyph, &bl);
	}
	pfree(lines);
	pfree(flags);
	pfree(widths);
	pfree(cps);
}

static void
draw_paints(PIX *pix, const Paint *paints, int n, RenderMode mode)
{
	int			t = Max(2, Min(pixGetWidth(pix), pixGetHeight(pix)) / 300);
	int			i;

	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (mode == RENDER_BOXES)
			draw_outline(pix, &paints[i], t);
		else
			erase_box(pix, &paints[i]);
	}
	for (i = 0; mode == RENDER_TRANSLATE && i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		draw_text(pix, &paints[i]);
	}
}

/* ---------------------------------------------------------------------
 * Decoding and encoding
 * ---------------------------------------------------------------------
 */

/* A 32 bpp RGB working copy of the original, transparency on white. */
static PIX *
working_copy(RenderCall *call)
{
	PIX		   *pix = pixConvertTo32(call->orig);

	if (pix != NULL && pixGetSpp(pix) == 4)
	{
		PIX		   *flat = pixRemoveAlpha(pix);

		pixDestroy(&pix);
		pix = flat;
	}
	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not convert a %d bpp image to RGB", pixGetDepth(call->orig))));
	pixCopyResolution(pix, call->orig);
	return pix;
}

static bool
is_gray(PIX *pix)
{
	PIXCMAP    *cmap = pixGetColormap(pix);
	l_int32		color = 0;

	if (pixGetDepth(pix) >= 24)
		return false;
	if (cmap != NULL)
		pixcmapHasColor(cmap, &color);
	return !color;
}

/* SQL names of RenderMode and RenderFormat values, in enum order */
static const char *const mode_names[] = {"boxes", "translate", "erase"};
static const char *const format_names[] = {"png", "jpeg", "webp", "tiff"};

static l_ok
encode_pix(PIX *pix, RenderFormat format, l_uint8 **data, size_t *size)
{
	switch (format)
	{
		case RENDER_PNG:
			return pixWriteMemPng(data, size, pix, 0.0);
		case RENDER_JPEG:
			return pixWriteMemJpeg(data, size, pix, 90, 0);
		case RENDER_WEBP:
			return pixWriteMemWebP(data, size, pix, 90, 1);
		case RENDER_TIFF:
			return pixWriteMemTiff(data, size, pix, IFF_TIFF_ZIP);
	}
	return 1;
}

static bytea *
encode_result(RenderCall *call, RenderFormat format)
{
	size_t		size = 0;
	bytea	   *result;

	if (encode_pix(call->out, format, &call->encoded, &size) != 0 || call->encoded == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not encode the rendered image"),
				 errhint("Try another format.")));
	if (size > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the rendered image is %zu bytes as %s, more than a bytea can hold",
						size, format_names[format]),
				 errhint("Use format jpeg, or scale the image down.")));
	result = palloc(VARHDRSZ + size);
	SET_VARSIZE(result, VARHDRSZ + size);
	memcpy(VARDATA(result), call->encoded, size);
	return result;
}

static void
render_cleanup(RenderCall *call)
{
	if (call->out)
		pixDestroy(&call->out);
	if (call->work)
		pixDestroy(&call->work);
	if (call->orig)
		pixDestroy(&call->orig);
	if (call->encoded)
		lept_free(call->encoded);
	call->encoded = NULL;
}

static bytea *
render_steps(RenderCall *call, const bytea *image, int page, int dpi,
			 const RenderBox *boxes, int nboxes, RenderMode mode, RenderFormat format)
{
	Paint	   *paints = palloc(sizeof(Paint) * Max(nboxes, 1));
	int			n;

	call->orig = imgtrans_doc_decode_page(image, page, dpi);
	call->work = working_copy(call);
	n = plan_paints(call->work, boxes, nboxes, paints, mode != RENDER_BOXES);
	draw_paints(call->work, paints, n, mode);
	if (mode != RENDER_BOXES && is_gray(call->orig))
	{
		call->out = pixConvertRGBToLuminance(call->work);
		if (call->out == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not convert the rendered image to gray")));
		pixCopyResolution(call->out, call->orig);
	}
	else
		call->out = pixClone(call->work);
	pfree(paints);
	return encode_result(call, format);
}

bytea *
imgtrans_render_image(const bytea *image, int page, int dpi, const RenderBox *boxes,
					  int nboxes, RenderMode mode, RenderFormat format)
{
	RenderCall	call = {0};
	bytea	   *result = NULL;

	PG_TRY();
	{
		result = render_steps(&call, image, page, dpi, boxes, nboxes, mode, format);
	}
	PG_FINALLY();
	{
		render_cleanup(&call);
	}
	PG_END_TRY();
	return result;
}

/* ---------------------------------------------------------------------
 * SQL
 * ---------------------------------------------------------------------
 */

/* Index of name in names (case-insensitive, "jpg" = "jpeg"), or ERROR. */
static int
lookup_name(FunctionCallInfo fcinfo, int argno, const char *what,
			const char *const *names, int nnames, const char *valid)
{
	char	   *name;
	int			i;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what),
				 errhint("Use one of: %s.", valid)));
	name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (pg_strcasecmp(name, "jpg") == 0)
		name = "jpeg";
	for (i = 0; i < nnames; i++)
		if (pg_strcasecmp(name, names[i]) == 0)
			return i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", what, name),
			 errhint("Use one of: %s.", valid)));
	return -1;
}

IMGTRANS_COUNTED(imgtrans_render, "imgtrans_render", render_body)

/*
 * imgtrans_render(image bytea, boxes jsonb, mode text, format text, page
 * int, dpi int) returns page 'page' of the image or document with the
 * boxes drawn, as bytea.  Boxes with a page_num of another page are left
 * out, so the rows of every page can be passed.  A NULL image or page
 * gives NULL; NULL boxes (jsonb_agg() of no rows) render no boxes.
 */
static Datum
render_body(PG_FUNCTION_ARGS)
{
	RenderMode	mode;
	RenderFormat format;
	RenderBox  *boxes;
	int			nboxes;
	int			page = 1;
	int			dpi = 0;
	int			i,
				kept;

	if (PG_ARGISNULL(0) || (PG_NARGS() > 4 && PG_ARGISNULL(4)))
		PG_RETURN_NULL();
	if (PG_NARGS() > 4)
		page = PG_GETARG_INT32(4);
	if (PG_NARGS() > 5 && !PG_ARGISNULL(5))
		dpi = imgtrans_doc_check_dpi(PG_GETARG_INT32(5));
	mode = (RenderMode) lookup_name(fcinfo, 2, "render mode", mode_names,
									lengthof(mode_names), "boxes, translate, erase");
	format = (RenderFormat) lookup_name(fcinfo, 3, "image format", format_names,
										lengthof(format_names), "png, jpeg, webp, tiff");
	boxes = imgtrans_parse_boxes(PG_GETARG_DATUM(1), PG_ARGISNULL(1), &nboxes);
	for (i = 0, kept = 0; i < nboxes; i++)
		if (boxes[i].page_num == 0 || boxes[i].page_num == page)
			boxes[kept++] = boxes[i];
	PG_RETURN_BYTEA_P(imgtrans_render_image(PG_GETARG_BYTEA_PP(0), page, dpi, boxes, kept,
											mode, format));
}
