/*-------------------------------------------------------------------------
 * preprocess.c
 *	  Image preprocessing before OCR (engine module): gray, otsu, sauvola,
 *	  deskew, orient, scale, denoise, border, invert, rules, flatten, and
 *	  "auto", which measures the page once and applies a step only when a
 *	  measurement says the page needs it, or, where no measurement can
 *	  tell (up-scaling, turning, flattening a photo's uneven paper,
 *	  reading a page in the script OSD names with that script's model),
 *	  when a trial reading of the changed page (or in the other model)
 *	  reads better (prep_try_*, prep_trial_wins, run by ocr.c);
 *	  imgtrans_preprocess_plan() shows each decision with its measurements.
 *
 * A Prep owns the current image and the affine map from original to
 * current coordinates; every step replaces the image and composes its
 * map, so OCR boxes can be mapped back to the original image.
 *
 * Never ereport while holding an unowned PIX: a failed leptonica call is
 * reported after the intermediate is freed, and the caller frees p->pix.
 * Never let auto decide from a constant tuned to one image: each threshold
 * here is stated with the mechanism that makes it hold on unseen pages, and
 * bench/accuracy.sh checks the whole dev set.  Never measure a large scan
 * at full size (MEASURE_MAX_PIXELS).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "document/document.h"
#include "image/glyphs.h"
#include "ocr/engine.h"
#include "imgtrans.h"
#include "ocr/ocrargs.h"
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
	STEP_FLATTEN,
	STEP_AUTO,
	NUM_STEPS
} PrepStep;

/* in the order of ocr_prep_step_names (ocrargs.c), which job options are checked against */
StaticAssertDecl(NUM_STEPS == OCR_NUM_PREP_STEPS, "PrepStep and ocr_prep_step_names differ");

/* Skew search: +-15 degrees, refined to 0.01; leptonica's own thresholds. */
#define SKEW_SWEEP_RANGE	15.0
#define SKEW_SWEEP_DELTA	0.5
#define SKEW_MIN_CONF		3.0
#define SKEW_MIN_ANGLE		0.1
/*
 * auto: deskew from AUTO_SKEW_ANGLE on (tesseract's line finder follows a
 * slope of a degree or two by itself, and the rotation's resampling blurs
 * every glyph: a form turned back by 0.36 degrees lost a sixth of its
 * words), and only a page with at least
 * AUTO_SKEW_MIN_LINES text lines: leptonica scores how well many lines
 * align, and on one or two lines its peak is flat, while tesseract reads a
 * slightly sloped single line by itself.  Orient from this OSD confidence
 * on, and when recognising, only pages whose first pass has a mean word
 * confidence below AUTO_OSD_BELOW_CONF (an upright page does not pay
 * for OSD); the turned page is kept only if it reads with a higher mean
 * confidence than the page as it came.  The same OSD names the page's
 * script: a page read with a model of another script reads with a mean
 * confidence of 53-67 (Russian and a blackletter page with eng; the two
 * Fraktur book pages of the dev set 59.8 and 65.0), clean pages in their
 * own script over 90, so the line is 70 (and receipts and forms between
 * 60 and 70 pay for an OSD that finds nothing to do: about 0.2 s).
 */
#define AUTO_SKEW_ANGLE		1.0
#define AUTO_SKEW_MIN_LINES	3
#define AUTO_ORIENT_CONF	2.0
#define AUTO_OSD_BELOW_CONF	70
/*
 * auto measures on a copy of at most MEASURE_MAX_PIXELS (a 35-megapixel
 * scan is measured at about a ninth of its size: glyph heights and skew do
 * not need more, and full-size morphology would cost more than the OCR).
 */
#define MEASURE_MAX_PIXELS	4000000.0
/*
 * scale (the explicit step): glyphs (median connected-component height)
 * under SCALE_BELOW_HEIGHT pixels are brought up to SCALE_TARGET_HEIGHT;
 * auto tries an up-scale instead (AUTO_SCALE_*).  Glyphs over
 * SCALE_DOWN_ABOVE pixels (600-dpi scans of ordinary print) are brought
 * down to SCALE_DOWN_TARGET by auto: tesseract's recogniser scales every
 * text line to a 36 px height anyway, so larger glyphs only cost time in
 * its page layout and binarisation.
 */
#define SCALE_TARGET_HEIGHT	24.0
#define SCALE_BELOW_HEIGHT	8.5
#define SCALE_MAX			4.0
#define SCALE_DOWN_ABOVE	40.0
#define SCALE_DOWN_TARGET	32.0
/*
 * auto, up-scaling: a trial, not a rule.  Scaling changes how tesseract's
 * layout analysis groups a page (blocks merged or dropped, scan noise
 * magnified into blobs it takes for text), so the same 8 px measurement
 * reads better scaled on one form and worse on the next, and no
 * measurement of the image alone tells which.  So a page whose median
 * glyph is under AUTO_SCALE_TRY_BELOW px (the median component lies
 * between x-height and cap height, so an x-height of about 7 px or less,
 * where tesseract starts to drop words; the receipts of 11-16 px read no
 * better at any scale) is recognised as it came, and
 * only if that first pass found at least AUTO_TRIAL_MIN_WORDS words (a
 * scene photo where tesseract finds no text is not made larger for
 * nothing) is it recognised again scaled by the smallest whole factor
 * (2 to SCALE_MAX) that brings the glyphs to AUTO_SCALE_MIN_HEIGHT px
 * (whole factors resample every stroke alike); the scaled reading is
 * kept only if it reads more characters in words of confidence >=
 * PREP_SURE_CONF, by more than AUTO_SCALE_MIN_GAIN: a new segmentation
 * moves a few characters either way (a 150-dpi receipt scaled x2 read 2
 * more of 283, and 6 CER points worse), while every gain on the dev set
 * was 10 % or more.  Not the mean confidence: a pass that drops half the
 * words of a form is read with a higher mean confidence.  The second
 * pass runs on a second engine, so a reading that loses costs one pass,
 * not two.
 */
#define AUTO_SCALE_TRY_BELOW	10.0
#define AUTO_SCALE_MIN_HEIGHT	16.0
#define AUTO_SCALE_MIN_GAIN		1.05
#define AUTO_TRIAL_MIN_WORDS	3
/*
 * auto, rules: not on a photo, i.e. a page whose paper level varies by more
 * than AUTO_PHOTO_SPREAD gray levels (a quarter of the range; scans and
 * flat-lit page photos vary by a few dozen): a photo's texture, a table's
 * grain or a scene's edges make thin dark runs that meet at corners, and
 * painting them over only changes what tesseract reads in the texture.
 */
#define AUTO_PHOTO_SPREAD	64
/* border: rows/columns darker than this share of their pixels are border */
#define BORDER_DARK_SHARE	0.5
#define BORDER_MAX_SHARE	0.25
/*
 * rules: dark runs at least RULE_MIN_GLYPHS glyph heights long, RULE_MIN_PX
 * pixels, and RULE_MIN_TALL times the height of the page's tallest glyphs
 * (their 90th percentile: capitals, ascenders, brackets, a Fraktur long s),
 * and at most RULE_MAX_THICK glyph heights thick, are ruled lines or box
 * edges.  A letter's stroke is never longer than its letter, so the stem of
 * an "l", a bracket or a long s is never taken for a rule, however thin the
 * font.  "Dark" is RULE_DARK_SHARE of the background level or less, so a
 * light gray rule blurred by a rotation still counts.
 */
#define RULE_MIN_GLYPHS		2.0
#define RULE_MIN_PX			24
#define RULE_MIN_TALL		1.5
#define RULE_MAX_THICK		0.2
#define RULE_DARK_SHARE		0.85
#define RULE_MIN_CORNERS	4
#define RULE_FREE_TALL		3.0

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

		s = ocr_prep_step(name);
		if (s < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown preprocessing step \"%s\"", name ? name : "NULL"),
					 errhint("Valid steps are: " OCR_PREP_STEP_NAMES ".")));
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
	p->decisions = NIL;
	p->trial_saved = NULL;
	p->orient_pending = false;
	p->script_pending = false;
	p->scale_pending = 0;
	p->flatten_pending = false;
	p->lang = NULL;
	p->osd_ran = false;
	p->osd_script = NULL;
}

void
prep_free(Prep *p)
{
	if (p->pix)
		pixDestroy(&p->pix);
	if (p->trial_saved)
		pixDestroy(&p->trial_saved);
}

/*
 * Records what auto decided about step and why: reason is a sentence with
 * the measurements and thresholds; json the measurements as an object.
 */
static void
decide(Prep *p, const char *step, bool applied, char *reason, char *json)
{
	PrepDecision *d = palloc(sizeof(PrepDecision));

	d->step = step;
	d->applied = applied;
	d->reason = reason;
	d->measurements = json;
	p->decisions = lappend(p->decisions, d);
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
				 errmsg("preprocessing step \"%s\" failed", ocr_prep_step_names[step]),
				 imgtrans_lept_errdetail(),
				 errhint("Try the image without this step.")));
	if (next != p->pix)
	{
		pixDestroy(&p->pix);
		p->pix = next;
	}
	p->applied = lappend(p->applied, (char *) ocr_prep_step_names[step]);
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

/*
 * flatten: the paper brought to one level (leptonica's background
 * normalisation on the gray image: the local paper level, text filled in,
 * mapped to a constant), for a photo lit unevenly or a crumpled page,
 * where tesseract's global threshold loses the text in the shadows.
 */
static PIX *
flatten(PIX *pix)
{
	PIX		   *g = gray_of(pix);
	PIX		   *out;

	if (g == NULL)
		return NULL;
	out = pixBackgroundNormSimple(g, NULL, NULL);
	pixDestroy(&g);
	return out;
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

/*
 * Rotates by angle about the centre on a canvas grown (with white) to hold
 * the whole turned page: on the same canvas a long line's ends, or a
 * page's corners, were cut off.
 */
static void
step_deskew(Prep *p, float angle)
{
	double		rad = angle * M_PI / 180.0;
	int			w = pixGetWidth(p->pix),
				h = pixGetHeight(p->pix);
	int			px = (int) ceil((w * cos(rad) + h * fabs(sin(rad)) - w) / 2),
				py = (int) ceil((w * fabs(sin(rad)) + h * cos(rad) - h) / 2);
	PIX		   *padded,
			   *rotated;

	px = Max(px, 0);
	py = Max(py, 0);
	padded = pixAddBlackOrWhiteBorder(p->pix, px, px, py, py, L_GET_WHITE_VAL);
	rotated = padded ? pixRotate(padded, rad, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0) : NULL;
	pixDestroy(&padded);
	prep_replace(p, rotated, STEP_DESKEW);
	prep_moved(p, affine_translate(px, py));
	prep_moved(p, affine_rotate_center(rad, w + 2 * px, h + 2 * py));
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

static bool scale_by(Prep *p, double s);

/*
 * The values at ranks 0.5 and 0.9 of heights (whole pixel counts), as
 * numaGetMedian()/numaGetRankValue() give them (the sorted array's element
 * (int) (fract * (n - 1) + 0.5)), by counting: leptonica sorts with a shell
 * sort, which took minutes on the million components of a 49-megapixel
 * noise image, deaf to cancel.  n must be > 0.
 */
static void
height_ranks(NUMA *heights, float *median, float *tall)
{
	int			n = numaGetCount(heights);
	int			maxv = 0;
	int		   *counts;
	int			i,
				v,
				seen;
	int			want[2];
	float	   *out[2];

	for (i = 0; i < n; i++)
	{
		int			h;

		numaGetIValue(heights, i, &h);
		maxv = Max(maxv, h);
	}
	counts = palloc0(sizeof(int) * (maxv + 1));
	for (i = 0; i < n; i++)
	{
		int			h;

		numaGetIValue(heights, i, &h);
		counts[Max(h, 0)]++;
	}
	want[0] = (int) (0.5f * (float) (n - 1) + 0.5);
	want[1] = (int) (0.9f * (float) (n - 1) + 0.5);
	out[0] = median;
	out[1] = tall;
	for (i = 0; i < 2; i++)
	{
		seen = 0;
		for (v = 0; v <= maxv; v++)
		{
			seen += counts[v];
			if (seen > want[i])
				break;
		}
		*out[i] = (float) Min(v, maxv);
	}
	pfree(counts);
}

static void glyph_heights(PIX *pix, double *median, double *tall);

/* Median height of glyph-sized connected components, or 0. */
static double
median_glyph_height(PIX *pix)
{
	double		median,
				tall;

	glyph_heights(pix, &median, &tall);
	return median;
}

/*
 * Median and 90th-percentile height of the glyph-sized connected
 * components, at the fixed threshold the explicit steps always used; 0 when
 * there are fewer than 5.
 */
static void
glyph_heights(PIX *pix, double *median_out, double *tall_out)
{
	PIX		   *bin = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 130);
	BOXA	   *boxa;
	NUMA	   *heights;
	float		median = 0,
				tall = 0;
	int			i,
				n,
				w = pixGetWidth(pix),
				h = pixGetHeight(pix);

	*median_out = *tall_out = 0;
	if (bin == NULL)
		return;
	boxa = pixConnCompBB(bin, 8);
	pixDestroy(&bin);
	if (boxa == NULL)
		return;
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
	CHECK_FOR_INTERRUPTS();
	if (numaGetCount(heights) >= 5)
		height_ranks(heights, &median, &tall);
	numaDestroy(&heights);
	boxaDestroy(&boxa);
	*median_out = median;
	*tall_out = tall;
}

/* Scale factor for small type (> 1), or 1. */
static double
upscale_for(double glyph)
{
	if (glyph <= 0 || glyph >= SCALE_BELOW_HEIGHT)
		return 1.0;
	return Min(SCALE_MAX, SCALE_TARGET_HEIGHT / glyph);
}

/*
 * auto's candidate factor for glyphs of the given height: the smallest
 * whole factor from 2 that brings them to AUTO_SCALE_MIN_HEIGHT px, at
 * most SCALE_MAX.
 */
static double
auto_upscale_for(double glyph)
{
	return Min(SCALE_MAX, Max(2.0, ceil(AUTO_SCALE_MIN_HEIGHT / glyph)));
}

static void
step_scale(Prep *p, double glyph)
{
	double		s = upscale_for(glyph);

	if (s > 1.0)
		scale_by(p, s);
}

/* Scales by s, unless the result would pass the decode limits. */
static bool
scale_by(Prep *p, double s)
{
	PIX		   *next;

	/* the result must pass the limits the decoded image passed */
	if ((double) pixGetWidth(p->pix) * s > TESSERACT_MAX_SIDE ||
		(double) pixGetHeight(p->pix) * s > TESSERACT_MAX_SIDE ||
		img_pixels_exceed((int64) (pixGetWidth(p->pix) * s + 0.5),
						  (int64) (pixGetHeight(p->pix) * s + 0.5),
						  imgtrans_max_image_pixels))
		return false;
	/*
	 * Down, area mapping: each pixel the mean of those it covers, which is
	 * what a smaller scan would have seen; pixScale's linear interpolation
	 * and unsharp masking cost a 35-megapixel scan 0.6 s more and sharpen
	 * nothing tesseract needs.  Up (and 1-bit or colormapped pages, which
	 * area mapping does not take), pixScale.  Both scale the resolution.
	 */
	if (s < 1.0 && pixGetColormap(p->pix) == NULL &&
		(pixGetDepth(p->pix) == 8 || pixGetDepth(p->pix) == 32))
		next = pixScaleAreaMap(p->pix, s, s);
	else
		next = pixScale(p->pix, s, s);
	prep_replace(p, next, STEP_SCALE);
	prep_moved(p, affine_scale(s));
	return true;
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
 * thicker than thick pixels (panels, big glyph stems) or within gap pixels
 * of such, and groups of parallel
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

	/*
	 * near a panel too: inside a dark banner the dark gaps between its
	 * light letters are thin dark runs as tall as the banner
	 */
	if (wide)
		pixDilateBrick(wide, wide, 2 * gap + 1, 2 * gap + 1);
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
rule_mask(PIX *gray, l_uint32 background, double glyph, double tall, int *nvert, int *nhoriz,
		  int *ncorners)
{
	int			len = Max(Max(RULE_MIN_PX, (int) (RULE_MIN_GLYPHS * glyph)),
						  (int) (RULE_MIN_TALL * tall));
	int			thick = Max(2, (int) (RULE_MAX_THICK * glyph + 0.5));
	PIX		   *bin = pixConvertTo1(gray, (int) (RULE_DARK_SHARE * background));
	int			gap = Max(thick + 2, (int) glyph);
	PIX		   *h = bin ? thin_runs(bin, 2 * len, thick, gap, true) : NULL;
	PIX		   *v = bin ? thin_runs(bin, len, thick, gap, false) : NULL;
	PIX		   *mask = NULL;
	PIX		   *grown = NULL;
	l_int32		empty = 1;

	/*
	 * Only a page with ruled boxes has its rules painted: at least one
	 * box's worth of corners (RULE_MIN_CORNERS) where a horizontal and a
	 * vertical rule meet.  In a box tesseract reads the edge as "|" and can
	 * drop the text between two rules; a receipt's separators and
	 * underlines, a paper edge, a photo's texture make long thin runs too,
	 * but rarely corners, and painting those only moved tesseract's
	 * reading order (dev set: receipts +3 to +11 CER points).
	 */
	*nvert = *nhoriz = *ncorners = 0;
	if (v)
		pixCountConnComp(v, 8, nvert);
	if (h)
		pixCountConnComp(h, 8, nhoriz);
	if (h && v)
	{
		/* where a horizontal and a vertical rule meet or cross */
		PIX		   *hg = pixDilateBrick(NULL, h, thick + 4, thick + 4);
		PIX		   *vg = pixDilateBrick(NULL, v, thick + 4, thick + 4);

		if (hg && vg && pixAnd(hg, hg, vg))
			pixCountConnComp(hg, 8, ncorners);
		pixDestroy(&hg);
		pixDestroy(&vg);
	}
	if (h && v && *ncorners >= RULE_MIN_CORNERS)
	{
		/*
		 * A vertical run is a box edge where it meets a horizontal rule, a
		 * table's column where it is longer than RULE_FREE_TALL tallest
		 * glyphs; otherwise it is a headline letter's stem (a "I" taller
		 * than the page's usual glyphs), and stays.
		 */
		PIX		   *hg = pixDilateBrick(NULL, h, thick + 4, thick + 4);
		PIX		   *seed = hg ? pixAnd(NULL, v, hg) : NULL;
		PIX		   *edges = seed ? pixSeedfillBinary(NULL, seed, v, 8) : NULL;
		PIX		   *columns = pixOpenBrick(NULL, v, 1, Max(len, (int) (RULE_FREE_TALL * tall)));

		if (edges && columns)
		{
			pixOr(edges, edges, columns);
			mask = pixOr(NULL, h, edges);
		}
		pixDestroy(&hg);
		pixDestroy(&seed);
		pixDestroy(&edges);
		pixDestroy(&columns);
	}
	empty = 1;
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
 * The paper's gray level: the median of the pixels lighter than the
 * threshold halfway between mean ink and mean paper.  Not the median of
 * the whole image, which in a photo of a receipt is the table around it.
 */
static bool
paper_level(PIX *gray, l_uint32 *level)
{
	NUMA	   *hist = pixGetGrayHistogram(gray, 2);
	l_int32		fg = 0,
				bg = 0,
				thresh = 0;
	double		total = 0,
				acc = 0;
	int			i;

	if (hist == NULL)
		return false;
	if (pixSplitDistributionFgBg(gray, 0.0, 2, NULL, &fg, &bg, NULL) == 0 && bg > fg)
		thresh = (fg + bg + 1) / 2;
	for (i = thresh; i < 256; i++)
	{
		float		v;

		numaGetFValue(hist, i, &v);
		total += v;
	}
	*level = 255;
	for (i = thresh; i < 256 && total > 0; i++)
	{
		float		v;

		numaGetFValue(hist, i, &v);
		acc += v;
		if (acc >= total / 2)
		{
			*level = i;
			break;
		}
	}
	numaDestroy(&hist);
	return total > 0;
}

/*
 * How far the paper's gray level varies across the page: the 5th to 95th
 * percentile of leptonica's background map (the local paper level, tiles
 * of 32 px, text filled in), in gray levels.  A scan or a flat-lit
 * photo of a page varies by a few dozen levels at most; a scene, a photo
 * with a table around the page or strong shading by far more.
 */
static int
paper_spread(PIX *gray)
{
	PIX		   *map = NULL;
	NUMA	   *levels;
	float		lo = 0,
				hi = 0;
	int			x,
				y;

	if (pixGetBackgroundGrayMap(gray, NULL, 32, 32, 60, 40, &map) != 0 || map == NULL)
		return 0;
	levels = numaCreate(0);
	for (y = 0; y < pixGetHeight(map); y++)
		for (x = 0; x < pixGetWidth(map); x++)
		{
			l_uint32	v;

			pixGetPixel(map, x, y, &v);
			numaAddNumber(levels, v);
		}
	numaGetRankValue(levels, 0.05, NULL, 0, &lo);
	numaGetRankValue(levels, 0.95, NULL, 0, &hi);
	numaDestroy(&levels);
	pixDestroy(&map);
	return (int) (hi - lo);
}

/*
 * rules: paint ruled lines and box edges with the page's background (its
 * median colour), in the image's own colours; glyph is the median glyph height.
 * tesseract reads a box edge as "|", and after a rotation blurred them it
 * can drop the text between two rules.  photo (auto's measurement): the
 * runs are a photo's texture, nothing is painted.
 */
static bool
step_rules(Prep *p, double glyph, double tall, int *nvert, int *nhoriz, int *ncorners,
		   bool photo)
{
	PIX		   *gray = gray_of(p->pix);
	PIX		   *mask = NULL;
	PIX		   *next = NULL;
	l_uint32	gray_bg = 255,
				bg = 0;
	int			w = pixGetWidth(p->pix),
				h = pixGetHeight(p->pix);
	double		f = 1.0;

	/* a large scan is searched at reduced size, the mask scaled back */
	if (gray && (double) w * h > MEASURE_MAX_PIXELS)
	{
		PIX		   *small;

		f = sqrt(MEASURE_MAX_PIXELS / ((double) w * h));
		small = pixScaleAreaMap(gray, f, f);
		pixDestroy(&gray);
		gray = small;
	}
	if (gray && glyph > 0 && paper_level(gray, &gray_bg))
		mask = rule_mask(gray, gray_bg, glyph * f, tall * f, nvert, nhoriz, ncorners);
	if (mask && photo)
		pixDestroy(&mask);
	pixDestroy(&gray);
	if (mask && f < 1.0)
	{
		PIX		   *full = pixScaleToSize(mask, w, h);

		pixDestroy(&mask);
		mask = full;
	}
	if (mask == NULL)
		return false;
	next = paintable_copy(p->pix);
	if (next && pixGetDepth(next) == 8)
		bg = gray_bg;
	else if (next && pixGetRankValue(next, 1, 0.5, &bg) != 0)
		pixDestroy(&next);
	if (next)
		pixSetMasked(next, mask, bg);
	pixDestroy(&mask);
	prep_replace(p, next, STEP_RULES);
	return true;
}

static void
step_invert(Prep *p)
{
	PIX		   *g = gray_of(p->pix);

	prep_replace(p, g ? pixInvert(NULL, g) : NULL, STEP_INVERT);
	if (g)
		pixDestroy(&g);
}

/* What auto measures about a page, in the current image's pixels. */
typedef struct PageStats
{
	double		reduce;			/* measured on a copy scaled by this (<= 1) */
	int			ink_threshold;	/* gray level that splits ink from paper */
	int			glyphs;			/* glyph-sized connected components */
	double		glyph;			/* their median height */
	double		tall;			/* their 90th-percentile height */
	int			lines;			/* text lines (rows of glyphs) */
	bool		skew_found;
	float		skew,
				skew_conf;
	int			xres;			/* declared dpi, 0 if none */
	bool		light_on_dark;	/* measured on the negative: light ink */
	int			spread;			/* paper_spread() */
} PageStats;

/*
 * Text lines: glyph centres, taken along the measured skew (angle, the
 * correction in degrees as leptonica gives it, so that a skewed page's
 * lines do not smear into one another), binned by half a glyph height; a
 * line is a run of consecutive bins holding at least two glyphs.
 */
static int
count_text_lines(BOXA *glyphs, double glyph, double angle)
{
	int			bin = Max(1, (int) (glyph / 2));
	double		slope = tan(angle * M_PI / 180.0);
	int			i,
				lines = 0,
				lo = INT_MAX,
				hi = INT_MIN,
				n = boxaGetCount(glyphs);
	int		   *ys = palloc(sizeof(int) * Max(n, 1));
	int		   *count;
	bool		in_line = false;

	for (i = 0; i < n; i++)
	{
		int			bx,
					by,
					bw,
					bh;

		boxaGetBoxGeometry(glyphs, i, &bx, &by, &bw, &bh);
		ys[i] = (int) floor((by + bh / 2.0 + (bx + bw / 2.0) * slope) / bin);
		lo = Min(lo, ys[i]);
		hi = Max(hi, ys[i]);
	}
	if (n == 0)
	{
		pfree(ys);
		return 0;
	}
	count = palloc0(sizeof(int) * (hi - lo + 1));
	for (i = 0; i < n; i++)
		count[ys[i] - lo]++;
	for (i = 0; i <= hi - lo; i++)
	{
		if (count[i] >= 2 && !in_line)
			lines++;
		in_line = count[i] >= 2;
	}
	pfree(count);
	pfree(ys);
	return lines;
}

/*
 * Measures the page on an 8 bpp copy of at most MEASURE_MAX_PIXELS: ink
 * threshold from the page's own gray distribution (a fixed level misses the
 * light ink of a faded thermal receipt, whose glyphs then break into
 * fragments that look like tiny type), glyph heights, text lines, skew.
 */
static void
measure_page(PIX *pix, PageStats *st)
{
	PIX		   *g = gray_of(pix);
	PIX		   *r = NULL,
			   *bin = NULL;
	BOXA	   *boxa = NULL,
			   *glyphs = NULL;
	NUMA	   *heights = NULL;
	double		npix = (double) pixGetWidth(pix) * pixGetHeight(pix);
	l_int32		dark = 0,
				thresh,
				xres = 0,
				yres = 0;
	int			i,
				w,
				h;

	memset(st, 0, sizeof(*st));
	st->reduce = 1.0;
	pixGetResolution(pix, &xres, &yres);
	st->xres = Max(xres, 0);
	if (g == NULL)
		return;
	if (npix > MEASURE_MAX_PIXELS)
	{
		st->reduce = sqrt(MEASURE_MAX_PIXELS / npix);
		r = pixScaleAreaMap(g, st->reduce, st->reduce);
		pixDestroy(&g);
	}
	else
		r = g;
	if (r == NULL)
		return;
	thresh = imgtrans_ink_threshold(r);
	st->ink_threshold = thresh;
	st->spread = paper_spread(r);
	bin = pixThresholdToBinary(r, thresh);
	w = pixGetWidth(r);
	h = pixGetHeight(r);
	pixDestroy(&r);
	if (bin == NULL)
		return;
	/*
	 * Light text on a dark ground (a banner, a negative): its dark
	 * components are the letters' counters and the gaps between them, so
	 * the page looked like tiny type.  The ink is the polarity with more
	 * glyph-sized components: letters outnumber their counters, and a
	 * photo's dark table around a light receipt is one large component.
	 * Only asked where dark pixels are the majority (ink never is).
	 */
	boxa = pixConnCompBB(bin, 8);
	if (pixCountPixels(bin, &dark, NULL) == 0 && dark > (l_int32) ((double) w * h / 2))
	{
		PIX		   *neg = pixInvert(NULL, bin);
		BOXA	   *nboxa = neg ? pixConnCompBB(neg, 8) : NULL;

		if (nboxa && boxa &&
			imgtrans_count_glyph_sized(nboxa, w, h, st->reduce) > imgtrans_count_glyph_sized(boxa, w, h, st->reduce))
		{
			boxaDestroy(&boxa);
			boxa = nboxa;
			nboxa = NULL;
			pixDestroy(&bin);
			bin = neg;
			neg = NULL;
			st->light_on_dark = true;
		}
		boxaDestroy(&nboxa);
		pixDestroy(&neg);
	}
	heights = numaCreate(0);
	glyphs = boxaCreate(0);
	for (i = 0; boxa && i < boxaGetCount(boxa); i++)
	{
		int			bx,
					by,
					bw,
					bh;

		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		if (imgtrans_glyph_sized(bw, bh, w, h, st->reduce))
		{
			numaAddNumber(heights, bh);
			boxaAddBox(glyphs, boxaGetBox(boxa, i, L_CLONE), L_INSERT);
		}
	}
	{
		float		endscore;

		st->skew_found = pixFindSkewSweepAndSearchScore(bin, &st->skew, &st->skew_conf, &endscore,
														4, 2, 0.0, SKEW_SWEEP_RANGE,
														SKEW_SWEEP_DELTA, 0.01) == 0;
	}
	st->glyphs = numaGetCount(heights);
	if (st->glyphs >= 5)
	{
		float		med,
					tall;

		height_ranks(heights, &med, &tall);
		st->lines = count_text_lines(glyphs, med,
									 st->skew_found && st->skew_conf >= SKEW_MIN_CONF ? st->skew : 0);
		st->glyph = med / st->reduce;
		st->tall = tall / st->reduce;
	}
	numaDestroy(&heights);
	boxaDestroy(&boxa);
	boxaDestroy(&glyphs);
	pixDestroy(&bin);
}

/*
 * auto's rules step on the image scaled by s since measuring, with its
 * decision: not on a photo (AUTO_PHOTO_SPREAD, measured with the page).
 */
static void
auto_rules(Prep *p, const PageStats *st, double s)
{
	int			nv = 0,
				nh = 0,
				nc = 0,
				spread = st->spread;
	bool		photo = spread > AUTO_PHOTO_SPREAD;
	bool		done = st->glyph > 0 &&
		step_rules(p, st->glyph * s, st->tall * s, &nv, &nh, &nc, photo);
	char	   *why;

	if (st->glyph <= 0)
		why = pstrdup("too few glyphs to tell rules from text");
	else if (nc >= RULE_MIN_CORNERS && photo)
		why = psprintf("%d corners where rules meet, but the paper's level varies by %d gray levels > %d: a photo, whose texture makes thin runs that meet like rules; nothing painted",
					   nc, spread, AUTO_PHOTO_SPREAD);
	else
		why = psprintf("%d vertical and %d horizontal thin dark runs (vertical ones at least %d px: the longer of %d px, %.0f glyph heights and %.1f tallest-glyph heights) meet at %d corners; %s",
					   nv, nh,
					   Max(Max(RULE_MIN_PX, (int) (RULE_MIN_GLYPHS * st->glyph * s)),
						   (int) (RULE_MIN_TALL * st->tall * s)),
					   RULE_MIN_PX, RULE_MIN_GLYPHS, RULE_MIN_TALL, nc,
					   done ? psprintf("ruled boxes, paper level within %d gray levels: painted over", spread) :
					   psprintf("fewer than %d, no ruled box: nothing painted", RULE_MIN_CORNERS));
	decide(p, "rules", done, why,
		   nc >= RULE_MIN_CORNERS ?
		   psprintf("{\"glyph_height\": %.1f, \"tall_glyph_height\": %.1f, \"vertical_rules\": %d, \"horizontal_rules\": %d, \"corners\": %d, \"paper_spread\": %d}",
					st->glyph * s, st->tall * s, nv, nh, nc, spread) :
		   psprintf("{\"glyph_height\": %.1f, \"tall_glyph_height\": %.1f, \"vertical_rules\": %d, \"horizontal_rules\": %d, \"corners\": %d}",
					st->glyph * s, st->tall * s, nv, nh, nc));
}

/*
 * auto: measure the page once, then remove skew, bring the type to a size
 * tesseract reads well, paint over ruled lines, and (when recognising)
 * turn a page that reads poorly — each only when its measurement says so,
 * so a clean upright scan without rules passes unchanged.  Each decision,
 * with its measurements, goes to p->decisions (imgtrans_preprocess_plan).
 *
 * Not in auto, because on pages nobody tuned them on they cost more than
 * they gave: invert and border (tesseract 5 already reads inverted lines
 * and ignores solid borders; inverting a photo of a receipt on a dark
 * table, or cropping a book's dark edge, lost words), and binarisation or
 * denoising (tesseract binarises itself).  Flattening the paper is a
 * trial, and only on a page whose paper level varies by more than
 * AUTO_PHOTO_SPREAD (a photo lit unevenly, a page under a lamp): it reads
 * the shadowed half of such a page, but tried on every page, the
 * confident-character count also preferred it on evenly lit scans (a
 * Fraktur page, two receipts) that then read worse: those are never tried.
 */
static void
step_auto(Prep *p)
{
	PageStats	st;
	OsdResult	osd;
	double		s = 1.0,
				up = 0;
	bool		done;
	char	   *m;

	measure_page(p->pix, &st);
	m = psprintf("{\"glyphs\": %d, \"glyph_height\": %.1f, \"tall_glyph_height\": %.1f, "
				 "\"text_lines\": %d, \"ink_threshold\": %d, \"light_on_dark\": %s, "
				 "\"measured_at_scale\": %.3f}",
				 st.glyphs, st.glyph, st.tall, st.lines, st.ink_threshold,
				 st.light_on_dark ? "true" : "false", st.reduce);
	decide(p, "measure", true,
		   psprintf("%d glyphs%s, median height %.1f px, tallest (90th percentile) %.1f px, %d text lines",
					st.glyphs, st.light_on_dark ? " (light on dark)" : "",
					st.glyph, st.tall, st.lines), m);

	/* deskew */
	m = psprintf("{\"skew_degrees\": %.2f, \"skew_confidence\": %.2f, \"text_lines\": %d}",
				 st.skew_found ? -st.skew : 0, st.skew_found ? st.skew_conf : 0, st.lines);
	if (!st.skew_found)
		decide(p, "deskew", false, pstrdup("no skew found"), m);
	else if (st.lines < AUTO_SKEW_MIN_LINES)
		decide(p, "deskew", false,
			   psprintf("%d text line(s) < %d: too few for a reliable skew; tesseract reads a sloped line itself",
						st.lines, AUTO_SKEW_MIN_LINES), m);
	else if (st.skew_conf < SKEW_MIN_CONF || fabs(st.skew) < AUTO_SKEW_ANGLE)
		decide(p, "deskew", false,
			   psprintf("skew %.2f degrees (confidence %.1f): below %.1f degrees or confidence %.0f",
						-st.skew, st.skew_conf, AUTO_SKEW_ANGLE, SKEW_MIN_CONF), m);
	else
	{
		step_deskew(p, st.skew);
		decide(p, "deskew", true,
			   psprintf("skew %.2f degrees >= %.1f with confidence %.1f >= %.0f over %d text lines",
						-st.skew, AUTO_SKEW_ANGLE, st.skew_conf, SKEW_MIN_CONF, st.lines), m);
	}

	/* scale */
	m = psprintf("{\"glyph_height\": %.1f, \"dpi\": %d}", st.glyph, st.xres);
	if (st.glyph <= 0)
		decide(p, "scale", false, pstrdup("too few glyphs to measure their size"), m);
	else if (st.glyph > SCALE_DOWN_ABOVE)
	{
		s = SCALE_DOWN_TARGET / st.glyph;
		done = scale_by(p, s);
		decide(p, "scale", done,
			   psprintf("glyphs %.1f px > %.0f: scaled by %.3f to %.0f px (tesseract scales each line to a fixed height; more pixels only cost time)",
						st.glyph, SCALE_DOWN_ABOVE, s, SCALE_DOWN_TARGET), m);
		if (!done)
			s = 1.0;
	}
	else if (st.glyph < AUTO_SCALE_TRY_BELOW)
	{
		/* the plan of a trial, or (no recognition) the candidate itself */
		double		f = auto_upscale_for(st.glyph);

		if (p->defer)
		{
			p->scale_pending = f;
			decide(p, "scale", false,
				   psprintf("glyphs %.1f px < %.0f: decided when recognising: if the page as it came reads >= %d words, it is read again scaled by %.0f (to >= %.0f px) and kept scaled only if that reads over %.0f %% more characters in words of confidence >= %.0f",
							st.glyph, AUTO_SCALE_TRY_BELOW, AUTO_TRIAL_MIN_WORDS, f,
							AUTO_SCALE_MIN_HEIGHT, 100 * (AUTO_SCALE_MIN_GAIN - 1), PREP_SURE_CONF),
				   psprintf("{\"glyph_height\": %.1f, \"dpi\": %d, \"candidate_factor\": %.0f}",
							st.glyph, st.xres, f));
		}
		else
			up = f;				/* after rules, as recognition tries it */
	}
	else
		decide(p, "scale", false,
			   psprintf("glyphs %.1f px within %.0f .. %.0f: left at their size",
						st.glyph, AUTO_SCALE_TRY_BELOW, SCALE_DOWN_ABOVE), m);

	/* rules, measured in the (possibly scaled) image's pixels */
	auto_rules(p, &st, s);

	/* up-scaling without recognition: the candidate recognition would try */
	if (up > 0)
	{
		done = scale_by(p, up);
		decide(p, "scale", done,
			   psprintf("glyphs %.1f px < %.0f: %s by %.0f (the candidate that recognition keeps only if it reads better)",
						st.glyph, AUTO_SCALE_TRY_BELOW,
						done ? "scaled" : "not scaled: the image limits do not allow scaling", up),
			   psprintf("{\"glyph_height\": %.1f, \"dpi\": %d, \"candidate_factor\": %.0f}",
						st.glyph, st.xres, up));
	}

	/* flatten: uneven paper (a photo's light, a crumpled page) */
	m = psprintf("{\"paper_spread\": %d}", st.spread);
	if (st.spread <= AUTO_PHOTO_SPREAD)
		decide(p, "flatten", false,
			   psprintf("the paper's level varies by %d gray levels <= %d: evenly lit",
						st.spread, AUTO_PHOTO_SPREAD), m);
	else if (p->defer)
	{
		p->flatten_pending = true;
		decide(p, "flatten", false,
			   psprintf("the paper's level varies by %d gray levels > %d: decided when recognising: the page is read again with its paper flattened and kept so only if that reads over %.0f %% more characters in words of confidence >= %.0f",
						st.spread, AUTO_PHOTO_SPREAD,
						100 * (AUTO_SCALE_MIN_GAIN - 1), PREP_SURE_CONF),
			   psprintf("{\"paper_spread\": %d, \"trial\": true}", st.spread));
	}
	else
	{
		PIX		   *next = flatten(p->pix);

		if (next)
			prep_replace(p, next, STEP_FLATTEN);
		decide(p, "flatten", next != NULL,
			   psprintf("the paper's level varies by %d gray levels > %d: %s",
						st.spread, AUTO_PHOTO_SPREAD,
						next ? "flattened (the candidate that recognition keeps only if it reads better)" :
						"leptonica could not flatten it; left as it is"), m);
	}

	/* orientation */
	if (p->defer)
	{
		p->orient_pending = true;
		p->script_pending = true;
		decide(p, "orient", false,
			   psprintf("decided when recognising: OSD only if the first pass finds >= %d words with mean confidence < %d; the page is turned if OSD's confidence >= %.0f and kept turned only if it then reads with higher confidence",
						AUTO_TRIAL_MIN_WORDS, AUTO_OSD_BELOW_CONF, AUTO_ORIENT_CONF),
			   pstrdup("{}"));
		decide(p, "script", false,
			   psprintf("decided when recognising, from the same OSD: a page in a script that none of the call's languages is written in is read again with that script's model (or the installed languages written in it) and kept so only if that reads with higher mean confidence and over %.0f %% more characters in words of confidence >= %.0f",
						100 * (AUTO_SCALE_MIN_GAIN - 1), PREP_SURE_CONF),
			   pstrdup("{}"));
	}
	else
	{
		engine_osd(p->pix, &osd);
		m = psprintf("{\"rotate\": %d, \"osd_confidence\": %.2f}", osd.ok ? osd.rotate : 0,
					 osd.ok ? osd.orient_conf : 0);
		done = osd.ok && osd.rotate != 0 && osd.orient_conf >= AUTO_ORIENT_CONF;
		if (done)
			step_orient(p, &osd);
		decide(p, "orient", done,
			   !osd.ok ? pstrdup("OSD found too little text") :
			   psprintf("OSD: turn by %d degrees with confidence %.1f (threshold %.0f)",
						osd.rotate, osd.orient_conf, AUTO_ORIENT_CONF), m);
	}
}

/* Keeps the current image, map and applied steps, to go back to. */
static void
trial_begin(Prep *p, const char *what, PrepTrialRule rule)
{
	p->trial_what = what;
	if (p->trial_saved)
		pixDestroy(&p->trial_saved);
	p->trial_saved = pixClone(p->pix);
	p->trial_fwd = p->fwd;
	p->trial_applied = list_length(p->applied);
	p->trial_lang = p->lang;
	p->trial_rule = rule;
}

/*
 * The deferred half of auto, after the page as it came was read as first
 * says: scale it up if auto measured small type (step_auto) and the first
 * pass found text.  Returns true when the image changed: recognise it
 * (on a second engine, keeping the first reading), then call
 * prep_trial_wins.
 */
bool
prep_try_scale(Prep *p, const PrepScore *first)
{
	double		f = p->scale_pending;

	p->scale_pending = 0;
	if (f <= 0 || first->words < AUTO_TRIAL_MIN_WORDS)
		return false;
	trial_begin(p, psprintf("scale x%.0f", f), TRIAL_READS_MORE);
	CHECK_FOR_INTERRUPTS();
	imgtrans_lept_error_clear();
	if (scale_by(p, f))
		return true;
	pixDestroy(&p->trial_saved);
	return false;
}

/*
 * Flatten the paper of a page whose paper level step_auto measured as
 * uneven.  Returns true when the image changed, as prep_try_scale.
 */
bool
prep_try_flatten(Prep *p, const PrepScore *best)
{
	PIX		   *next;

	if (!p->flatten_pending)
		return false;
	p->flatten_pending = false;
	CHECK_FOR_INTERRUPTS();
	imgtrans_lept_error_clear();
	next = flatten(p->pix);
	if (next == NULL)
		return false;			/* leptonica could not: the reading stands */
	trial_begin(p, "flatten", TRIAL_READS_MORE);
	prep_replace(p, next, STEP_FLATTEN);
	return true;
}

/*
 * Turn the page if the best reading so far was poor and OSD finds it is
 * not upright.  Returns true when the image changed, as prep_try_scale.
 */
bool
prep_try_orient(Prep *p, const PrepScore *best)
{
	OsdResult	osd;

	if (!p->orient_pending || best->words < AUTO_TRIAL_MIN_WORDS ||
		best->mean_conf >= AUTO_OSD_BELOW_CONF)
		return false;
	p->orient_pending = false;
	engine_osd(p->pix, &osd);
	p->osd_ran = true;
	p->osd_script = osd.ok && osd.script ? pstrdup(osd.script) : NULL;
	if (!osd.ok || osd.rotate == 0 || osd.orient_conf < AUTO_ORIENT_CONF)
		return false;
	trial_begin(p, psprintf("turn by %d degrees", osd.rotate), TRIAL_SURER);
	step_orient(p, &osd);
	return true;
}

/*
 * Read the page with another model if the OSD of prep_try_orient named a
 * script that none of the languages of the best reading is written in (a
 * Fraktur page read with eng, a Russian one with spa): the script's model,
 * or the installed languages written in it (autolang.c chooses).  Returns
 * true when the language changed: recognise the page again with p->lang,
 * then call prep_trial_wins, which keeps the reading only if it is both
 * surer and reads more (the models' confidences are their own).
 */
bool
prep_try_script(Prep *p, const PrepScore *best)
{
	const char *lang;
	char	   *why = NULL;

	if (!p->script_pending)
		return false;
	p->script_pending = false;
	if (!p->osd_ran || p->lang == NULL)
		return false;
	lang = imgtrans_script_trial_lang(p->lang, p->osd_script, &why);
	if (lang == NULL)
	{
		ereport(DEBUG1,
				(errmsg_internal("imgtrans auto: no script trial: %s", why)));
		return false;
	}
	trial_begin(p, psprintf("%s script read with %s", p->osd_script, lang), TRIAL_SURER_AND_MORE);
	p->lang = lang;
	return true;
}

/*
 * After the trial image was read as after (the page before the trial as
 * before): keep the trial if it reads better, else go back to the page
 * before it.  Returns true when the trial is kept, so the caller keeps its
 * reading.  A turn wins by a higher mean word confidence (OSD can be
 * confidently wrong on scripts or pages it was not trained for: Fraktur,
 * a receipt photo; a page read upside down reads with low confidence
 * throughout); an up-scale by more characters read with confidence >=
 * PREP_SURE_CONF (it must find more text, not read less of it better).
 */
bool
prep_trial_wins(Prep *p, const PrepScore *before, const PrepScore *after)
{
	bool		wins;

	if (p->trial_saved == NULL)
		return false;
	switch (p->trial_rule)
	{
		case TRIAL_SURER:
			wins = after->mean_conf > before->mean_conf;
			break;
		case TRIAL_SURER_AND_MORE:
			wins = after->mean_conf > before->mean_conf &&
				after->sure_chars > before->sure_chars * AUTO_SCALE_MIN_GAIN;
			break;
		default:
			wins = after->sure_chars > before->sure_chars * AUTO_SCALE_MIN_GAIN;
			break;
	}
	/* what auto tried, for whoever debugs a page (nothing else reports it) */
	ereport(DEBUG1,
			(errmsg_internal("imgtrans auto: %s read %d words (mean confidence %.1f, %d sure characters) against %d (%.1f, %d): %s",
							 p->trial_what, after->words, after->mean_conf, after->sure_chars,
							 before->words, before->mean_conf, before->sure_chars,
							 wins ? "kept" : "dropped")));
	if (wins)
	{
		pixDestroy(&p->trial_saved);
		return true;
	}
	pixDestroy(&p->pix);
	p->pix = p->trial_saved;
	p->trial_saved = NULL;
	p->fwd = p->trial_fwd;
	p->applied = list_truncate(p->applied, p->trial_applied);
	p->lang = p->trial_lang;
	return false;
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
			{
				double		glyph,
							tall;

				int			nv,
							nh,
							nc;

				glyph_heights(p->pix, &glyph, &tall);
				step_rules(p, glyph, tall, &nv, &nh, &nc, false);
			}
			break;
		case STEP_FLATTEN:
			prep_replace(p, flatten(p->pix), step);
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

/*
 * imgtrans_preprocess_plan(image) returns what preprocess => '{auto}'
 * decides for the image, as OCR runs it: (ord, step, applied, reason,
 * measurements).  The first row is the EXIF orientation applied on decode.
 */
Datum		imgtrans_preprocess_plan_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_preprocess_plan_impl(PG_FUNCTION_ARGS)
{
	bytea	   *image = PG_GETARG_BYTEA_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Prep		p = {0};
	ImgHeader	hdr;
	ListCell   *lc;
	int			ord = 0;

	InitMaterializedSRF(fcinfo, 0);
	PG_TRY();
	{
		prep_init(&p, imgtrans_decode(image, &hdr));
		decide(&p, "exif", hdr.orientation != 1,
			   hdr.orientation == 1 ? pstrdup("no EXIF orientation: the image is shown as stored") :
			   psprintf("EXIF orientation %d: turned/mirrored on decode as a browser shows it", hdr.orientation),
			   psprintf("{\"orientation\": %d}", hdr.orientation));
		p.defer = true;
		run_step(&p, STEP_AUTO);
	}
	PG_FINALLY();
	{
		prep_free(&p);
	}
	PG_END_TRY();

	foreach(lc, p.decisions)
	{
		PrepDecision *d = lfirst(lc);
		Datum		values[5];
		bool		nulls[5] = {false};

		values[0] = Int32GetDatum(++ord);
		values[1] = CStringGetTextDatum(d->step);
		values[2] = BoolGetDatum(d->applied);
		values[3] = CStringGetTextDatum(d->reason);
		values[4] = DirectFunctionCall1(jsonb_in, CStringGetDatum(d->measurements));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
