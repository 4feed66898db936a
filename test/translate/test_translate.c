/*
 * test/translate/test_translate.c: cmocka unit tests of src/translate/transcodec.c, the
 * plain-C part of the translation providers: form and JSON encoding,
 * language code mapping, batch chunking, line splitting, splitting long
 * texts into pieces, key scrubbing in every encoding a key travels in.
 * They need no server; `make unittest` builds and runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "translate/transcodec.h"

/* encodes with a length-only pass first, as the server code does */
static char *
encode(size_t (*fn) (char *, const char *, size_t), const char *src)
{
	size_t		n = fn(NULL, src, strlen(src));
	char	   *dst = malloc(n + 1);

	assert_int_equal(fn(dst, src, strlen(src)), n);
	dst[n] = '\0';
	return dst;
}

static void
assert_encodes(size_t (*fn) (char *, const char *, size_t), const char *src, const char *want)
{
	char	   *got = encode(fn, src);

	assert_string_equal(got, want);
	free(got);
}

static void
test_form_encode(void **state)
{
	assert_encodes(tr_form_encode, "Hello world", "Hello+world");
	assert_encodes(tr_form_encode, "eng|spa", "eng%7Cspa");
	assert_encodes(tr_form_encode, "a&b=c+d/e?f", "a%26b%3Dc%2Bd%2Fe%3Ff");
	assert_encodes(tr_form_encode, "line1\nline2", "line1%0Aline2");
	assert_encodes(tr_form_encode, "Café", "Caf%C3%A9");
	assert_encodes(tr_form_encode, "-._*~", "-._*%7E");
	assert_encodes(tr_form_encode, "", "");
}

static void
test_json_escape(void **state)
{
	assert_encodes(tr_json_escape, "plain", "plain");
	assert_encodes(tr_json_escape, "say \"hi\"\\", "say \\\"hi\\\"\\\\");
	assert_encodes(tr_json_escape, "a\nb\tc\rd", "a\\nb\\tc\\rd");
	assert_encodes(tr_json_escape, "\x01\x1f", "\\u0001\\u001F");
	assert_encodes(tr_json_escape, "日本 😀 é", "日本 😀 é");
	assert_encodes(tr_json_escape, "</script>", "</script>");
}

static void
test_latin1_to_utf8(void **state)
{
	assert_encodes(tr_latin1_to_utf8, "plain", "plain");
	assert_encodes(tr_latin1_to_utf8, "é", "Ã©");
	assert_encodes(tr_latin1_to_utf8, "", "");
}

static void
test_kinds(void **state)
{
	assert_int_equal(tr_kind_from_name("apertium"), TR_APERTIUM);
	assert_int_equal(tr_kind_from_name("deepl"), TR_DEEPL);
	assert_int_equal(tr_kind_from_name("google"), TR_GOOGLE);
	assert_int_equal(tr_kind_from_name("libretranslate"), TR_LIBRETRANSLATE);
	assert_int_equal(tr_kind_from_name("DeepL"), -1);
	assert_int_equal(tr_kind_from_name(NULL), -1);
	assert_int_equal(tr_kind_info(TR_DEEPL)->max_batch, 50);
	assert_int_equal(tr_kind_info(TR_GOOGLE)->max_batch, 128);
	assert_false(tr_kind_info(TR_APERTIUM)->detects_source);
	assert_true(tr_kind_info(TR_DEEPL)->detects_source);
	assert_null(tr_kind_info(TR_NKINDS));
}

static void
test_lang_valid(void **state)
{
	assert_true(tr_lang_valid("en"));
	assert_true(tr_lang_valid("eng"));
	assert_true(tr_lang_valid("pt-BR"));
	assert_true(tr_lang_valid("eng_US"));
	assert_true(tr_lang_valid("zh-Hans"));
	assert_true(tr_lang_valid("cat_valencia"));
	assert_false(tr_lang_valid(""));
	assert_false(tr_lang_valid("e"));
	assert_false(tr_lang_valid("engl"));
	assert_false(tr_lang_valid("en-"));
	assert_false(tr_lang_valid("en--US"));
	assert_false(tr_lang_valid("en|es"));
	assert_false(tr_lang_valid("en US"));
	assert_false(tr_lang_valid("en-abcdefghi"));
}

static void
assert_maps(TrKind kind, const char *code, int target, const char *want)
{
	char		out[40];

	if (want == NULL)
	{
		assert_false(tr_lang_for_provider(kind, code, target, out, sizeof(out)));
		return;
	}
	assert_true(tr_lang_for_provider(kind, code, target, out, sizeof(out)));
	assert_string_equal(out, want);
}

static void
test_lang_mapping(void **state)
{
	assert_string_equal(tr_iso1_to_iso3("es"), "spa");
	assert_string_equal(tr_iso3_to_iso1("eng"), "en");
	assert_null(tr_iso1_to_iso3("xx"));

	assert_maps(TR_APERTIUM, "en", 0, "eng");
	assert_maps(TR_APERTIUM, "ES", 1, "spa");
	assert_maps(TR_APERTIUM, "spa", 1, "spa");
	assert_maps(TR_APERTIUM, "en-US", 1, "eng_US");
	assert_maps(TR_APERTIUM, "eng_US", 1, "eng_US");
	assert_maps(TR_APERTIUM, "xx", 1, NULL);
	assert_maps(TR_APERTIUM, "e|s", 1, NULL);

	assert_maps(TR_DEEPL, "en", 0, "EN");
	assert_maps(TR_DEEPL, "eng", 0, "EN");
	assert_maps(TR_DEEPL, "pt-br", 1, "PT-BR");
	assert_maps(TR_DEEPL, "en-GB", 0, "EN");
	assert_maps(TR_DEEPL, "spa", 1, "ES");
	assert_maps(TR_DEEPL, "xyz", 1, NULL);

	assert_maps(TR_GOOGLE, "spa", 1, "es");
	assert_maps(TR_GOOGLE, "zh-cn", 1, "zh-CN");
	assert_maps(TR_GOOGLE, "haw", 1, "haw");
	assert_maps(TR_LIBRETRANSLATE, "ENG", 0, "en");
	assert_maps(TR_LIBRETRANSLATE, "zh-Hans", 1, "zh-Hans");

	{
		char		small[3];

		assert_false(tr_lang_for_provider(TR_APERTIUM, "en", 1, small, sizeof(small)));
	}
}

static void
test_next_chunk(void **state)
{
	size_t		lens[] = {10, 10, 10, 10, 10, 100, 10};

	size_t		chars[] = {4, 4, 4, 4, 4, 40, 4};

	assert_int_equal(tr_next_chunk(lens, NULL, 0, 7, 3, 1000, 0), 3);
	assert_int_equal(tr_next_chunk(lens, NULL, 3, 7, 3, 1000, 0), 6);
	assert_int_equal(tr_next_chunk(lens, NULL, 6, 7, 3, 1000, 0), 7);
	assert_int_equal(tr_next_chunk(lens, NULL, 0, 7, 50, 25, 0), 2);
	/* an item bigger than the budget travels alone */
	assert_int_equal(tr_next_chunk(lens, NULL, 5, 7, 50, 25, 0), 6);
	assert_int_equal(tr_next_chunk(lens, NULL, 4, 7, 50, 25, 0), 5);
	assert_int_equal(tr_next_chunk(lens, NULL, 7, 7, 50, 25, 0), 7);
	/* and a character budget besides the byte budget */
	assert_int_equal(tr_next_chunk(lens, chars, 0, 7, 50, 1000, 12), 3);
	assert_int_equal(tr_next_chunk(lens, chars, 3, 7, 50, 1000, 12), 5);
	assert_int_equal(tr_next_chunk(lens, chars, 5, 7, 50, 1000, 12), 6);
	assert_int_equal(tr_next_chunk(lens, chars, 0, 7, 50, 25, 100), 2);
}

static void
test_split_lines(void **state)
{
	TrSpan		sp[8];
	const char *s = "one\n\n two \r\nlast";

	assert_int_equal(tr_split_lines(s, strlen(s), sp, 8), 4);
	assert_int_equal(sp[0].start, 0);
	assert_int_equal(sp[0].len, 3);
	assert_int_equal(sp[1].len, 0);
	assert_int_equal(sp[2].start, 5);
	assert_int_equal(sp[2].len, 6);
	assert_int_equal(sp[3].start, 12);
	assert_int_equal(sp[3].len, 4);
	assert_int_equal(tr_split_lines("", 0, sp, 8), 1);
	assert_int_equal(sp[0].len, 0);
	assert_int_equal(tr_split_lines("a\n", 2, sp, 8), 2);
	/* counts past max without writing */
	assert_int_equal(tr_split_lines("a\nb\nc", 5, sp, 2), 3);
}

static void
test_trim_span(void **state)
{
	const char *s = "  \tword here \r";
	TrSpan		line = {0, strlen(s)};
	TrSpan		core;

	tr_trim_span(s, &line, &core);
	assert_int_equal(core.start, 3);
	assert_int_equal(core.len, 9);
	line.start = 0;
	line.len = 2;
	tr_trim_span(s, &line, &core);
	assert_int_equal(core.len, 0);
}

/* the pieces of s with max_chars, as "piece|piece|..." */
static char *
pieces_of(const char *s, size_t max_chars)
{
	TrSpan		sp[64];
	int			n = tr_segment(s, strlen(s), max_chars, sp, 64);
	char	   *out = calloc(strlen(s) + 66, 1);
	int			i;

	assert_true(n <= 64);
	assert_int_equal(tr_segment(s, strlen(s), max_chars, NULL, 0), n);
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			strcat(out, "|");
		strncat(out, s + sp[i].start, sp[i].len);
		/* never longer than allowed, never starting inside a character */
		if (max_chars > 0)
			assert_true(tr_utf8_chars(s + sp[i].start, sp[i].len) <= max_chars);
		assert_true(((unsigned char) s[sp[i].start] & 0xC0) != 0x80);
	}
	return out;
}

static void
assert_pieces(const char *s, size_t max_chars, const char *want)
{
	char	   *got = pieces_of(s, max_chars);

	assert_string_equal(got, want);
	free(got);
}

static void
test_segment_lines(void **state)
{
	/* every line break and the blanks at line ends stay out of the pieces */
	assert_pieces("a\n\n\nb", 0, "a|b");
	assert_pieces("\n", 0, "");
	assert_pieces("", 0, "");
	assert_pieces("  \t ", 0, "");
	assert_pieces("Hello.\r\nGood morning.\n", 0, "Hello.|Good morning.");
	assert_pieces("  one two \r\n\t three", 0, "one two|three");
	assert_pieces("a\vb\fc\rd", 0, "a|b|c|d");
	assert_pieces("a\u2028b\u2029c\xC2\x85" "d", 0, "a|b|c|d");
	/* a no-break space is text, not a separator */
	assert_pieces("a\u00A0b", 0, "a\u00A0b");
}

static void
test_segment_long(void **state)
{
	/* sentence ends first, the last one that fits */
	assert_pieces("One. Two. Three four five.", 12, "One. Two.|Three four|five.");
	assert_pieces("Why? Yes! \"Sure.\" No.", 14, "Why? Yes!|\"Sure.\" No.");
	assert_pieces("First one.   Second one.", 20, "First one.|Second one.");
	/* then spaces */
	assert_pieces("aaa bbb ccc ddd", 9, "aaa bbb|ccc ddd");
	/* then between characters, never inside one */
	assert_pieces("abcdefgh", 3, "abc|def|gh");
	assert_pieces("ééééé", 2, "éé|éé|é");
	assert_pieces("日本語の文章です", 3, "日本語|の文章|です");
	assert_pieces("😀😀😀", 1, "😀|😀|😀");
	/* a CJK full stop ends a sentence without a space */
	assert_pieces("これは文。あれは文。", 7, "これは文。|あれは文。");
	/* exactly max_chars stays whole */
	assert_pieces("abc def", 7, "abc def");
	assert_pieces("one.\n\ntwo three four", 9, "one.|two three|four");
}

static void
test_segment_rejoin(void **state)
{
	/* the pieces and the text between them give the text back, exactly */
	const char *s = "  Lead.\n\n\r\n A long line, with words. And more words here!\t\n\u2028end  ";
	TrSpan		sp[32];
	int			n = tr_segment(s, strlen(s), 10, sp, 32);
	char		buf[256] = "";
	size_t		at = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		strncat(buf, s + at, sp[i].start - at);
		strncat(buf, s + sp[i].start, sp[i].len);
		at = sp[i].start + sp[i].len;
	}
	strcat(buf, s + at);
	assert_string_equal(buf, s);
	assert_true(n >= 6);
}

static void
test_utf8_chars(void **state)
{
	assert_int_equal(tr_utf8_chars("abc", 3), 3);
	assert_int_equal(tr_utf8_chars("é日😀", strlen("é日😀")), 3);
	assert_int_equal(tr_utf8_chars("", 0), 0);
}

/* scrubs a copy of s; returns it (malloc'd) */
static char *
scrubbed(const char *s, const char *secret)
{
	char	   *copy = strdup(s);
	void	   *work = malloc(tr_scrub_workspace(strlen(s)));
	size_t		len = tr_scrub(copy, secret, work);

	assert_int_equal(len, strlen(copy));
	free(work);
	return copy;
}

static void
assert_scrubs(const char *s, const char *secret, const char *want)
{
	char	   *got = scrubbed(s, secret);

	assert_string_equal(got, want);
	free(got);
}

static void
test_scrub(void **state)
{
	assert_scrubs("Invalid key 'sk-SECRET123' (sk-SECRET123)", "sk-SECRET123",
				  "Invalid key '***' (***)");
	assert_scrubs("key ab here ab", "ab", "key ** here **");
	assert_scrubs("nothing to hide", NULL, "nothing to hide");
	assert_scrubs("nothing to hide", "", "nothing to hide");
	assert_scrubs("", "key", "");
	assert_scrubs("keykey", "key", "***");
}

#define KEY "k/ey+with \"quotes\" & spaces=\u00e9"

static void
test_scrub_encodings(void **state)
{
	/* form-encoded as we send it, in lower case, with %20 for a space */
	assert_scrubs("bad key=k%2Fey%2Bwith+%22quotes%22+%26+spaces%3D%C3%A9&q=x", KEY, "bad key=***&q=x");
	assert_scrubs("k%2fey%2bwith%20%22quotes%22%20%26%20spaces%3d%c3%a9", KEY, "***");
	/* JSON-escaped as we send it, and as other encoders do */
	assert_scrubs("{\"api_key\":\"k/ey+with \\\"quotes\\\" & spaces=\u00e9\"}", KEY, "{\"api_key\":\"***\"}");
	assert_scrubs("k\\/ey+with \\\"quotes\\\" & spaces=\\u00e9", KEY, "***");
	assert_scrubs("k\\u002Fey\\u002bwith\\u0020\\u0022quotes\\u0022 \\u0026 spaces=\\u00E9!", KEY, "***!");
	/* one encoding inside another: a JSON body quoted in a JSON error, a form in JSON */
	assert_scrubs("{\\\"api_key\\\":\\\"k\\\\/ey+with \\\\\\\"quotes\\\\\\\" & spaces=\\\\u00e9\\\"}",
				  KEY, "{\\\"api_key\\\":\\\"***\\\"}");
	assert_scrubs("k%252Fey%252Bwith+%2522quotes%2522+%2526+spaces%253D%25C3%25A9", KEY, "***");
	assert_scrubs("k%5C%2Fey%2Bwith+%5C%22quotes%5C%22+%26+spaces%3D%5Cu00e9", KEY, "***");
	/* a key outside the BMP as a surrogate pair; other text stays */
	assert_scrubs("key \\ud83d\\ude00x and %F0%9F%98%80x, not \\ud83dx", "\U0001F600x",
				  "key *** and ***, not \\ud83dx");
	/* escapes that are not the key, and lone or broken ones, stay as they are */
	assert_scrubs("a%2 \\u12 \\q %ZZ \\", "zz", "a%2 \\u12 \\q %ZZ \\");
	assert_scrubs("100% sure, a+b", "a b", "100% sure, ***");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_encode),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_latin1_to_utf8),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_lang_valid),
		cmocka_unit_test(test_lang_mapping),
		cmocka_unit_test(test_next_chunk),
		cmocka_unit_test(test_split_lines),
		cmocka_unit_test(test_trim_span),
		cmocka_unit_test(test_utf8_chars),
		cmocka_unit_test(test_segment_lines),
		cmocka_unit_test(test_segment_long),
		cmocka_unit_test(test_segment_rejoin),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_scrub_encodings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
