/*-------------------------------------------------------------------------
 * textlayout.h
 *	  Word wrap and font-size fitting of one text into one box.
 *
 * Plain C with no PostgreSQL, FreeType or leptonica dependency, so that
 * test/render/test_textlayout.c can unit-test it with a made-up font.  The font is
 * seen only through a glyph-advance callback in font units; every size is
 * a pixel size of the em.  Nothing here allocates: callers pass buffers.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TEXTLAYOUT_H
#define IMGTRANS_TEXTLAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the layout needs to know about a font. */
typedef struct TlFont
{
	/* horizontal advance of a code point, in font units */
	int32_t		(*advance) (void *ctx, uint32_t cp);
	void	   *ctx;
	int			units_per_em;
	double		line_pitch;		/* baseline to baseline, in ems (>= 1) */
} TlFont;

/* One laid-out line: code points [start, end), trailing spaces excluded. */
typedef struct TlLine
{
	int			start;
	int			end;
	int64_t		width;			/* in font units */
} TlLine;

/* The result of tl_fit(). */
typedef struct TlLayout
{
	int			px;				/* chosen em size in pixels */
	int			nlines;
	bool		fits;			/* false: even min_px overflows the box */
	bool		broken_words;	/* a word had to be split across lines */
} TlLayout;

/*
 * Decodes UTF-8 into code points; each invalid byte becomes U+FFFD.  out
 * needs room for len code points.  Returns the number written.
 */
extern int	tl_utf8_decode(const char *s, size_t len, uint32_t *out);

/* tl_wrap() flags */
#define TL_SPLIT	1			/* a word was split across lines */
#define TL_OVERFLOW	2			/* a line is wider than max_width */

/*
 * Greedy wrap of cps[0..n) at em size px into lines no wider than
 * max_width pixels.  Leading and trailing white space is dropped.  Breaks
 * at spaces, around CJK characters and at '\n'; a word wider than a line
 * is split between characters only when allow_split, else it overflows
 * its own line.  lines needs room for n + 1 entries.  Returns the number
 * of lines and sets *flags (if not NULL) to TL_SPLIT | TL_OVERFLOW bits.
 */
extern int	tl_wrap(const uint32_t *cps, int n, const TlFont *font, int px,
					int max_width, bool allow_split, TlLine *lines, int *flags);

/* White space for layout: breaks lines and is not drawn. */
extern bool tl_is_space(uint32_t cp);

/* Height in pixels of nlines lines at em size px: (n - 1) pitches + 1 em. */
extern int	tl_block_height(const TlFont *font, int px, int nlines);

/*
 * Finds the largest em size in [min_px, max_px] at which the wrapped text
 * fits a box_w x box_h pixel box, preferring sizes that keep words whole;
 * lines (room for n + 1) receives the wrap at that size.  If nothing fits,
 * the layout is at min_px with fits = false (the caller clips).
 */
extern TlLayout tl_fit(const uint32_t *cps, int n, const TlFont *font,
					   int box_w, int box_h, int min_px, int max_px,
					   TlLine *lines);

/* Pixel width of font units at em size px, rounded up. */
extern int	tl_units_to_px(const TlFont *font, int64_t units, int px);

#endif							/* IMGTRANS_TEXTLAYOUT_H */
