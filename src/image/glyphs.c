/*-------------------------------------------------------------------------
 * glyphs.c
 *	  Where a page's ink is and which of its connected components are
 *	  glyph-sized: the one definition that auto's measure step
 *	  (src/ocr/preprocess.c, in the engine module) and the cost estimate of
 *	  a document job's pages (src/jobs/pagecost.c) both use.
 *
 * Plain leptonica on images the caller owns; never allocates beyond what
 * it frees, never raises.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "image/glyphs.h"

/*
 * The gray level halfway between the mean ink and the mean paper levels of
 * an 8-bpp image (its own distribution: a fixed level misses the light ink
 * of a faded thermal receipt); 130 when the image has no two levels.
 */
int
imgtrans_ink_threshold(PIX *gray)
{
	l_int32		fg = 0,
				bg = 0;

	if (pixSplitDistributionFgBg(gray, 0.0, 2, NULL, &fg, &bg, NULL) == 0 && bg > fg)
		return (fg + bg + 1) / 2;
	return 130;
}

/*
 * A component of bw x bh in a w x h image measured at scale reduce is
 * glyph-sized: not a speck, and not a page-sized border or picture
 * (against the longer side: a one-line image is a glyph tall).
 */
bool
imgtrans_glyph_sized(int bw, int bh, int w, int h, double reduce)
{
	return bh >= Max(2, 4 * reduce) && bh < Max(w, h) / 4 && bw < w / 4;
}

int
imgtrans_count_glyph_sized(BOXA *boxa, int w, int h, double reduce)
{
	int			i,
				n = 0;

	for (i = 0; boxa && i < boxaGetCount(boxa); i++)
	{
		l_int32		bx,
					by,
					bw,
					bh;

		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		if (imgtrans_glyph_sized(bw, bh, w, h, reduce))
			n++;
	}
	return n;
}
