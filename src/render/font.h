/*-------------------------------------------------------------------------
 * font.h
 *	  The renderer's fonts (FreeType faces found by fontconfig), seen without
 *	  FreeType types.
 *
 * Faces are numbered by slot in a small per-backend cache.  Every code point
 * of a text gets the slot of a face that has a glyph for it: the face of
 * imgtrans.font_path when that is set and has the glyph, else the first
 * face in fontconfig's order for the character's script.  A character no
 * installed font has is an ERROR naming the Debian package to install,
 * never a .notdef box.  Glyphs are handed to the caller as 8-bit coverage
 * bitmaps, so the caller blends them into its own pixels.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_FONT_H
#define IMGTRANS_FONT_H

#include "render/textlayout.h"

/* Shaping happens at this em size; widths are in 1/64 px at that size. */
#define FONT_REF_PX		1000
#define FONT_UNITS_PER_EM (FONT_REF_PX * 64)

/* Faces kept per backend: slots are 0 .. FONT_MAX_SLOTS - 1. */
#define FONT_MAX_SLOTS	16

/* Receives one glyph: coverage rows (0..255), top-left at (left, top). */
typedef void (*GlyphSink) (void *ctx, const unsigned char *coverage,
						   int rows, int width, int pitch, int left, int top);

/* Line pitch and width units for textlayout.c; loads the fonts if needed. */
extern const TlFont *imgtrans_font(void);

/* Descent below the baseline, in ems. */
extern double imgtrans_font_descent(void);

/*
 * Chooses a face for every code point of cps[0..n): slots[i] receives its
 * slot.  Marks, joiners and variation selectors stay in the face of the
 * character before them when it has them; white space and invisible
 * characters take a neighbour's face.  ERRORs when no installed font has
 * a glyph for a visible character.  The faces chosen stay loaded until the
 * next call (the cache never evicts a face the text in hand uses).
 */
extern void imgtrans_font_assign(const uint32_t *cps, int n, int16_t *slots);

/* Changes whenever a slot may name another face than before. */
extern uint32_t imgtrans_font_generation(void);

/* The family and style of a slot's face, e.g. "Noto Sans CJK JP Regular". */
extern const char *imgtrans_font_name(int slot);

/*
 * cps[i] continues the character before it in one grapheme: a mark, a
 * joiner, a variation selector, a skin tone, or whatever follows a ZWJ.
 */
extern bool imgtrans_font_extends(const uint32_t *cps, int i);

/* No glyph needed: white space, controls, default-ignorable code points. */
extern bool imgtrans_font_invisible(uint32_t cp);

/*
 * Draws glyph (an index in the slot's face) at em size px with its origin
 * at (x, baseline); glyph coverage goes to sink.
 */
extern void imgtrans_font_draw_glyph(int slot, uint32_t glyph, int px, int x,
									 int baseline, GlyphSink sink, void *ctx);

#endif							/* IMGTRANS_FONT_H */
