/*-------------------------------------------------------------------------
 * preprocess.c
 *	  Image preprocessing before OCR (engine module): gray, otsu, sauvola,
 *	  deskew, orient, scale, denoise, border, invert, rules, and "auto", which
 *	  picks steps from cheap measurements of the image.
 *
 * A Prep owns the current image and the affine map from original to
 * current coordinates; every step replaces the image and composes its
 * map, so OCR boxes can be mapped back to the original image.  Steps never
 * ereport while holding an unowned PIX: a failed leptonica call is
 * reported after the intermediate is freed, and the caller frees p->pix.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "document/document.h"
#include "ocr/engine.h"
#include "imgtrans.h"
#include "ocr/preprocess.h"

typedef enum PrepStep
{
	STEP_GRAY,
	STEP_OTSU,
	STEP_SAUVOLA,
	STEP_DESKEW,
	STEP_ORIENT,
	STEP_SCALE,
	STEP_DENOISE,
	STEP_BORDER,
	STEP_INVERT,
	STEP_RULES,
	STEP_AUTO,
	NUM_STEPS
} PrepStep;

static const char *const step_names[NUM_STEPS] = {
	"gray", "otsu", "sauvola", "deskew", "orient", "scale", "denoise", "border",
	"invert", "rules", "auto"
};

/* Skew search: +-15 degrees, refined to 0.01; leptonica's own thresholds. */
#define SKEW_SWEEP_RANGE	15.0
#define SKEW_SWEEP_DELTA	0.5
#define SKEW_MIN_CONF		3.0
#define SKEW_MIN_ANGLE		0.1
/*
 * auto: deskew from this angle on; orient from this OSD confidence on, and
 * when recognising, only pages whose first pass has a mean word confidence
 * below AUTO_ORIENT_BELOW_CONF (an upright page does not pay for OSD)
 */
#define AUTO_SKEW_ANGLE		0.3
#define AUTO_ORIENT_CONF	2.0
#define AUTO_ORIENT_BELOW_CONF	60
#define AUTO_ORIENT_MIN_WORDS	3
/*
 * scale: glyphs (median connected-component height) under SCALE_BELOW
 * pixels are brought up to SCALE_TARGET.  Measured on the dev set: 9 px
 * scans lose accuracy when scaled, 7.5 px ones gain; and auto leaves alone
 * files that declare at least SCALE_AUTO_MAX_DPI (receipts at 150-200 dpi
 * with 8 px glyphs read worse scaled up).
 */
#define SCALE_AUTO_MAX_DPI	150
#define SCALE_TARGET_HEIGHT	24.0
#define SCALE_BELOW_HEIGHT	8.5
#define SCALE_MAX			4.0
/* border: rows/columns darker than this share of their pixels are border */
#define BORDER_DARK_SHARE	0.5
#define BORDER_MAX_SHARE	0.25
/*
 * rules: dark runs at least RULE_MIN_GLYPHS glyph heights long (and
 * RULE_MIN_PX pixels) and at most RULE_MAX_THICK glyph heights thick are
 * ruled lines or box edges; "dark" is RULE_DARK_SHARE of the background
 * level or less, so a light gray rule blurred by a rotation still counts
 */
#define RULE_MIN_GLYPHS		2.0
#define RULE_MIN_PX			24
#define RULE_MAX_THICK		0.2
#define RULE_DARK_SHARE		0.85

List *
prep_parse_steps(ArrayType *steps)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				s;
	List	   *result = NIL;

	deconstruct_array(steps, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		char	   *name = nulls[i] ? NULL : TextDatumGetCString(elems[i]);

		for (s = 0; s < NUM_STEPS; s++)
			if (name && strcmp(name, step_names[s]) == 0)
				break;
		if (s == NUM_STEPS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown preprocessing step \"%s\"", name ? name : "NULL"),
					 errhint("Valid steps are: " PREP_STEP_NAMES ".")));
		result = lappend_int(result, s);
	}
	return result;
}

void
prep_init(Prep *p, PIX *pix)
{
	p->pix = pix;
	p->fwd = affine_identity();
	p->orig_w = pixGetWidth(pix);
	p->orig_h = pixGetHeight(pix);
	p->applied = NIL;
}

void
prep_free(Prep *p)
{
	if (p->pix)
		pixDestroy(&p->pix);
}

/*
 * Takes ownership of next as the current image; ERROR if a step failed.
 * Steps measure the image first and never ask leptonica for what the image
 * cannot give (a crop of nothing, a scale past the pixel limit), so a NULL
 * here is leptonica failing on a valid request: out of memory or a bug,
 * not bad input.  Its message goes into the DETAIL.
 */
static void
prep_replace(Prep *p, PIX *next, PrepStep step)
{
	if (next == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("preprocessing step \"%s\" failed", step_names[step]),
				 imgtrans_lept_errdetail(),
				 errhint("Try the image without this step.")));
	if (next != p->pix)
	{
		pixDestroy(&p->pix);
		p->pix = next;
	}
	p->applied = lappend(p->applied, (char *) step_names[step]);
}

static void
prep_moved(Prep *p, Affine m)
{
	p->fwd = affine_then(&p->fwd, &m);
}

/* 8 bpp gray copy of any image; caller destroys it. */
static PIX *
gray_of(PIX *pix)
{
	return pixConvertTo8(pix, 0);
}

/* Skew angle (degrees, clockwise positive as leptonica) and confidence. */
static bool
find_skew(PIX *pix, float *angle, float *conf)
{
	PIX		   *bin = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 130);
	float		endscore;
	int			rc;

	*angle = 0;
	*conf = 0;
	if (bin == NULL)
		return false;
	rc = pixFindSkewSweepAndSearchScore(bin, angle, conf, &endscore, 4, 2, 0.0,
										SKEW_SWEEP_RANGE, SKEW_SWEEP_DELTA, 0.01);
	pixDestroy(&bin);
	return rc == 0;
}

static void
step_deskew(Prep *p, float angle)
{
	double		rad = angle * M_PI / 180.0;
	int			w = pixGetWidth(p->pix),
				h = pixGetHeight(p->pix);

	prep_replace(p, pixRotate(p->pix, rad, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0),
				 STEP_DESKEW);
	prep_moved(p, affine_rotate_center(rad, w, h));
}

static void
step_orient(Prep *p, const OsdResult *r)
{
	int			quads = r->rotate / 90;
	int			w = pixGetWidth(p->pix),
				h = pixGetHeight(p->pix);

	if (quads == 0)
		return;
	prep_replace(p, pixRotateOrth(p->pix, quads), STEP_ORIENT);
	prep_moved(p, affine_rotate_orth(quads, w, h));
}

/* Median height of glyph-sized connected components, or 0. */
static double
median_glyph_height(PIX *pix)
{
	PIX		   *bin = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 130);
	BOXA	   *boxa;
	NUMA	   *heights;
	float		median = 0;
	int			i,
				n,
				w = pixGetWidth(pix),
				h = pixGetHeight(pix);

	if (bin == NULL)
		return 0;
	boxa = pixConnCompBB(bin, 8);
	pixDestroy(&bin);
	if (boxa == NULL)
		return 0;
	heights = numaCreate(0);
	n = boxaGetCount(boxa);
	for (i = 0; i < n; i++)
	{
		int			bx,
					by,
					bw,
					bh;

		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		if (bh >= 4 && bh < h / 4 && bw < w / 4)
			numaAddNumber(heights, bh);
	}
	if (numaGetCount(heights) >= 5)
		numaGetMedian(heights, &median);
	numaDestroy(&heights);
	boxaDestroy(&boxa);
	return median;
}

static void
step_scale(Prep *p, double glyph)
{
	double		s;
	PIX		   *next;

	if (glyph <= 0 || glyph >= SCALE_BELOW_HEIGHT)
		return;
	s = Min(SCALE_MAX, SCALE_TARGET_HEIGHT / glyph);
	/* the result must pass the limits the decoded image passed */
	if ((double) pixGetWidth(p->pix) * s > TESSERACT_MAX_SIDE ||
		(double) pixGetHeight(p->pix) * s > TESSERACT_MAX_SIDE ||
		img_pixels_exceed((int64) (pixGetWidth(p->pix) * s + 0.5),
						  (int64) (pixGetHeight(p->pix) * s + 0.5),
						  imgtrans_max_image_pixels))
		return;
	next = pixScale(p->pix, s, s);
	if (next)
		pixScaleResolution(next, s, s);
	prep_replace(p, next, STEP_SCALE);
	prep_moved(p, affine_scale(s));
}

/* Rows/columns of dark scan border on each side: left, top, right, bottom. */
static void
find_border(PIX *pix, int *l, int *t, int *r, int *b)
{
	PIX		   *bin = pixConvertTo1(pix, 100);
	NUMA	   *rows,
			   *cols;
	int			w = pixGetWidth(pix),
				h = pixGetHeight(pix);

	*l = *t = *r = *b = 0;
	if (bin == NULL)
		return;
	rows = pixCountPixelsByRow(bin, NULL);
	cols = pixCountPixelsByColumn(bin);
	pixDestroy(&bin);
	if (rows && cols)
	{
		l_int32		v;

		/*
		 * At most a quarter of each side, rounded down: "*t < h * share"
		 * let a 1-pixel-high dark image lose its one row at the top and
		 * again at the bottom, a crop of -1 rows that leptonica refused.
		 */
		int			max_h = (int) (h * BORDER_MAX_SHARE),
					max_w = (int) (w * BORDER_MAX_SHARE);

		while (*t < max_h && numaGetIValue(rows, *t, &v) == 0 && v > w * BORDER_DARK_SHARE)
			(*t)++;
		while (*b < max_h && numaGetIValue(rows, h - 1 - *b, &v) == 0 && v > w * BORDER_DARK_SHARE)
			(*b)++;
		while (*l < max_w && numaGetIValue(cols, *l, &v) == 0 && v > h * BORDER_DARK_SHARE)
			(*l)++;
		while (*r < max_w && numaGetIValue(cols, w - 1 - *r, &v) == 0 && v > h * BORDER_DARK_SHARE)
			(*r)++;
	}
	numaDestroy(&rows);
	numaDestroy(&cols);
}

static void
step_border(Prep *p)
{
	int			l,
				t,
				r,
				b;
	BOX		   *box;
	PIX		   *next;

	find_border(p->pix, &l, &t, &r, &b);
	if (l + t + r + b == 0)
		return;
	box = boxCreate(l, t, pixGetWidth(p->pix) - l - r, pixGetHeight(p->pix) - t - b);
	next = pixClipRectangle(p->pix, box, NULL);
	boxDestroy(&box);
	prep_replace(p, next, STEP_BORDER);
	prep_moved(p, affine_translate(-l, -t));
}

static PIX *
binarize(PIX *pix, PrepStep step)
{
	PIX		   *g = gray_of(pix);
	PIX		   *out = NULL;
	int			w,
				h,
				whsize;

	if (g == NULL)
		return NULL;
	w = pixGetWidth(g);
	h = pixGetHeight(g);
	/* Sauvola's window must fit the image: 2 * whsize + 3 <= each side */
	whsize = Min(25, (Min(w, h) - 3) / 2);
	if (step == STEP_OTSU || whsize < 2)
		pixOtsuAdaptiveThreshold(g, Max(16, w / 3), Max(16, h / 3), 1, 1, 0.1, NULL, &out);
	else
		pixSauvolaBinarizeTiled(g, whsize, 0.35, Max(1, w / 1000), Max(1, h / 1000), NULL, &out);
	pixDestroy(&g);
	return out;
}

static PIX *
denoise(PIX *pix)
{
	PIX		   *g;
	PIX		   *out;

	if (pixGetDepth(pix) == 1)
		return pixSelectBySize(pix, 2, 2, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, NULL);
	g = gray_of(pix);
	if (g == NULL)
		return NULL;
	out = pixMedianFilter(g, 3, 3);
	pixDestroy(&g);
	return out;
}

/* Opening by a brick of len along the direction and across it. */
static PIX *
open_along(PIX *bin, bool horizontal, int len, int across)
{
	return horizontal ? pixOpenBrick(NULL, bin, len, across) : pixOpenBrick(NULL, bin, across, len);
}

/*
 * Thin runs of at least len pixels along the direction, minus anything
 * thicker than thick pixels (panels, big glyph stems) and groups of parallel
 * runs closer than gap pixels (barcodes, hatching).
 */
static PIX *
thin_runs(PIX *bin, int len, int thick, int gap, bool horizontal)
{
	PIX		   *runs = open_along(bin, horizontal, len, 1);
	PIX		   *wide = open_along(bin, horizontal, len, thick + 1);
	PIX		   *near = runs ? (horizontal ? pixCloseBrick(NULL, runs, 1, gap) :
							   pixCloseBrick(NULL, runs, gap, 1)) : NULL;
	PIX		   *dense = near ? open_along(near, horizontal, 1, gap) : NULL;

	if (runs && wide && dense)
	{
		pixSubtract(runs, runs, wide);
		pixSubtract(runs, runs, dense);
	}
	else
		pixDestroy(&runs);
	pixDestroy(&wide);
	pixDestroy(&near);
	pixDestroy(&dense);
	return runs;
}

/* Mask of ruled lines and box edges in pix (8 bpp gray), or NULL if none. */
static PIX *
rule_mask(PIX *gray, l_uint32 background, double glyph)
{
	int			len = Max(RULE_MIN_PX, (int) (RULE_MIN_GLYPHS * glyph));
	int			thick = Max(2, (int) (RULE_MAX_THICK * glyph + 0.5));
	PIX		   *bin = pixConvertTo1(gray, (int) (RULE_DARK_SHARE * background));
	int			gap = Max(thick + 2, (int) glyph);
	PIX		   *h = bin ? thin_runs(bin, 2 * len, thick, gap, true) : NULL;
	PIX		   *v = bin ? thin_runs(bin, len, thick, gap, false) : NULL;
	PIX		   *mask = NULL;
	PIX		   *grown = NULL;
	l_int32		empty = 1;

	if (h && v)
		mask = pixOr(NULL, h, v);
	if (mask)
		pixZero(mask, &empty);
	if (mask && !empty)
		grown = pixDilateBrick(NULL, mask, 3, 3);
	pixDestroy(&mask);
	pixDestroy(&bin);
	pixDestroy(&h);
	pixDestroy(&v);
	return grown;
}

/* A copy of pix at 8 bpp gray or 32 bpp colour, without colormap. */
static PIX *
paintable_copy(PIX *pix)
{
	int			d = pixGetDepth(pix);

	if (pixGetColormap(pix))
		return pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
	if (d < 8)
		return pixConvertTo8(pix, 0);
	if (d == 8 || d == 32)
		return pixCopy(NULL, pix);
	return pixConvertTo32(pix);
}

/*
 * rules: paint ruled lines and box edges with the page's background (its
 * median), in the image's own colours; glyph is the median glyph height.
 * tesseract reads a box edge as "|", and after a rotation blurred them it
 * can drop the text between two rules.
 */
static void
step_rules(Prep *p, double glyph)
{
	PIX		   *gray = gray_of(p->pix);
	PIX		   *mask = NULL;
	PIX		   *next = NULL;
	l_uint32	gray_bg = 255,
				bg = 0;

	if (gray && glyph > 0 && pixGetRankValue(gray, 1, 0.5, &gray_bg) == 0)
		mask = rule_mask(gray, gray_bg, glyph);
	pixDestroy(&gray);
	if (mask == NULL)
		return;
	next = paintable_copy(p->pix);
	if (next && pixGetDepth(next) == 8)
		bg = gray_bg;
	else if (next && pixGetRankValue(next, 1, 0.5, &bg) != 0)
		pixDestroy(&next);
	if (next)
		pixSetMasked(next, mask, bg);
	pixDestroy(&mask);
	prep_replace(p, next, STEP_RULES);
}

/* Mean gray level, 0 (black) .. 255 (white). */
static double
mean_gray(PIX *pix)
{
	PIX		   *g = gray_of(pix);
	NUMA	   *hist;
	double		sum = 0,
				n = 0;
	int			i;

	if (g == NULL)
		return 255;
	hist = pixGetGrayHistogram(g, 4);
	pixDestroy(&g);
	if (hist == NULL)
		return 255;
	for (i = 0; i < 256; i++)
	{
		float		v;

		numaGetFValue(hist, i, &v);
		sum += v * i;
		n += v;
	}
	numaDestroy(&hist);
	return n > 0 ? sum / n : 255;
}

static void
step_invert(Prep *p)
{
	PIX		   *g = gray_of(p->pix);

	prep_replace(p, g ? pixInvert(NULL, g) : NULL, STEP_INVERT);
	if (g)
		pixDestroy(&g);
}

/*
 * auto: invert a dark page, crop dark borders, turn the page upright when
 * OSD is confident, remove skew, paint over ruled lines, and scale up small
 * type — each only when its measurement says so, so a clean upright scan
 * without rules passes unchanged.
 */
static void
step_auto(Prep *p)
{
	OsdResult	osd;
	float		angle,
				conf;
	double		glyph;
	l_int32		xres = 0,
				yres = 0;

	if (mean_gray(p->pix) < 100)
		step_invert(p);
	step_border(p);
	if (p->defer_orient)
		p->orient_pending = true;
	else
	{
		engine_osd(p->pix, &osd);
		if (osd.ok && osd.rotate != 0 && osd.orient_conf >= AUTO_ORIENT_CONF)
			step_orient(p, &osd);
	}
	if (find_skew(p->pix, &angle, &conf) && conf >= SKEW_MIN_CONF && fabs(angle) >= AUTO_SKEW_ANGLE)
		step_deskew(p, angle);
	/* rules keeps the geometry: one glyph measurement serves both steps */
	glyph = median_glyph_height(p->pix);
	step_rules(p, glyph);
	pixGetResolution(p->pix, &xres, &yres);
	if (xres < SCALE_AUTO_MAX_DPI)
		step_scale(p, glyph);
}

/*
 * The deferred half of auto: after a first recognition that found words
 * words with mean confidence mean_conf, turn the page if that was poor and
 * OSD finds it is not upright.  Returns true when the image changed
 * (recognise it again).
 */
bool
prep_orient_if_needed(Prep *p, int words, double mean_conf)
{
	OsdResult	osd;

	if (!p->orient_pending || words < AUTO_ORIENT_MIN_WORDS ||
		mean_conf >= AUTO_ORIENT_BELOW_CONF)
		return false;
	p->orient_pending = false;
	engine_osd(p->pix, &osd);
	if (!osd.ok || osd.rotate == 0 || osd.orient_conf < AUTO_ORIENT_CONF)
		return false;
	step_orient(p, &osd);
	return true;
}

static void
run_step(Prep *p, PrepStep step)
{
	OsdResult	osd;
	float		angle,
				conf;

	CHECK_FOR_INTERRUPTS();
	imgtrans_lept_error_clear();
	switch (step)
	{
		case STEP_GRAY:
			prep_replace(p, gray_of(p->pix), step);
			break;
		case STEP_OTSU:
		case STEP_SAUVOLA:
			prep_replace(p, binarize(p->pix, step), step);
			break;
		case STEP_DESKEW:
			if (find_skew(p->pix, &angle, &conf) && conf >= SKEW_MIN_CONF &&
				fabs(angle) >= SKEW_MIN_ANGLE)
				step_deskew(p, angle);
			break;
		case STEP_ORIENT:
			engine_osd(p->pix, &osd);
			if (osd.ok)
				step_orient(p, &osd);
			break;
		case STEP_SCALE:
			step_scale(p, median_glyph_height(p->pix));
			break;
		case STEP_DENOISE:
			prep_replace(p, denoise(p->pix), step);
			break;
		case STEP_BORDER:
			step_border(p);
			break;
		case STEP_INVERT:
			step_invert(p);
			break;
		case STEP_RULES:
			step_rules(p, median_glyph_height(p->pix));
			break;
		case STEP_AUTO:
			step_auto(p);
			break;
		case NUM_STEPS:
			break;
	}
}

void
prep_run(Prep *p, List *steps)
{
	ListCell   *lc;

	foreach(lc, steps)
		run_step(p, (PrepStep) lfirst_int(lc));
}

/* imgtrans_preprocess(image, steps) returns the processed image as PNG. */
Datum		imgtrans_preprocess_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_preprocess_impl(PG_FUNCTION_ARGS)
{
	bytea	   *image;
	List	   *steps;
	int			page = 1;
	int			dpi = 0;
	Prep		p = {0};
	l_uint8    *volatile png = NULL;
	size_t		size = 0;
	bytea	   *result = NULL;

	/* image, steps or page NULL gives NULL; dpi NULL is imgtrans.pdf_dpi */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || (PG_NARGS() > 2 && PG_ARGISNULL(2)))
		PG_RETURN_NULL();
	image = PG_GETARG_BYTEA_PP(0);
	steps = prep_parse_steps(PG_GETARG_ARRAYTYPE_P(1));
	if (PG_NARGS() > 2)
		page = PG_GETARG_INT32(2);
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		dpi = imgtrans_doc_check_dpi(PG_GETARG_INT32(3));

	PG_TRY();
	{
		prep_init(&p, imgtrans_doc_decode_page(image, page, dpi));
		prep_run(&p, steps);
		imgtrans_lept_error_clear();
		if (pixWriteMem((l_uint8 **) &png, &size, p.pix, IFF_PNG) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("could not encode the processed image as PNG"),
					 imgtrans_lept_errdetail()));
		result = palloc(VARHDRSZ + size);
		SET_VARSIZE(result, VARHDRSZ + size);
		memcpy(VARDATA(result), png, size);
	}
	PG_FINALLY();
	{
		prep_free(&p);
		if (png)
			lept_free(png);
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(result);
}

/* imgtrans_skew(image) returns (angle, confidence); angle in degrees. */
Datum		imgtrans_skew_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_skew_impl(PG_FUNCTION_ARGS)
{
	bytea	   *image = PG_GETARG_BYTEA_PP(0);
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	ImgHeader	hdr;
	PIX		   *pix = imgtrans_decode(image, &hdr);
	float		angle,
				conf;
	bool		found = find_skew(pix, &angle, &conf);

	pixDestroy(&pix);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	/* leptonica's angle is the correction; report the page's skew */
	values[0] = Float4GetDatum(-angle);
	values[1] = Float4GetDatum(conf);
	nulls[0] = nulls[1] = !found;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
