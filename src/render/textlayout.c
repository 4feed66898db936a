/*-------------------------------------------------------------------------
 * textlayout.c
 *	  Word wrap and font-size fitting of one text into one box.
 *
 * Plain C: no PostgreSQL, FreeType or leptonica here (test/render/test_textlayout.c
 * links this file alone).  Widths come shaped from the caller (shape.c,
 * per cluster, in font units) and scale linearly with the em size, which is
 * how the renderer draws (unhinted advances), so a line measured here is
 * the line drawn.  Lines break at spaces, at '\n', and where TL_BREAK says
 * (CJK with kinsoku here, Thai from the caller), never inside a cluster.  Greedy wrapping gives the fewest lines for a width, and the
 * line count only grows as the size grows, so the fitting size is found by
 * binary search.  Before shaping, tl_stream_safe() bounds runs of combining
 * marks (shape.c: HarfBuzz is quadratic in them).  Never allocates.
 *-------------------------------------------------------------------------
 */
#include "render/textlayout.h"

#include <math.h>
#include <string.h>

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
			cp = REPLACEMENT_CHAR;
			sl = 1;
		}
		if (out)
			out[n] = cp;
		n++;
		i += sl;
	}
	return n;
}

int
tl_stream_safe(uint32_t *cps, int n, TlMarkClass (*classify) (uint32_t cp))
{
	int			run = 0,
				kept = 0,
				i;

	for (i = 0; i < n; i++)
	{
		switch (classify(cps[i]))
		{
			case TL_STARTER:
				run = 0;
				break;
			case TL_NONSTARTER:
				if (run == TL_MAX_NONSTARTERS)
					continue;	/* dropped */
				run++;
				break;
			case TL_TRANSPARENT:
				break;
		}
		cps[kept++] = cps[i];
	}
	return kept;
}

bool
tl_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\f' ||
		cp == '\v' || cp == 0x3000;
}

/* Scripts written without spaces: a line may break before or after each. */
bool
tl_is_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) ||	/* radicals .. unified ideographs */
		(cp >= 0xAC00 && cp <= 0xD7AF) ||	/* Hangul syllables */
		(cp >= 0xF900 && cp <= 0xFAFF) ||	/* compatibility ideographs */
		(cp >= 0xFF00 && cp <= 0xFFEF) ||	/* fullwidth forms */
		(cp >= 0x20000 && cp <= 0x3FFFF);	/* supplementary ideographs */
}

/* Kinsoku: never at the start of a line (closing marks, small kana). */
static bool
no_break_before(uint32_t cp)
{
	static const char ascii[] = ",.!?:;)]}%";
	static const uint32_t cjk[] = {
		0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011,
		0x3015, 0x3017, 0x3019, 0x301B, 0x301C, 0x301F, 0x303B, 0x309D,
		0x309E, 0x30A0, 0x30FB, 0x30FC, 0x30FD, 0x30FE, 0x2019, 0x201D,
		0x2010, 0x2013, 0x2026, 0x2025, 0xFF01, 0xFF09, 0xFF0C, 0xFF0E,
		0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF5E, 0xFF61, 0xFF63,
		0xFF64, 0xFF65, 0xFF70, 0xFF9E, 0xFF9F};
	/* small kana */
	static const uint32_t small[] = {
		0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
		0x3087, 0x308E, 0x3095, 0x3096, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
		0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6};
	size_t		i;

	if (cp < 0x80)
		return cp != 0 && strchr(ascii, (int) cp) != NULL;
	for (i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
		if (cjk[i] == cp)
			return true;
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		if (small[i] == cp)
			return true;
	return cp >= 0x31F0 && cp <= 0x31FF;	/* katakana phonetic extensions */
}

/* Kinsoku: never at the end of a line (opening marks). */
static bool
no_break_after(uint32_t cp)
{
	static const uint32_t open[] = {
		'(', '[', '{', 0x2018, 0x201C, 0x3008, 0x300A, 0x300C, 0x300E,
		0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D, 0xFF08, 0xFF3B,
		0xFF5B, 0xFF5F, 0xFF62};
	size_t		i;

	for (i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		if (open[i] == cp)
			return true;
	return false;
}

/* Breaks between characters: CJK, except Hangul (Korean breaks at spaces). */
static bool
breaks_around(uint32_t cp)
{
	return tl_is_cjk(cp) && !(cp >= 0xAC00 && cp <= 0xD7AF);
}

void
tl_mark_breaks(const uint32_t *cps, int n, uint8_t *flags)
{
	int			i;

	for (i = 1; i < n; i++)
	{
		uint32_t	prev = cps[i - 1],
					cur = cps[i];

		if (tl_is_space(prev) || tl_is_space(cur))
			continue;
		if ((breaks_around(prev) || breaks_around(cur)) &&
			!no_break_before(cur) && !no_break_after(prev))
			flags[i] |= TL_BREAK;
	}
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

/* A break (other than at a space) is allowed before i. */
static bool
break_before(const TlText *t, int i)
{
	return (t->flags[i] & (TL_BREAK | TL_CLUSTER)) == (TL_BREAK | TL_CLUSTER);
}

/* End of the word starting at i: up to a space or a break opportunity. */
static int
word_end(const TlText *t, int n, int i)
{
	i++;
	while (i < n && !tl_is_space(t->cps[i]) && !break_before(t, i))
		i++;
	return i;
}

static int64_t
span_width(const TlText *t, int from, int to)
{
	int64_t		w = 0;

	for (; from < to; from++)
		w += t->widths[from];
	return w;
}

/* State of the wrap in progress. */
typedef struct Wrap
{
	const TlText *t;
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

/* Places the clusters of a too-wide word one by one, breaking between. */
static void
place_split(Wrap *w, int from, int to)
{
	int			i = from;

	while (i < to)
	{
		int			end = i + 1;
		int64_t		adv;

		while (end < to && !(w->t->flags[end] & TL_CLUSTER))
			end++;
		adv = span_width(w->t, i, end);
		if (w->cur.end > w->cur.start && !fits_width(w, w->cur.width + adv))
		{
			close_line(w);
			open_line(w, i);
		}
		w->cur.end = end;
		w->cur.width += adv;
		i = end;
	}
	w->flags |= TL_SPLIT;
}

/* Places word [from, to) after the gap [gap_from, from) of the open line. */
static void
place_word(Wrap *w, int gap_from, int from, int to, bool allow_split)
{
	int64_t		word = span_width(w->t, from, to);

	if (w->cur.end > w->cur.start)
	{
		int64_t		joined = w->cur.width + span_width(w->t, gap_from, from) + word;

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
		place_split(w, from, to);
		return;
	}
	if (!fits_width(w, word))
		w->flags |= TL_SPLIT;
	w->cur.end = to;
	w->cur.width = word;
}

int
tl_wrap(const TlText *t, const TlFont *font, int px,
		int max_width, bool allow_split, TlLine *lines, int *flags)
{
	Wrap		w = {t, font, px, max_width, lines, 0, {0, 0, 0}, false, 0};
	const uint32_t *cps = t->cps;
	int			n = t->n;
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
		end = word_end(t, n, i);
		place_word(&w, gap, i, end, allow_split);
		i = end;
	}
	close_line(&w);
	if (flags)
		*flags = w.flags;
	return w.nlines;
}

/* Wraps at px and says whether the result fits the box. */
static bool
fits_box(const TlText *t, const TlFont *font, int px, int box_w,
		 int box_h, bool allow_split, TlLine *lines, TlLayout *out)
{
	int			flags;
	int			nlines = tl_wrap(t, font, px, box_w, allow_split, lines, &flags);

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
search_size(const TlText *t, const TlFont *font, int box_w,
			int box_h, int lo, int hi, bool allow_split, TlLine *lines)
{
	TlLayout	scratch;
	int			best = 0;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (fits_box(t, font, mid, box_w, box_h, allow_split, lines, &scratch))
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
tl_fit(const TlText *t, const TlFont *font, int box_w, int box_h,
	   int min_px, int max_px, TlLine *lines)
{
	TlLayout	out;
	int			px;
	bool		allow_split = false;

	if (min_px < 1)
		min_px = 1;
	if (max_px < min_px)
		max_px = min_px;
	px = search_size(t, font, box_w, box_h, min_px, max_px, false, lines);
	if (px == 0)
	{
		allow_split = true;
		px = search_size(t, font, box_w, box_h, min_px, max_px, true, lines);
	}
	out.fits = px != 0;
	if (px == 0)
		px = min_px;
	/* redo the wrap at the chosen size: lines holds the last one tried */
	fits_box(t, font, px, box_w, box_h, allow_split, lines, &out);
	return out;
}
