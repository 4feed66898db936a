/*
 * test/render/test_textlayout.c: cmocka unit tests of src/render/textlayout.c (UTF-8
 * decoding, the stream-safe limit on combining marks, greedy word wrap,
 * font-size fitting) with a made-up monospace font, so no FreeType is
 * needed.  `make unittest` builds and runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "render/textlayout.h"

/* 1000 units per em: letters 500, spaces 250, CJK 1000 */
static int32_t
fake_advance(void *ctx, uint32_t cp)
{
	(void) ctx;
	if (cp == ' ')
		return 250;
	if (cp >= 0x3000)
		return 1000;
	return 500;
}

static const TlFont font = {1000, 1.25};

static int
decode(const char *s, uint32_t *cps)
{
	return tl_utf8_decode(s, strlen(s), cps);
}

/* A shaped text made up from s: every code point its own cluster. */
typedef struct Fake
{
	uint32_t	cps[256];
	int32_t		widths[256];
	uint8_t		flags[256];
	TlText		t;
} Fake;

static const TlText *
fake_text(Fake *f, const char *s)
{
	int			i;

	f->t.n = decode(s, f->cps);
	for (i = 0; i < f->t.n; i++)
	{
		f->widths[i] = fake_advance(NULL, f->cps[i]);
		f->flags[i] = TL_CLUSTER;
	}
	tl_mark_breaks(f->cps, f->t.n, f->flags);
	f->t.cps = f->cps;
	f->t.widths = f->widths;
	f->t.flags = f->flags;
	return &f->t;
}

/* Wraps s at px into max_width and returns line i as UTF-8-free ASCII. */
static int
wrap_ascii(const char *s, int px, int max_width, bool split, char out[][64], int *flags)
{
	static Fake f;
	TlLine		lines[257];
	const TlText *t = fake_text(&f, s);
	uint32_t   *cps = f.cps;
	int			nl = tl_wrap(t, &font, px, max_width, split, lines, flags);
	int			i,
				j;

	for (i = 0; i < nl; i++)
	{
		for (j = lines[i].start; j < lines[i].end; j++)
			out[i][j - lines[i].start] = (char) cps[j];
		out[i][lines[i].end - lines[i].start] = '\0';
	}
	return nl;
}

static void
test_utf8_decode(void **state)
{
	uint32_t	cps[32];
	int			n;

	n = decode("añüß€", cps);
	assert_int_equal(n, 5);
	assert_int_equal(cps[0], 'a');
	assert_int_equal(cps[1], 0xF1);
	assert_int_equal(cps[2], 0xFC);
	assert_int_equal(cps[3], 0xDF);
	assert_int_equal(cps[4], 0x20AC);
	n = decode("日本😀", cps);
	assert_int_equal(n, 3);
	assert_int_equal(cps[0], 0x65E5);
	assert_int_equal(cps[2], 0x1F600);
	/* stray continuation, overlong, truncated: one U+FFFD per bad byte */
	n = decode("a\x80" "b\xC0\xAF" "c\xE2\x82", cps);
	assert_int_equal(n, 8);
	assert_int_equal(cps[1], 0xFFFD);
	assert_int_equal(cps[3], 0xFFFD);
	assert_int_equal(cps[4], 0xFFFD);
	assert_int_equal(cps[5], 'c');
	assert_int_equal(cps[6], 0xFFFD);
	assert_int_equal(cps[7], 0xFFFD);
	/* surrogates are not code points */
	n = decode("\xED\xA0\x80", cps);
	assert_int_equal(n, 3);
	assert_int_equal(cps[0], 0xFFFD);
	/* out NULL only counts, bad bytes as they decode */
	assert_int_equal(tl_utf8_decode("a\x80" "b\xC0\xAF" "c\xE2\x82", 8, NULL), 8);
	assert_int_equal(tl_utf8_decode("日本😀", strlen("日本😀"), NULL), 3);
}

/* Made-up classes: U+0300..U+036F marks, U+2060 transparent, else starters. */
static TlMarkClass
fake_class(uint32_t cp)
{
	if (cp >= 0x300 && cp <= 0x36F)
		return TL_NONSTARTER;
	return cp == 0x2060 ? TL_TRANSPARENT : TL_STARTER;
}

/* k marks U+0301 after a base 'e', then "x"; returns the length kept. */
static int
marks_kept(uint32_t *cps, int k)
{
	int			n = 0,
				i;

	cps[n++] = 'e';
	for (i = 0; i < k; i++)
		cps[n++] = 0x301;
	cps[n++] = 'x';
	return tl_stream_safe(cps, n, fake_class);
}

static void
test_stream_safe(void **state)
{
	uint32_t	cps[256];
	int			n,
				i;

	/* up to 30 marks on a base are kept, the 31st and on are dropped */
	assert_int_equal(marks_kept(cps, 0), 2);
	assert_int_equal(marks_kept(cps, 29), 31);
	assert_int_equal(marks_kept(cps, TL_MAX_NONSTARTERS), 32);
	assert_int_equal(marks_kept(cps, TL_MAX_NONSTARTERS + 1), 32);
	n = marks_kept(cps, 200);
	assert_int_equal(n, 32);
	assert_int_equal(cps[0], 'e');
	for (i = 1; i <= TL_MAX_NONSTARTERS; i++)
		assert_int_equal(cps[i], 0x301);
	assert_int_equal(cps[31], 'x');		/* the next base is kept */
	/* marks without a base (at the start) are a run too */
	for (i = 0; i < 40; i++)
		cps[i] = 0x308;
	assert_int_equal(tl_stream_safe(cps, 40, fake_class), TL_MAX_NONSTARTERS);
	/* a base starts a new run: 2 x (base + 30 marks) is kept whole */
	n = 0;
	for (i = 0; i < 62; i++)
		cps[n++] = i % 31 == 0 ? 'a' : 0x301;
	assert_int_equal(tl_stream_safe(cps, n, fake_class), 62);
	/* a transparent code point is kept but neither counts nor ends the run */
	n = 0;
	cps[n++] = 'e';
	for (i = 0; i < 40; i++)
	{
		cps[n++] = 0x301;
		cps[n++] = 0x2060;
	}
	n = tl_stream_safe(cps, n, fake_class);
	assert_int_equal(n, 1 + TL_MAX_NONSTARTERS + 40);
	assert_int_equal(cps[n - 1], 0x2060);
	assert_int_equal(cps[n - 2], 0x2060);	/* the 31st mark went */
	/* an ordinary text is left as it is */
	n = decode("Cafe\xCC\x81 nin\xCC\x83o", cps);
	assert_int_equal(tl_stream_safe(cps, n, fake_class), n);
	assert_int_equal(cps[4], 0x301);
	assert_int_equal(tl_stream_safe(cps, 0, fake_class), 0);
}

static void
test_wrap_greedy(void **state)
{
	char		l[8][64];
	int			flags;

	/* px 20: letters 10 px, spaces 5 px; "aaa bb" = 55 px */
	assert_int_equal(wrap_ascii("aaa bb cc", 20, 55, false, l, &flags), 2);
	assert_string_equal(l[0], "aaa bb");
	assert_string_equal(l[1], "cc");
	assert_int_equal(flags, 0);
	assert_int_equal(wrap_ascii("aaa bb cc", 20, 54, false, l, &flags), 2);
	assert_string_equal(l[0], "aaa");
	assert_string_equal(l[1], "bb cc");
	/* wide enough for all: one line, inner spaces kept, outer dropped */
	assert_int_equal(wrap_ascii("  aaa  bb \t", 20, 1000, false, l, &flags), 1);
	assert_string_equal(l[0], "aaa  bb");
	/* nothing to lay out */
	assert_int_equal(wrap_ascii(" \n\t ", 20, 100, false, l, &flags), 0);
	assert_int_equal(wrap_ascii("", 20, 100, false, l, &flags), 0);
}

static void
test_wrap_newlines(void **state)
{
	char		l[8][64];
	int			flags;

	assert_int_equal(wrap_ascii("aa\nbb\n\ncc", 20, 1000, false, l, &flags), 4);
	assert_string_equal(l[0], "aa");
	assert_string_equal(l[1], "bb");
	assert_string_equal(l[2], "");
	assert_string_equal(l[3], "cc");
}

static void
test_wrap_long_word(void **state)
{
	char		l[8][64];
	int			flags;

	/* a 6-letter word (60 px) in 35 px: overflows whole, or split 3+3 */
	assert_int_equal(wrap_ascii("x abcdef y", 20, 35, false, l, &flags), 3);
	assert_string_equal(l[1], "abcdef");
	assert_int_equal(flags, TL_SPLIT | TL_OVERFLOW);
	assert_int_equal(wrap_ascii("x abcdef y", 20, 35, true, l, &flags), 4);
	assert_string_equal(l[0], "x");
	assert_string_equal(l[1], "abc");
	assert_string_equal(l[2], "def");
	assert_string_equal(l[3], "y");
	assert_int_equal(flags, TL_SPLIT);
}

static void
test_wrap_cjk(void **state)
{
	static Fake f;
	TlLine		lines[33];
	const TlText *t = fake_text(&f, "日本語のテキスト");
	int			flags;

	/* px 10: each CJK character 10 px; breaks between any two */
	assert_int_equal(tl_wrap(t, &font, 10, 30, false, lines, &flags), 3);
	assert_int_equal(flags, 0);
	assert_int_equal(lines[0].start, 0);
	assert_int_equal(lines[0].end, 3);
	assert_int_equal(lines[2].end, 8);
	assert_int_equal(tl_units_to_px(&font, lines[0].width, 10), 30);
}

/* Kinsoku: no line starts with 。or a small kana, none ends with 「 */
static void
test_wrap_kinsoku(void **state)
{
	static Fake f;
	TlLine		lines[33];
	const TlText *t = fake_text(&f, "日本「語」。ちょっと");
	int			nl,
				i;

	/* 10 px a character, 20 px lines: pairs, moved to keep the rules */
	nl = tl_wrap(t, &font, 10, 20, false, lines, NULL);
	for (i = 0; i < nl; i++)
	{
		uint32_t	first = f.cps[lines[i].start];
		uint32_t	last = f.cps[lines[i].end - 1];

		assert_true(first != 0x3002 && first != 0x300D && first != 0x3087 && first != 0x3063);
		assert_true(last != 0x300C);
	}
	/* 「語」。 cannot be broken: it overflows 20 px on a line of its own */
	assert_int_equal(nl, 4);
	assert_int_equal(lines[1].start, 2);
	assert_int_equal(lines[1].end, 6);
	/* ちょっ stays together (no line starts with a small kana) */
	assert_int_equal(lines[2].end - lines[2].start, 3);
	assert_int_equal(lines[3].end - lines[3].start, 1);
}

/*
 * Clusters: a base with two combining marks and a ZWJ sequence are single
 * clusters (the caller's flags), so a split of a long word keeps them whole;
 * caller-given breaks (Thai words) are used without spaces.
 */
static void
test_wrap_clusters(void **state)
{
	static Fake f;
	TlLine		lines[33];
	const TlText *t;
	int			nl,
				i,
				flags;

	t = fake_text(&f, "abcdefgh");
	/* "a" + 2 marks, then "b", "c" as one 1500-unit cluster each ... */
	for (i = 0; i < 8; i++)
		f.flags[i] = (i % 3 == 0) ? TL_CLUSTER : 0;
	nl = tl_wrap(t, &font, 20, 25, true, lines, &flags);
	assert_int_equal(flags, TL_SPLIT | TL_OVERFLOW);
	for (i = 0; i < nl; i++)
		assert_true(lines[i].start % 3 == 0);
	assert_int_equal(nl, 3);
	/* breaks given by the caller: "abcd|efgh" at 20 px */
	t = fake_text(&f, "abcdefgh");
	f.flags[4] |= TL_BREAK;
	nl = tl_wrap(t, &font, 10, 20, false, lines, &flags);
	assert_int_equal(nl, 2);
	assert_int_equal(lines[1].start, 4);
	assert_int_equal(flags, 0);
	/* a break inside a cluster is not taken */
	f.flags[4] = TL_BREAK;
	nl = tl_wrap(t, &font, 10, 20, false, lines, &flags);
	assert_int_equal(nl, 1);
	/* odd input: only marks, only a ZWJ, nothing */
	t = fake_text(&f, "\xCC\x81\xCC\x81");
	f.flags[1] = 0;
	assert_int_equal(tl_wrap(t, &font, 10, 5, true, lines, &flags), 1);
	t = fake_text(&f, "\xE2\x80\x8D");
	assert_int_equal(tl_wrap(t, &font, 10, 5, true, lines, &flags), 1);
}

static void
test_fit_size(void **state)
{
	static Fake f;
	TlLine		lines[65];
	const TlText *t = fake_text(&f, "aaaa bbbb");
	TlLayout	lay;

	/*
	 * One line is 4.25 ems wide, two lines are 2 ems wide and 2.25 ems
	 * high.  Box 100 x 20: one line, the height limits the size to 20.
	 */
	lay = tl_fit(t, &font, 100, 20, 4, 40, lines);
	assert_true(lay.fits);
	assert_int_equal(lay.px, 20);
	assert_int_equal(lay.nlines, 1);
	/* box 100 x 60: two lines at 26 (58.5 px high); 27 needs 61 */
	lay = tl_fit(t, &font, 100, 60, 4, 40, lines);
	assert_true(lay.fits);
	assert_int_equal(lay.px, 26);
	assert_int_equal(lay.nlines, 2);
	assert_int_equal(lines[1].start, 5);
	/* max_px caps the size; at 12 one line is 51 px wide */
	lay = tl_fit(t, &font, 100, 60, 4, 12, lines);
	assert_int_equal(lay.px, 12);
	assert_int_equal(lay.nlines, 1);
	assert_false(lay.broken_words);
}

static void
test_fit_overflow(void **state)
{
	static Fake f;
	TlLine		lines[65];
	const TlText *t = fake_text(&f, "abcdefghij");
	TlLayout	lay;

	/* 5 ems wide: fits 20 px whole at px 4 */
	lay = tl_fit(t, &font, 20, 30, 4, 40, lines);
	assert_true(lay.fits);
	assert_false(lay.broken_words);
	assert_int_equal(lay.px, 4);
	/* but not 15 px: split, 4 letters a line at px 7, 3 lines = 25 px high */
	lay = tl_fit(t, &font, 15, 30, 4, 40, lines);
	assert_true(lay.fits);
	assert_true(lay.broken_words);
	assert_int_equal(lay.px, 7);
	assert_int_equal(lay.nlines, 3);
	/* nothing fits a 2 x 2 box: min size, fits = false */
	lay = tl_fit(t, &font, 2, 2, 4, 40, lines);
	assert_false(lay.fits);
	assert_int_equal(lay.px, 4);
	/* empty text fits at the largest size */
	lay = tl_fit(fake_text(&f, ""), &font, 10, 10, 4, 40, lines);
	assert_true(lay.fits);
	assert_int_equal(lay.nlines, 0);
}

static void
test_block_height(void **state)
{
	assert_int_equal(tl_block_height(&font, 20, 0), 0);
	assert_int_equal(tl_block_height(&font, 20, 1), 20);
	assert_int_equal(tl_block_height(&font, 20, 3), 70);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_stream_safe),
		cmocka_unit_test(test_wrap_greedy),
		cmocka_unit_test(test_wrap_newlines),
		cmocka_unit_test(test_wrap_long_word),
		cmocka_unit_test(test_wrap_cjk),
		cmocka_unit_test(test_wrap_kinsoku),
		cmocka_unit_test(test_wrap_clusters),
		cmocka_unit_test(test_fit_size),
		cmocka_unit_test(test_fit_overflow),
		cmocka_unit_test(test_block_height),
	};

	return cmocka_run_group_tests_name("textlayout", tests, NULL, NULL);
}
