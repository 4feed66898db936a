/*-------------------------------------------------------------------------
 * font.h
 *	  The text font of the renderer (FreeType), seen without FreeType types.
 *
 * One face per backend, loaded from imgtrans.font_path on first use and
 * reloaded when that setting changes.  Glyphs are handed to the caller as
 * 8-bit coverage bitmaps, so the caller blends them into its own pixels.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_FONT_H
#define IMGTRANS_FONT_H

#include "render/textlayout.h"

/* Receives one glyph: coverage rows (0..255), top-left at (left, top). */
typedef void (*GlyphSink) (void *ctx, const unsigned char *coverage,
						   int rows, int width, int pitch, int left, int top);

/* The font in force, for textlayout.c; ERRORs if it cannot be loaded. */
extern const TlFont *imgtrans_font(void);

/* Descent below the baseline, in ems. */
extern double imgtrans_font_descent(void);

/*
 * Draws cps[0..n) at em size px, pen starting at x on the given baseline,
 * advancing exactly as textlayout.c measures.  White space is skipped; a
 * character the font lacks is drawn as the font's .notdef glyph.
 */
extern void imgtrans_font_draw(const uint32_t *cps, int n, int px, int x,
							   int baseline, GlyphSink sink, void *ctx);

#endif							/* IMGTRANS_FONT_H */
