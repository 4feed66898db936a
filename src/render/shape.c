/*-------------------------------------------------------------------------
 * shape.c
 *	  Complex text layout: FriBiDi (bidi levels), HarfBuzz (shaping each run
 *	  of one level, script and face), visual reordering of the runs; over the
 *	  faces font.c chose; a per-backend cache of the results; line-break
 *	  opportunities for Thai (libthai); the SQL view imgtrans_render_glyphs().
 *
 * Why HarfBuzz + FriBiDi and not libraqm (which wraps the same two, as
 * Pillow uses it): raqm 0.7 makes a new hb_font, so parses the font's
 * tables again, on every layout: measured (bench/shape_bench.c) 3x slower
 * for Hindi and Thai, 8-12x for Latin, Cyrillic and Arabic, 50x for
 * Chinese and 300x (5 ms a call) for Japanese than hb_shape with a font
 * made once.  Here one hb_font per face slot lives as long as the face, at
 * a scale of FONT_UNITS_PER_EM (HarfBuzz's own metrics, no hinting, no
 * FreeType size involved), and the runs are itemized as raqm does.
 *
 * The cache: glyph runs keyed by the code points and the direction, in one
 * memory context, at most SHAPE_CACHE_BYTES (then emptied whole), and
 * emptied with the hb_fonts when font.c's generation changes (a slot may
 * name another face).  Texts repeat across the fitting of a box and across
 * calls on the same boxes, so shaping happens once per text.
 *
 * Bounded work: an hb_shape() call cannot be interrupted, and HarfBuzz
 * 6.0 takes time quadratic in a run of marks (each looks back over all the
 * marks before it for its base: 20,000 U+0301 took 1.4 s, 1,000,000 hung a
 * backend past pg_terminate_backend) and in a chain of merged clusters
 * (Thai SARA AM repeated).  So every text comes through
 * imgtrans_shape_text(): at most SHAPE_MAX_CHARS code points (an ERROR,
 * 54000), marks past the 30th on one base dropped (UAX #15's Stream-Safe
 * Text Format; nothing legible is lost), and interrupts are checked between
 * runs and between Thai runs (libthai).  The slowest text at the limit,
 * 10,000 SARA AM, shapes in 0.16 s (imgtrans_render: 0.19 s a box).
 *
 * Never: ereport while a HarfBuzz object is unowned (the one hb_buffer and
 * the hb_fonts are static, reused and destroyed only here), keep a
 * pointer to a FreeType face beyond a call (glyphs keep the slot), or draw
 * glyph 0 (.notdef): a visible character shaped to it is an ERROR.  Never
 * hand HarfBuzz, FriBiDi or libthai a text that imgtrans_shape_text() did
 * not decode (no length or mark limit), nor CHECK_FOR_INTERRUPTS() inside
 * a library call or callback (only between runs, where HarfBuzz holds
 * nothing of ours).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fribidi.h>
#include <hb.h>
#include <hb-ft.h>
#include <thai/thbrk.h>
#include <thai/thwbrk.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
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
static hb_font_t *hb_fonts[FONT_MAX_SLOTS];	/* per font slot, this generation */
static hb_buffer_t *hb_buf = NULL;
static ThBrk *thai_brk = NULL;
static bool thai_tried = false;

/* HarfBuzz fonts go when a slot may hold another face (font.c evicted one). */
static void
drop_hb_fonts(void)
{
	int			i;

	for (i = 0; i < FONT_MAX_SLOTS; i++)
	{
		if (hb_fonts[i])
			hb_font_destroy(hb_fonts[i]);
		hb_fonts[i] = NULL;
	}
}

static void
cache_reset(void)
{
	if (shape_cxt == NULL)
		shape_cxt = AllocSetContextCreate(TopMemoryContext, "imgtrans shaping cache",
										  ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(shape_cxt);
	memset(buckets, 0, sizeof(buckets));
	drop_hb_fonts();
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

/*
 * tl_stream_safe()'s classes from HarfBuzz's Unicode data.  A non-starter
 * has a combining class or is a mark (Thai U+0E31 is a mark of class 0);
 * a default-ignorable that is no space or control (U+2060, U+00AD, bidi
 * controls) is transparent: HarfBuzz looks back over those and marks alike
 * for a mark's base, so they must not end a run.
 */
static TlMarkClass
mark_class(uint32_t cp)
{
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();

	if (hb_unicode_combining_class(uf, cp) != HB_UNICODE_COMBINING_CLASS_NOT_REORDERED)
		return TL_NONSTARTER;
	switch (hb_unicode_general_category(uf, cp))
	{
		case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
		case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
		case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
			return TL_NONSTARTER;
		case HB_UNICODE_GENERAL_CATEGORY_CONTROL:
		case HB_UNICODE_GENERAL_CATEGORY_SPACE_SEPARATOR:
		case HB_UNICODE_GENERAL_CATEGORY_LINE_SEPARATOR:
		case HB_UNICODE_GENERAL_CATEGORY_PARAGRAPH_SEPARATOR:
			return TL_STARTER;
		default:
			return imgtrans_font_invisible(cp) ? TL_TRANSPARENT : TL_STARTER;
	}
}

/* The text is too long for one shaping: ERROR. */
static void
too_long(int nchars)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("text of %d characters is too long to shape", nchars),
			 errdetail("imgtrans shapes at most %d characters in one text.", SHAPE_MAX_CHARS),
			 errhint("Split the text, e.g. into paragraphs.")));
}

uint32_t *
imgtrans_shape_text(const char *s, size_t len, int *n)
{
	int			nchars = tl_utf8_decode(s, len, NULL);
	uint32_t   *cps;

	if (nchars > SHAPE_MAX_CHARS)
		too_long(nchars);
	cps = palloc(sizeof(uint32_t) * (nchars + 1));
	tl_utf8_decode(s, len, cps);
	*n = tl_stream_safe(cps, nchars, mark_class);
	return cps;
}

/* The HarfBuzz font of a slot, made on first use in this generation. */
static hb_font_t *
slot_font(int slot)
{
	if (hb_fonts[slot] == NULL)
	{
		FT_Face		face = imgtrans_font_face(slot, FONT_REF_PX);
		hb_face_t  *hface;

		if (face == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not size font \"%s\"", imgtrans_font_name(slot))));
		hface = hb_ft_face_create_referenced(face);
		hb_fonts[slot] = hb_font_create(hface);
		hb_face_destroy(hface);
		/* HarfBuzz's own metrics at 1 em = FONT_UNITS_PER_EM */
		hb_font_set_scale(hb_fonts[slot], FONT_UNITS_PER_EM, FONT_UNITS_PER_EM);
	}
	return hb_fonts[slot];
}

/* Scripts per code point, Common and Inherited taking their neighbours'. */
static void
resolve_scripts(const uint32 *cps, int n, hb_script_t *scripts)
{
	hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
	hb_script_t last = HB_SCRIPT_INVALID;
	int			i;

	for (i = 0; i < n; i++)
	{
		hb_script_t sc = hb_unicode_script(uf, cps[i]);

		if (sc == HB_SCRIPT_COMMON || sc == HB_SCRIPT_INHERITED || sc == HB_SCRIPT_UNKNOWN)
			sc = last;
		scripts[i] = sc;
		if (sc != HB_SCRIPT_INVALID)
			last = sc;
	}
	/* leading Common characters: the first real script's */
	for (i = n - 1, last = HB_SCRIPT_COMMON; i >= 0; i--)
	{
		if (scripts[i] == HB_SCRIPT_INVALID)
			scripts[i] = last;
		last = scripts[i];
	}
}

/* A run of one bidi level, script and face: [start, end). */
typedef struct Run
{
	int			start;
	int			end;
	int			level;
} Run;

/* Rule L2 of UAX #9: reverse every sequence of runs at each level and up. */
static void
reorder_runs(const Run *runs, int nruns, int *order)
{
	int			max_level = 0,
				min_odd = 255,
				lev,
				i;

	for (i = 0; i < nruns; i++)
	{
		order[i] = i;
		max_level = Max(max_level, runs[i].level);
		if (runs[i].level % 2 == 1)
			min_odd = Min(min_odd, runs[i].level);
	}
	for (lev = max_level; lev >= min_odd; lev--)
		for (i = 0; i < nruns; i++)
		{
			int			j = i,
						a,
						b;

			while (j < nruns && runs[order[j]].level >= lev)
				j++;
			for (a = i, b = j - 1; a < b; a++, b--)
			{
				int			t = order[a];

				order[a] = order[b];
				order[b] = t;
			}
			i = j;
		}
}

/* Appends hb_buf's glyphs (a shaped run) to e, checking for .notdef. */
static void
append_glyphs(ShapeEntry *e, int slot)
{
	unsigned int len = 0,
				k;
	hb_glyph_info_t *info = hb_buffer_get_glyph_infos(hb_buf, &len);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(hb_buf, &len);

	for (k = 0; k < len; k++)
	{
		ShapedGlyph *o = &e->run.glyphs[e->run.nglyphs++];
		int			c = Min((int) info[k].cluster, e->n - 1);

		o->glyph = info[k].codepoint;
		o->slot = slot;
		o->x_advance = pos[k].x_advance;
		o->x_offset = pos[k].x_offset;
		o->y_offset = pos[k].y_offset;
		o->cluster = c;
		e->run.width += pos[k].x_advance;
		if (o->glyph == 0 && !imgtrans_font_invisible(e->cps[c]))
		{
			char		utf8[8] = {0};

			unicode_to_utf8(e->cps[c], (unsigned char *) utf8);
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("font \"%s\" shaped U+%04X \"%s\" to no glyph",
							imgtrans_font_name(slot), e->cps[c], utf8),
					 errdetail("imgtrans draws no .notdef boxes."),
					 errhint("Install the Debian packages fonts-noto-core and fonts-noto-cjk, or ask a superuser to set imgtrans.font_path to a font that has the character.")));
		}
	}
}

/*
 * Shapes e->cps into e->run: bidi levels (FriBiDi), runs of one level,
 * script and face, each shaped with its context (Arabic joins across a
 * change of font), the runs put in visual order.
 */
static void
shape_into(ShapeEntry *e)
{
	int			n = e->n;
	int16	   *slots = palloc(sizeof(int16) * n);
	FriBidiCharType *types = palloc(sizeof(FriBidiCharType) * n);
	FriBidiBracketType *btypes = palloc(sizeof(FriBidiBracketType) * n);
	FriBidiLevel *levels = palloc(sizeof(FriBidiLevel) * n);
	hb_script_t *scripts = palloc(sizeof(hb_script_t) * n);
	Run		   *runs = palloc(sizeof(Run) * n);
	int		   *order = palloc(sizeof(int) * n);
	FriBidiParType par = e->dir == SHAPE_RTL ? FRIBIDI_PAR_RTL :
		e->dir == SHAPE_LTR ? FRIBIDI_PAR_LTR : FRIBIDI_PAR_ON;
	int			nruns = 0,
				i,
				r;

	imgtrans_font_assign(e->cps, n, slots);
	if (cache_generation != imgtrans_font_generation())
		drop_hb_fonts();		/* imgtrans_shape() empties the cache after */
	fribidi_get_bidi_types(e->cps, n, types);
	fribidi_get_bracket_types(e->cps, n, types, btypes);
	if (fribidi_get_par_embedding_levels_ex(types, btypes, n, &par, levels) == 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in FriBiDi")));
	resolve_scripts(e->cps, n, scripts);
	for (i = 0; i < n; i++)
	{
		if (i == 0 || levels[i] != levels[i - 1] || scripts[i] != scripts[i - 1] ||
			slots[i] != slots[i - 1])
		{
			runs[nruns].start = i;
			runs[nruns].level = levels[i];
			nruns++;
		}
		runs[nruns - 1].end = i + 1;
	}
	reorder_runs(runs, nruns, order);
	if (hb_buf == NULL)
		hb_buf = hb_buffer_create();
	/* HarfBuzz gives at most a few glyphs per character; grown if not */
	e->run.glyphs = palloc(sizeof(ShapedGlyph) * (n + 8));
	for (r = 0; r < nruns; r++)
	{
		const Run  *run = &runs[order[r]];
		int			slot = slots[run->start];
		hb_font_t  *font;

		CHECK_FOR_INTERRUPTS();	/* between runs: HarfBuzz holds nothing */
		font = slot_font(slot);
		hb_buffer_clear_contents(hb_buf);
		hb_buffer_add_codepoints(hb_buf, e->cps, n, run->start, run->end - run->start);
		hb_buffer_set_direction(hb_buf, run->level % 2 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
		hb_buffer_set_script(hb_buf, scripts[run->start]);
		hb_buffer_set_language(hb_buf, hb_language_get_default());
		hb_shape(font, hb_buf, NULL, 0);
		if (!hb_buffer_allocation_successful(hb_buf))
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in HarfBuzz")));
		e->run.glyphs = repalloc(e->run.glyphs, sizeof(ShapedGlyph) *
								 (e->run.nglyphs + hb_buffer_get_length(hb_buf) + 1));
		append_glyphs(e, slot);
	}
	pfree(order);
	pfree(runs);
	pfree(scripts);
	pfree(levels);
	pfree(btypes);
	pfree(types);
	pfree(slots);
}

const ShapedRun *
imgtrans_shape(const uint32_t *cps, int n, ShapeDir dir)
{
	uint32		hash;
	ShapeEntry **bucket;
	ShapeEntry *e;
	ShapeEntry *stored;

	if (n > SHAPE_MAX_CHARS)
		too_long(n);			/* callers decode with imgtrans_shape_text() */
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
		CHECK_FOR_INTERRUPTS();
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
 * The text is taken as imgtrans_render takes a box's: at most
 * SHAPE_MAX_CHARS characters, marks past the 30th on a base dropped
 * (char_no counts the code points kept).
 */
Datum
imgtrans_render_glyphs(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			n;
	uint32	   *cps = imgtrans_shape_text(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &n);
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
