/*
 * test/test_translate.c: cmocka unit tests of src/transcodec.c, the
 * plain-C part of the translation providers: form and JSON encoding,
 * language code mapping, batch chunking, line splitting, key scrubbing.
 * They need no server; `make unittest` builds and runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "transcodec.h"

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

	assert_int_equal(tr_next_chunk(lens, 0, 7, 3, 1000), 3);
	assert_int_equal(tr_next_chunk(lens, 3, 7, 3, 1000), 6);
	assert_int_equal(tr_next_chunk(lens, 6, 7, 3, 1000), 7);
	assert_int_equal(tr_next_chunk(lens, 0, 7, 50, 25), 2);
	/* an item bigger than the budget travels alone */
	assert_int_equal(tr_next_chunk(lens, 5, 7, 50, 25), 6);
	assert_int_equal(tr_next_chunk(lens, 4, 7, 50, 25), 5);
	assert_int_equal(tr_next_chunk(lens, 7, 7, 50, 25), 7);
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

static void
test_scrub(void **state)
{
	char		msg[] = "Invalid key 'sk-SECRET123' (sk-SECRET123)";
	char		shortkey[] = "key ab here ab";
	char		none[] = "nothing to hide";

	assert_int_equal(tr_scrub(msg, "sk-SECRET123"), strlen("Invalid key '***' (***)"));
	assert_string_equal(msg, "Invalid key '***' (***)");
	tr_scrub(shortkey, "ab");
	assert_string_equal(shortkey, "key ** here **");
	tr_scrub(none, NULL);
	assert_string_equal(none, "nothing to hide");
	tr_scrub(none, "");
	assert_string_equal(none, "nothing to hide");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_encode),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_lang_valid),
		cmocka_unit_test(test_lang_mapping),
		cmocka_unit_test(test_next_chunk),
		cmocka_unit_test(test_split_lines),
		cmocka_unit_test(test_trim_span),
		cmocka_unit_test(test_scrub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
