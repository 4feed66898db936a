/*-------------------------------------------------------------------------
 * textlayout.h
 *	  Word wrap and font-size fitting of one text into one box.
 *
 * Plain C with no PostgreSQL, FreeType or leptonica dependency, so that
 * test/render/test_textlayout.c can unit-test it with made-up widths.  The
 * text arrives shaped (shape.c): a width per code point in font units (a
 * cluster's whole width on its first code point, 0 on the others) and flags
 * saying where clusters start and where a line may break.  Every size is a
 * pixel size of the em.  Never splits a cluster; nothing here allocates:
 * callers pass buffers.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TEXTLAYOUT_H
#define IMGTRANS_TEXTLAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the layout needs to know about the fonts. */
typedef struct TlFont
{
	int			units_per_em;	/* width units per em */
	double		line_pitch;		/* baseline to baseline, in ems (>= 1) */
} TlFont;

/* TlText.flags bits, one byte per code point */
#define TL_CLUSTER	1			/* a cluster (grapheme, ligature) starts here */
#define TL_BREAK	2			/* a line may break before this code point */

/* A shaped text: code points, their widths and flags. */
typedef struct TlText
{
	const uint32_t *cps;
	const int32_t *widths;		/* font units; a cluster's on its first cp */
	const uint8_t *flags;		/* TL_CLUSTER | TL_BREAK */
	int			n;
} TlText;

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
 * needs room for len code points, or is NULL to only count them.  Returns
 * the number of code points.
 */
extern int	tl_utf8_decode(const char *s, size_t len, uint32_t *out);

/*
 * Most non-starters kept in a row: UAX #15's Stream-Safe Text Format.  A
 * base with more marks than this is no text (no font stacks them legibly),
 * and shaping such a run costs HarfBuzz time quadratic in its length.
 */
#define TL_MAX_NONSTARTERS	30

/* What tl_stream_safe() asks of each code point. */
typedef enum TlMarkClass
{
	TL_STARTER,					/* a base, space or control: ends a run */
	TL_NONSTARTER,				/* a combining mark: counts in the run */
	TL_TRANSPARENT				/* a default-ignorable: neither counts nor
								 * ends the run (HarfBuzz skips it too) */
} TlMarkClass;

/*
 * Drops, in place, every non-starter after the first TL_MAX_NONSTARTERS of
 * a run (a run: the non-starters between two starters, the transparent code
 * points among them kept).  classify tells the classes (shape.c asks
 * HarfBuzz's Unicode data).  Returns the new length, n when nothing went.
 */
extern int	tl_stream_safe(uint32_t *cps, int n, TlMarkClass (*classify) (uint32_t cp));

/* tl_wrap() flags */
#define TL_SPLIT	1			/* a word was split across lines */
#define TL_OVERFLOW	2			/* a line is wider than max_width */

/*
 * Adds TL_BREAK where the script allows a line break without a space:
 * between CJK characters (kana, Han, fullwidth forms; Korean breaks at
 * spaces, between words), except
 * before closing punctuation, small kana and the prolonged sound mark, and
 * after opening punctuation (the usual kinsoku rules).  Breaks at spaces
 * need no flag; Thai word breaks come from the caller (libthai).
 */
extern void tl_mark_breaks(const uint32_t *cps, int n, uint8_t *flags);

/*
 * Greedy wrap of t at em size px into lines no wider than max_width
 * pixels.  Leading and trailing white space is dropped.  Breaks at spaces,
 * at '\n' and before code points flagged TL_BREAK that start a cluster; a
 * word wider than a line is split between clusters only when allow_split,
 * else it overflows its own line.  lines needs room for n + 1 entries.
 * Returns the number of lines and sets *flags (if not NULL) to
 * TL_SPLIT | TL_OVERFLOW bits.
 */
extern int	tl_wrap(const TlText *t, const TlFont *font, int px,
					int max_width, bool allow_split, TlLine *lines, int *flags);

/* White space for layout: breaks lines and is not drawn. */
extern bool tl_is_space(uint32_t cp);

/* Han, kana, Hangul, CJK punctuation and fullwidth forms. */
extern bool tl_is_cjk(uint32_t cp);

/* Height in pixels of nlines lines at em size px: (n - 1) pitches + 1 em. */
extern int	tl_block_height(const TlFont *font, int px, int nlines);

/*
 * Finds the largest em size in [min_px, max_px] at which the wrapped text
 * fits a box_w x box_h pixel box, preferring sizes that keep words whole;
 * lines (room for n + 1) receives the wrap at that size.  If nothing fits,
 * the layout is at min_px with fits = false (the caller clips).
 */
extern TlLayout tl_fit(const TlText *t, const TlFont *font,
					   int box_w, int box_h, int min_px, int max_px,
					   TlLine *lines);

/* Pixel width of font units at em size px, rounded up. */
extern int	tl_units_to_px(const TlFont *font, int64_t units, int px);

#endif							/* IMGTRANS_TEXTLAYOUT_H */
