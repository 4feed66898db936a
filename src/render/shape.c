/*-------------------------------------------------------------------------
 * shape.c
 *	  Complex text layout: libraqm (HarfBuzz shaping, FriBiDi reordering,
 *	  script runs) over the faces font.c chose, a per-backend cache of the
 *	  results, line-break opportunities for Thai (libthai), and the SQL
 *	  debugging view imgtrans_render_glyphs().
 *
 * Why raqm and not HarfBuzz + FriBiDi by hand: raqm does exactly the
 * itemization imgtrans needs (bidi levels, script runs, font runs, one
 * hb_shape per run, visual reordering) in one call, as Pillow uses it, and
 * measured as fast (bench/shape_bench.c, README "Scripts").
 *
 * The cache: glyph runs keyed by the code points and the direction, in one
 * memory context, at most SHAPE_CACHE_BYTES (then emptied whole), and
 * emptied when font.c's generation changes (a slot may name another face).
 * Texts repeat across the fitting of a box and across calls on the same
 * boxes, so shaping happens once per text.
 *
 * Never: ereport while a raqm object is alive outside PG_TRY (it is
 * destroyed in PG_FINALLY), keep a pointer to a FreeType face beyond a
 * call (glyphs keep the slot), or draw glyph 0 (.notdef): a visible
 * character shaped to it is an ERROR.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <raqm.h>
#include <fribidi.h>
#include <thai/thbrk.h>
#include <thai/thwbrk.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "render/ft.h"
#include "render/shape.h"

#define SHAPE_BUCKETS		1024
#define SHAPE_CACHE_BYTES	(4 * 1024 * 1024)

typedef struct ShapeEntry
{
	uint32		hash;
	int			n;
	ShapeDir	dir;
	ShapedRun	run;
	uint32		cps[FLEXIBLE_ARRAY_MEMBER];
} ShapeEntry;

static MemoryContext shape_cxt = NULL;
static ShapeEntry *buckets[SHAPE_BUCKETS];
static uint32 cache_generation = 0;
static ThBrk *thai_brk = NULL;
static bool thai_tried = false;

static void
cache_reset(void)
{
	if (shape_cxt == NULL)
		shape_cxt = AllocSetContextCreate(TopMemoryContext, "imgtrans shaping cache",
										  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(shape_cxt);
	memset(buckets, 0, sizeof(buckets));
	cache_generation = imgtrans_font_generation();
}

ShapeDir
imgtrans_shape_direction(const uint32_t *cps, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		FriBidiCharType t = fribidi_get_bidi_type(cps[i]);

		if (t == FRIBIDI_TYPE_LTR)
			return SHAPE_LTR;
		if (t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL)
			return SHAPE_RTL;
	}
	return SHAPE_LTR;
}

/* Copies raqm's glyphs into a cache entry; ERRORs on a .notdef. */
static void
copy_glyphs(ShapeEntry *e, raqm_glyph_t *g, size_t len, const int16 *slots)
{
	size_t		k;

	e->run.glyphs = palloc(sizeof(ShapedGlyph) * Max(len, 1));
	e->run.nglyphs = (int) len;
	e->run.width = 0;
	for (k = 0; k < len; k++)
	{
		ShapedGlyph *o = &e->run.glyphs[k];
		int			c = Min((int) g[k].cluster, e->n - 1);

		o->glyph = g[k].index;
		o->slot = slots[c];
		o->x_advance = g[k].x_advance;
		o->x_offset = g[k].x_offset;
		o->y_offset = g[k].y_offset;
		o->cluster = c;
		/* the glyph's face is the one raqm was given for its cluster */
		if (g[k].ftface != imgtrans_font_face(slots[c], FONT_REF_PX))
		{
			int			s;

			for (s = 0; s < e->n; s++)
				if (g[k].ftface == imgtrans_font_face(slots[s], FONT_REF_PX))
				{
					o->slot = slots[s];
					break;
				}
		}
		e->run.width += g[k].x_advance;
		if (o->glyph == 0 && !imgtrans_font_invisible(e->cps[c]))
		{
			char		utf8[8] = {0};

			unicode_to_utf8(e->cps[c], (unsigned char *) utf8);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("font \"%s\" shaped U+%04X \"%s\" to no glyph",
							imgtrans_font_name(o->slot), e->cps[c], utf8),
					 errdetail("imgtrans draws no .notdef boxes."),
					 errhint("Install the Debian packages fonts-noto-core and fonts-noto-cjk, or ask a superuser to set imgtrans.font_path to a font that has the character.")));
		}
	}
}

/* Shapes with raqm into e (in shape_cxt); raqm is freed on every path. */
static void
shape_into(ShapeEntry *e)
{
	int16	   *slots = palloc(sizeof(int16) * e->n);
	raqm_t	   *rq;
	int			i,
				start;

	imgtrans_font_assign(e->cps, e->n, slots);
	for (i = 0; i < e->n; i++)
		if (imgtrans_font_face(slots[i], FONT_REF_PX) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not size font \"%s\"", imgtrans_font_name(slots[i]))));
	rq = raqm_create();
	if (rq == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	PG_TRY();
	{
		bool		ok;
		size_t		len = 0;
		raqm_glyph_t *g;

		ok = raqm_set_text(rq, e->cps, e->n) &&
			raqm_set_par_direction(rq, e->dir == SHAPE_RTL ? RAQM_DIRECTION_RTL :
								   e->dir == SHAPE_LTR ? RAQM_DIRECTION_LTR :
								   RAQM_DIRECTION_DEFAULT) &&
			raqm_set_freetype_load_flags(rq, FT_LOAD_NO_HINTING);
		for (start = 0, i = 1; ok && i <= e->n; i++)
			if (i == e->n || slots[i] != slots[start])
			{
				ok = raqm_set_freetype_face_range(rq, imgtrans_font_face(slots[start], FONT_REF_PX),
												  start, i - start);
				start = i;
			}
		ok = ok && raqm_layout(rq);
		g = ok ? raqm_get_glyphs(rq, &len) : NULL;
		if (g == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not lay out a text of %d characters", e->n)));
		copy_glyphs(e, g, len, slots);
	}
	PG_FINALLY();
	{
		raqm_destroy(rq);
	}
	PG_END_TRY();
	pfree(slots);
}

const ShapedRun *
imgtrans_shape(const uint32_t *cps, int n, ShapeDir dir)
{
	uint32		hash;
	ShapeEntry **bucket;
	ShapeEntry *e;
	ShapeEntry *stored;

	imgtrans_font();			/* imgtrans.font_path changed: new generation */
	if (shape_cxt == NULL || cache_generation != imgtrans_font_generation() ||
		MemoryContextMemAllocated(shape_cxt, true) > SHAPE_CACHE_BYTES)
		cache_reset();
	hash = hash_bytes((const unsigned char *) cps, sizeof(uint32) * n) ^ (uint32) dir;
	bucket = &buckets[hash % SHAPE_BUCKETS];
	e = *bucket;
	if (e && e->hash == hash && e->n == n && e->dir == dir &&
		memcmp(e->cps, cps, sizeof(uint32) * n) == 0)
		return &e->run;
	/* shaped in the caller's context, then kept in a cache that fonts may have emptied */
	e = palloc0(offsetof(ShapeEntry, cps) + sizeof(uint32) * Max(n, 1));
	e->hash = hash;
	e->n = n;
	e->dir = dir;
	memcpy(e->cps, cps, sizeof(uint32) * n);
	if (n > 0)
		shape_into(e);
	if (cache_generation != imgtrans_font_generation())
		cache_reset();
	stored = MemoryContextAlloc(shape_cxt, offsetof(ShapeEntry, cps) + sizeof(uint32) * Max(n, 1));
	memcpy(stored, e, offsetof(ShapeEntry, cps) + sizeof(uint32) * n);
	stored->run.glyphs = MemoryContextAlloc(shape_cxt, sizeof(ShapedGlyph) * Max(e->run.nglyphs, 1));
	if (e->run.nglyphs > 0)
	{
		memcpy(stored->run.glyphs, e->run.glyphs, sizeof(ShapedGlyph) * e->run.nglyphs);
		pfree(e->run.glyphs);
	}
	pfree(e);
	e = stored;
	*bucket = e;
	return &e->run;
}

/* Marks the word starts libthai's dictionary finds in Thai runs. */
static void
thai_breaks(const uint32_t *cps, int n, uint8_t *flags)
{
	int			i = 0;

	while (i < n)
	{
		int			start = i,
					len,
					nbrk,
					k;
		thwchar_t  *run;
		int		   *pos;

		if (cps[i] < 0x0E00 || cps[i] > 0x0E7F)
		{
			i++;
			continue;
		}
		while (i < n && cps[i] >= 0x0E00 && cps[i] <= 0x0E7F)
			i++;
		len = i - start;
		if (!thai_tried)
		{
			thai_tried = true;
			thai_brk = th_brk_new(NULL);	/* NULL when the dictionary is missing */
		}
		if (thai_brk == NULL || len < 2)
			continue;
		run = palloc(sizeof(thwchar_t) * (len + 1));
		pos = palloc(sizeof(int) * len);
		for (k = 0; k < len; k++)
			run[k] = (thwchar_t) cps[start + k];
		run[len] = 0;
		nbrk = th_brk_wc_find_breaks(thai_brk, run, pos, len);
		for (k = 0; k < nbrk; k++)
			if (pos[k] > 0 && pos[k] < len)
				flags[start + pos[k]] |= TL_BREAK;
		pfree(pos);
		pfree(run);
	}
}

void
imgtrans_shape_measure(const uint32_t *cps, int n, int32_t *widths, uint8_t *flags)
{
	const ShapedRun *run = imgtrans_shape(cps, n, imgtrans_shape_direction(cps, n));
	int			i,
				start;

	memset(widths, 0, sizeof(int32_t) * n);
	memset(flags, 0, n);
	for (i = 0; i < run->nglyphs; i++)
	{
		widths[run->glyphs[i].cluster] += run->glyphs[i].x_advance;
		flags[run->glyphs[i].cluster] |= TL_CLUSTER;
	}
	if (n > 0)
		flags[0] |= TL_CLUSTER;
	/* a grapheme is one cluster even where shaping kept its parts apart */
	for (i = 1, start = 0; i < n; i++)
	{
		if ((flags[i] & TL_CLUSTER) && imgtrans_font_extends(cps, i))
		{
			flags[i] &= ~TL_CLUSTER;
			widths[start] += widths[i];
			widths[i] = 0;
		}
		if (flags[i] & TL_CLUSTER)
			start = i;
	}
	tl_mark_breaks(cps, n, flags);
	thai_breaks(cps, n, flags);
}

void
imgtrans_shape_draw(const ShapedRun *run, int px, int x, int baseline,
					GlyphSink sink, void *ctx)
{
	int64		pen = 0;
	int			i;

	for (i = 0; i < run->nglyphs; i++)
	{
		const ShapedGlyph *g = &run->glyphs[i];

		if (g->glyph != 0)
			imgtrans_font_draw_glyph(g->slot, g->glyph, px,
									 x + (int) ((pen + g->x_offset) * px / FONT_UNITS_PER_EM),
									 baseline - (int) ((int64) g->y_offset * px / FONT_UNITS_PER_EM),
									 sink, ctx);
		pen += g->x_advance;
	}
}

PG_FUNCTION_INFO_V1(imgtrans_render_glyphs);

/*
 * imgtrans_render_glyphs(txt text) returns the glyphs imgtrans_render
 * draws for txt as one line, in visual order: the code point each starts
 * with, the glyph index (0 would be .notdef), the font, the advance in ems,
 * and the paragraph's direction.  For checking fonts and shaping from SQL.
 */
Datum
imgtrans_render_glyphs(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			len = VARSIZE_ANY_EXHDR(t);
	uint32	   *cps = palloc(sizeof(uint32) * (len + 1));
	int			n = tl_utf8_decode(VARDATA_ANY(t), len, cps);
	ShapeDir	dir = imgtrans_shape_direction(cps, n);
	const ShapedRun *run;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	run = imgtrans_shape(cps, n, dir);
	for (i = 0; i < run->nglyphs; i++)
	{
		const ShapedGlyph *g = &run->glyphs[i];
		Datum		values[7];
		bool		nulls[7] = {0};
		char		utf8[8] = {0};

		unicode_to_utf8(cps[g->cluster], (unsigned char *) utf8);
		values[0] = Int32GetDatum(i + 1);
		values[1] = Int32GetDatum(g->cluster + 1);
		values[2] = CStringGetTextDatum(utf8);
		values[3] = Int32GetDatum((int32) g->glyph);
		values[4] = CStringGetTextDatum(imgtrans_font_name(g->slot));
		values[5] = Float8GetDatum((double) g->x_advance / FONT_UNITS_PER_EM);
		values[6] = BoolGetDatum(dir == SHAPE_RTL);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}
