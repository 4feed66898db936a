/*
 * bench/shape_bench.c: libraqm against HarfBuzz called directly, per script,
 * to choose the shaping layer of src/render/shape.c (README "Scripts").
 *
 *   make bench/shape_bench && bench/shape_bench [iterations]
 *
 * For each sample text (one per script, the font fontconfig picks for its
 * language): microseconds per call of
 *   raqm      raqm_create, set text/face/direction, raqm_layout, glyphs,
 *             raqm_destroy: bidi (FriBiDi), script runs, hb_shape per run,
 *             visual reordering, as shape.c calls it
 *   hb        FriBiDi's levels, then one hb_shape of the whole text with
 *             guessed direction and script, a font made once with HarfBuzz's
 *             own metrics: what shape.c does (it also splits runs)
 * Never part of the tests; needs only the -dev packages in scripts/lib.sh.
 */
#include <fontconfig/fontconfig.h>
#include <fribidi.h>
#include <hb.h>
#include <hb-ft.h>
#include <raqm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const samples[][2] = {
	{"en", "The weather is good today. We walk to the old town and buy bread."},
	{"ja", "今日は天気が良いです。私たちは古い町まで歩いてパンを買います。"},
	{"zh-cn", "今天天气很好。我们走到老城买面包。商店在河边。"},
	{"ko", "오늘은 날씨가 좋습니다. 우리는 구시가지로 걸어가서 빵을 삽니다."},
	{"ar", "الطقس جميل اليوم. نمشي إلى المدينة القديمة ونشتري الخبز 123."},
	{"hi", "आज मौसम अच्छा है। हम पुराने शहर तक चलते हैं और रोटी खरीदते हैं।"},
	{"ru", "Сегодня хорошая погода. Мы идём в старый город и покупаем хлеб."},
	{"th", "วันนี้อากาศดีมาก เราเดินไปเมืองเก่าและซื้อขนมปัง"},
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static FT_Face
face_for(FT_Library lib, const char *lang)
{
	FcPattern  *pat = FcPatternCreate();
	FcPattern  *font;
	FcResult	res;
	FcChar8    *file = NULL;
	int			index = 0;
	FT_Face		face = NULL;

	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *) "sans-serif");
	FcPatternAddString(pat, FC_LANG, (const FcChar8 *) lang);
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	font = FcFontMatch(NULL, pat, &res);
	if (font && FcPatternGetString(font, FC_FILE, 0, &file) == FcResultMatch)
	{
		FcPatternGetInteger(font, FC_INDEX, 0, &index);
		if (FT_New_Face(lib, (const char *) file, index, &face) != 0)
			face = NULL;
	}
	if (face)
		FT_Set_Pixel_Sizes(face, 0, 1000);
	if (font)
		FcPatternDestroy(font);
	FcPatternDestroy(pat);
	return face;
}

int
main(int argc, char **argv)
{
	int			iters = argc > 1 ? atoi(argv[1]) : 2000;
	FT_Library	lib;
	size_t		s;

	FT_Init_FreeType(&lib);
	printf("%-6s %6s %10s %10s %7s\n", "script", "chars", "raqm_us", "hb_us", "ratio");
	for (s = 0; s < sizeof(samples) / sizeof(samples[0]); s++)
	{
		FT_Face		face = face_for(lib, samples[s][0]);
		const char *text = samples[s][1];
		hb_font_t  *font;
		double		t0,
					t_raqm,
					t_hb;
		int			i;

		if (face == NULL)
		{
			printf("%-6s no font\n", samples[s][0]);
			continue;
		}
		{
			hb_face_t  *hface = hb_ft_face_create_referenced(face);

			font = hb_font_create(hface);
			hb_face_destroy(hface);
			hb_font_set_scale(font, 64000, 64000);
		}
		t0 = now_us();
		for (i = 0; i < iters; i++)
		{
			raqm_t	   *rq = raqm_create();
			size_t		n;

			raqm_set_text_utf8(rq, text, strlen(text));
			raqm_set_freetype_face(rq, face);
			raqm_set_par_direction(rq, RAQM_DIRECTION_DEFAULT);
			raqm_set_freetype_load_flags(rq, FT_LOAD_NO_HINTING);
			raqm_layout(rq);
			raqm_get_glyphs(rq, &n);
			raqm_destroy(rq);
		}
		t_raqm = (now_us() - t0) / iters;
		t0 = now_us();
		for (i = 0; i < iters; i++)
		{
			hb_buffer_t *buf = hb_buffer_create();
			FriBidiChar u[512];
			FriBidiCharType types[512];
			FriBidiBracketType btypes[512];
			FriBidiLevel levels[512];
			FriBidiParType par = FRIBIDI_PAR_ON;
			FriBidiStrIndex len = fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text,
															 strlen(text), u);

			fribidi_get_bidi_types(u, len, types);
			fribidi_get_bracket_types(u, len, types, btypes);
			if (fribidi_get_par_embedding_levels_ex(types, btypes, len, &par, levels) == 0)
				return 1;
			hb_buffer_add_utf32(buf, u, len, 0, len);
			hb_buffer_guess_segment_properties(buf);
			hb_shape(font, buf, NULL, 0);
			hb_buffer_destroy(buf);
		}
		t_hb = (now_us() - t0) / iters;
		printf("%-6s %6d %10.1f %10.1f %7.2f\n", samples[s][0], (int) strlen(text),
			   t_raqm, t_hb, t_raqm / t_hb);
		hb_font_destroy(font);
		FT_Done_Face(face);
	}
	FT_Done_FreeType(lib);
	return 0;
}
