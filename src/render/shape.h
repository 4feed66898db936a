/*-------------------------------------------------------------------------
 * shape.h
 *	  Complex text layout for the renderer: bidi (FriBiDi), runs by level,
 *	  script and font, shaping (HarfBuzz), cached per text.
 *
 * Positions are in font.h's units (1/64 px at FONT_REF_PX); glyphs name
 * their face by font slot.  A ShapedRun is owned by the cache and stays
 * valid until the next imgtrans_shape() call.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_SHAPE_H
#define IMGTRANS_SHAPE_H

#include "render/font.h"

typedef enum ShapeDir
{
	SHAPE_AUTO,					/* from the first strong character */
	SHAPE_RTL,
	SHAPE_LTR
} ShapeDir;

typedef struct ShapedGlyph
{
	uint32_t	glyph;			/* index in the slot's face */
	int16_t		slot;			/* font slot */
	int32_t		x_advance;
	int32_t		x_offset;
	int32_t		y_offset;
	int32_t		cluster;		/* first code point of its cluster */
} ShapedGlyph;

typedef struct ShapedRun
{
	int			nglyphs;
	int64_t		width;			/* sum of advances */
	ShapedGlyph *glyphs;		/* in visual order, left to right */
} ShapedRun;

/*
 * Most code points of one text shaped (imgtrans_render_glyphs(), a box of
 * imgtrans_render()): a box of translated text holds a few thousand, and
 * a text of this many with the costliest run HarfBuzz knows (Thai SARA AM
 * repeated: one cluster, quadratic) shapes in about 0.25 s.
 */
#define SHAPE_MAX_CHARS		10000

/*
 * Decodes len bytes of UTF-8 for shaping into a palloc'd array, *n code
 * points: an ERROR (54000) past SHAPE_MAX_CHARS, and combining marks past
 * the TL_MAX_NONSTARTERS-th on one base dropped (textlayout.h).
 */
extern uint32_t *imgtrans_shape_text(const char *s, size_t len, int *n);

/*
 * Shapes cps[0..n) as one line in direction dir: glyphs in visual order.
 * ERRORs (with the Debian package to install) if a visible character has
 * no glyph in any font, and if n is over SHAPE_MAX_CHARS.
 */
extern const ShapedRun *imgtrans_shape(const uint32_t *cps, int n, ShapeDir dir);

/* Direction of a paragraph: its first strong character's (LTR if none). */
extern ShapeDir imgtrans_shape_direction(const uint32_t *cps, int n);

/*
 * Shapes a paragraph for textlayout.c: widths[i] (the width of the
 * grapheme cluster starting at i, 0 inside one) and flags[i] (TL_CLUSTER,
 * TL_BREAK: CJK rules and Thai words from libthai's dictionary).
 */
extern void imgtrans_shape_measure(const uint32_t *cps, int n,
								   int32_t *widths, uint8_t *flags);

/* Draws run at em size px, its left edge at x, on the given baseline. */
extern void imgtrans_shape_draw(const ShapedRun *run, int px, int x,
								int baseline, GlyphSink sink, void *ctx);

#endif							/* IMGTRANS_SHAPE_H */
