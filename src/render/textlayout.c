/*-------------------------------------------------------------------------
 * textlayout.c
 *	  Word wrap and font-size fitting of one text into one box.
 *
 * Plain C: no PostgreSQL, FreeType or leptonica here (test/render/test_textlayout.c
 * links this file alone).  Widths come from the caller's glyph-advance
 * callback in font units and scale linearly with the em size, which is how
 * the renderer draws (unhinted advances), so a line measured here is the
 * line drawn.  Greedy wrapping gives the fewest lines for a width, and the
 * line count only grows as the size grows, so the fitting size is found by
 * binary search.  Never allocates.
 *-------------------------------------------------------------------------
 */
#include "render/textlayout.h"

#include <math.h>

#define REPLACEMENT_CHAR 0xFFFD

/* Length of a UTF-8 sequence from its lead byte; 0 if not a lead byte. */
static int
utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* Decodes one well-formed sequence of length len at s; 0 if malformed. */
static uint32_t
utf8_seq_value(const unsigned char *s, int len)
{
	static const uint32_t min_value[5] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t	cp = s[0] & (0x7F >> len);
	int			i;

	if (len == 1)
		return s[0];
	for (i = 1; i < len; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min_value[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return cp;
}

int
tl_utf8_decode(const char *s, size_t len, uint32_t *out)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;
	int			n = 0;

	while (i < len)
	{
		int			sl = utf8_seq_len(p[i]);
		uint32_t	cp = 0;

		if (sl > 0 && i + sl <= len)
			cp = utf8_seq_value(p + i, sl);
		if (sl == 0 || i + sl > len || (cp == 0 && sl > 1))
		{
			out[n++] = REPLACEMENT_CHAR;
			i++;
			continue;
		}
		out[n++] = cp;
		i += sl;
	}
	return n;
}

bool
tl_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\f' ||
		cp == '\v' || cp == 0x3000;
}

/* Scripts written without spaces: a line may break before or after each. */
static bool
is_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) ||	/* radicals .. unified ideographs */
		(cp >= 0xAC00 && cp <= 0xD7AF) ||	/* Hangul syllables */
		(cp >= 0xF900 && cp <= 0xFAFF) ||	/* compatibility ideographs */
		(cp >= 0xFF00 && cp <= 0xFFEF) ||	/* fullwidth forms */
		(cp >= 0x20000 && cp <= 0x3FFFF);	/* supplementary ideographs */
}

int
tl_units_to_px(const TlFont *font, int64_t units, int px)
{
	int64_t		num = units * px;

	return (int) ((num + font->units_per_em - 1) / font->units_per_em);
}

int
tl_block_height(const TlFont *font, int px, int nlines)
{
	if (nlines <= 0)
		return 0;
	return (int) ceil(((nlines - 1) * font->line_pitch + 1.0) * px);
}

/* End of the word starting at i: one CJK character, or up to a break. */
static int
word_end(const uint32_t *cps, int n, int i)
{
	if (is_cjk(cps[i]))
		return i + 1;
	while (i < n && !tl_is_space(cps[i]) && !is_cjk(cps[i]))
		i++;
	return i;
}

static int64_t
span_width(const uint32_t *cps, int from, int to, const TlFont *font)
{
	int64_t		w = 0;

	for (; from < to; from++)
		w += font->advance(font->ctx, cps[from]);
	return w;
}

/* State of the wrap in progress. */
typedef struct Wrap
{
	const TlFont *font;
	int			px;
	int			max_width;
	TlLine	   *lines;
	int			nlines;
	TlLine		cur;			/* the open line; empty while start == end */
	bool		open;			/* a line is open (possibly empty after \n) */
	int			flags;
} Wrap;

static bool
fits_width(const Wrap *w, int64_t units)
{
	return tl_units_to_px(w->font, units, w->px) <= w->max_width;
}

static void
close_line(Wrap *w)
{
	if (!w->open)
		return;
	if (!fits_width(w, w->cur.width))
		w->flags |= TL_OVERFLOW;
	w->lines[w->nlines++] = w->cur;
	w->open = false;
}

static void
open_line(Wrap *w, int start)
{
	w->cur.start = w->cur.end = start;
	w->cur.width = 0;
	w->open = true;
}

/* Places the characters of a too-wide word one by one, breaking between. */
static void
place_split(Wrap *w, const uint32_t *cps, int from, int to)
{
	int			i;

	for (i = from; i < to; i++)
	{
		int32_t		adv = w->font->advance(w->font->ctx, cps[i]);

		if (w->cur.end > w->cur.start && !fits_width(w, w->cur.width + adv))
		{
			close_line(w);
			open_line(w, i);
		}
		w->cur.end = i + 1;
		w->cur.width += adv;
	}
	w->flags |= TL_SPLIT;
}

/* Places word [from, to) after the gap [gap_from, from) of the open line. */
static void
place_word(Wrap *w, const uint32_t *cps, int gap_from, int from, int to,
		   bool allow_split)
{
	int64_t		word = span_width(cps, from, to, w->font);

	if (w->cur.end > w->cur.start)
	{
		int64_t		joined = w->cur.width + span_width(cps, gap_from, from, w->font) + word;

		if (fits_width(w, joined))
		{
			w->cur.end = to;
			w->cur.width = joined;
			return;
		}
		close_line(w);
	}
	if (!w->open || w->cur.end == w->cur.start)
		open_line(w, from);
	if (!fits_width(w, word) && allow_split)
	{
		place_split(w, cps, from, to);
		return;
	}
	if (!fits_width(w, word))
		w->flags |= TL_SPLIT;
	w->cur.end = to;
	w->cur.width = word;
}

int
tl_wrap(const uint32_t *cps, int n, const TlFont *font, int px,
		int max_width, bool allow_split, TlLine *lines, int *flags)
{
	Wrap		w = {font, px, max_width, lines, 0, {0, 0, 0}, false, 0};
	int			first = 0;
	int			i;

	while (first < n && tl_is_space(cps[first]))
		first++;
	while (n > first && tl_is_space(cps[n - 1]))
		n--;
	i = first;
	while (i < n)
	{
		int			gap = i;
		int			end;

		while (i < n && tl_is_space(cps[i]) && cps[i] != '\n')
			i++;
		if (i < n && cps[i] == '\n')
		{
			if (!w.open)
				open_line(&w, i);
			close_line(&w);
			open_line(&w, ++i);
			continue;
		}
		end = word_end(cps, n, i);
		place_word(&w, cps, gap, i, end, allow_split);
		i = end;
	}
	close_line(&w);
	if (flags)
		*flags = w.flags;
	return w.nlines;
}

/* Wraps at px and says whether the result fits the box. */
static bool
fits_box(const uint32_t *cps, int n, const TlFont *font, int px, int box_w,
		 int box_h, bool allow_split, TlLine *lines, TlLayout *out)
{
	int			flags;
	int			nlines = tl_wrap(cps, n, font, px, box_w, allow_split, lines, &flags);

	out->px = px;
	out->nlines = nlines;
	out->broken_words = (flags & TL_SPLIT) != 0;
	if (flags & TL_OVERFLOW)
		return false;
	if (!allow_split && (flags & TL_SPLIT))
		return false;
	return tl_block_height(font, px, nlines) <= box_h;
}

/* Largest size in [lo, hi] that fits, or 0. */
static int
search_size(const uint32_t *cps, int n, const TlFont *font, int box_w,
			int box_h, int lo, int hi, bool allow_split, TlLine *lines)
{
	TlLayout	scratch;
	int			best = 0;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (fits_box(cps, n, font, mid, box_w, box_h, allow_split, lines, &scratch))
		{
			best = mid;
			lo = mid + 1;
		}
		else
			hi = mid - 1;
	}
	return best;
}

TlLayout
tl_fit(const uint32_t *cps, int n, const TlFont *font, int box_w, int box_h,
	   int min_px, int max_px, TlLine *lines)
{
	TlLayout	out;
	int			px;
	bool		allow_split = false;

	if (min_px < 1)
		min_px = 1;
	if (max_px < min_px)
		max_px = min_px;
	px = search_size(cps, n, font, box_w, box_h, min_px, max_px, false, lines);
	if (px == 0)
	{
		allow_split = true;
		px = search_size(cps, n, font, box_w, box_h, min_px, max_px, true, lines);
	}
	out.fits = px != 0;
	if (px == 0)
		px = min_px;
	/* redo the wrap at the chosen size: lines holds the last one tried */
	fits_box(cps, n, font, px, box_w, box_h, allow_split, lines, &out);
	return out;
}
