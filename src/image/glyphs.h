/*-------------------------------------------------------------------------
 * glyphs.h
 *	  Ink and glyph-sized components of a page (glyphs.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_GLYPHS_H
#define IMGTRANS_GLYPHS_H

#include "image/lept.h"

extern int	imgtrans_ink_threshold(PIX *gray);
extern bool imgtrans_glyph_sized(int bw, int bh, int w, int h, double reduce);
extern int	imgtrans_count_glyph_sized(BOXA *boxa, int w, int h, double reduce);

#endif							/* IMGTRANS_GLYPHS_H */
