/*
 * test/unit_tests.c: cmocka unit tests of imgtrans's plain-C parts
 * (header parsing in src/image/imgheader.c, argument checks in src/ocr/ocrargs.c).
 * They need no server; `make unittest` builds and runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "image/imgheader.h"
#include "ocr/ocrargs.h"
#include "ocr/transform.h"

#include <math.h>

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A PNG signature, IHDR and optionally a pHYs chunk (CRCs left zero). */
static size_t
make_png(uint8_t *buf, uint32_t w, uint32_t h, int colortype, uint32_t ppm)
{
	size_t		n = 0;

	memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
	n = 8;
	put_be32(buf + n, 13);
	memcpy(buf + n + 4, "IHDR", 4);
	put_be32(buf + n + 8, w);
	put_be32(buf + n + 12, h);
	buf[n + 16] = 8;
	buf[n + 17] = colortype;
	buf[n + 18] = buf[n + 19] = buf[n + 20] = 0;
	n += 8 + 13 + 4;
	if (ppm)
	{
		put_be32(buf + n, 9);
		memcpy(buf + n + 4, "pHYs", 4);
		put_be32(buf + n + 8, ppm);
		put_be32(buf + n + 12, ppm);
		buf[n + 16] = 1;
		n += 8 + 9 + 4;
	}
	put_be32(buf + n, 0);
	memcpy(buf + n + 4, "IEND", 4);
	return n + 12;
}

static void
test_sniff(void **state)
{
	assert_int_equal(img_sniff_format((const uint8_t *) "\x89PNG\r\n\x1a\nxxxx", 12), IMG_PNG);
	assert_int_equal(img_sniff_format((const uint8_t *) "\xff\xd8\xff\xe0", 4), IMG_JPEG);
	assert_int_equal(img_sniff_format((const uint8_t *) "II*\0", 4), IMG_TIFF);
	assert_int_equal(img_sniff_format((const uint8_t *) "MM\0*", 4), IMG_TIFF);
	assert_int_equal(img_sniff_format((const uint8_t *) "RIFF\0\0\0\0WEBP", 12), IMG_WEBP);
	assert_int_equal(img_sniff_format((const uint8_t *) "GIF89a", 6), IMG_GIF);
	assert_int_equal(img_sniff_format((const uint8_t *) "BM0123456789ab", 14), IMG_BMP);
	assert_int_equal(img_sniff_format((const uint8_t *) "P5\n", 3), IMG_PNM);
	assert_int_equal(img_sniff_format((const uint8_t *) "hello world", 11), IMG_UNKNOWN);
	assert_int_equal(img_sniff_format((const uint8_t *) "\x89PN", 3), IMG_UNKNOWN);
	assert_int_equal(img_sniff_format((const uint8_t *) "", 0), IMG_UNKNOWN);
	assert_string_equal(img_format_name(IMG_WEBP), "webp");
	assert_string_equal(img_format_name(IMG_UNKNOWN), "unknown");
}

static void
test_png_header(void **state)
{
	uint8_t		buf[128];
	ImgHeader	h;
	size_t		n = make_png(buf, 60000, 60000, 0, 11811);	/* 11811 px/m = 300 dpi */

	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.width, 60000);
	assert_int_equal(h.height, 60000);
	assert_int_equal(h.depth, 8);
	assert_int_equal(h.xres, 300);
	assert_int_equal(h.yres, 300);

	n = make_png(buf, 10, 20, 6, 0);	/* RGBA, no pHYs */
	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.depth, 32);
	assert_int_equal(h.xres, 0);

	assert_int_equal(img_parse_png(buf, 20, &h), IMGHDR_TRUNCATED);
	make_png(buf, 0, 20, 0, 0);
	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_INVALID);
	make_png(buf, 10, 20, 5, 0);	/* colour type 5 does not exist */
	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_INVALID);
}

/*
 * Sizes and resolutions at the ends of the fields' ranges: no 32-bit
 * wrap-around in the pHYs conversion, no signed overflow in the pixel
 * count (both were bugs; UBSan in test/fuzz/ checks the rest).
 */
static void
test_header_extremes(void **state)
{
	uint8_t		buf[128];
	uint8_t		bmp[54] = {'B', 'M'};
	ImgHeader	h;
	size_t		n = make_png(buf, 100, 100, 0, 20000000);

	/* 20,000,000 px/m * 0.0254 = 508,000 dpi (a uint32 product gave 78,503) */
	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.xres, 508000);
	assert_int_equal(h.yres, 508000);
	n = make_png(buf, 100, 100, 0, 0xFFFFFFFF);
	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.xres, 109092169);	/* (4294967295 * 254 + 5000) / 10000 */

	/* the largest sizes a PNG header can hold: parsed, then too many pixels */
	n = make_png(buf, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0);
	assert_int_equal(img_parse_png(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.width, 4294967295LL);
	assert_int_equal(h.height, 4294967295LL);
	assert_true(img_pixels_exceed(h.width, h.height, 50000000));
	assert_true(img_pixels_exceed(h.width, h.height, INT64_MAX));
	assert_true(img_pixels_exceed(h.width, 1, 50000000));
	assert_true(img_pixels_exceed(INT64_MAX, INT64_MAX, INT32_MAX));

	/* the limit itself is allowed, one pixel more is not */
	assert_false(img_pixels_exceed(5000, 10000, 50000000));
	assert_true(img_pixels_exceed(5001, 10000, 50000000));
	assert_true(img_pixels_exceed(7071, 7072, 50000000));
	assert_false(img_pixels_exceed(1, 1, 1));
	assert_true(img_pixels_exceed(1, 2, 1));

	/* BMP: the largest positive sizes and resolution; negative ppm is none */
	put_le32(bmp + 14, 40);
	put_le32(bmp + 18, 0x7FFFFFFF);
	put_le32(bmp + 22, 0x80000001);		/* -2147483647: top-down */
	put_le32(bmp + 38, 0x7FFFFFFF);
	put_le32(bmp + 42, (uint32_t) -11811);
	assert_int_equal(img_parse_bmp(bmp, sizeof(bmp), &h), IMGHDR_OK);
	assert_int_equal(h.width, 2147483647);
	assert_int_equal(h.height, 2147483647);
	assert_int_equal(h.xres, 54546085);
	assert_int_equal(h.yres, 0);
	assert_true(img_pixels_exceed(h.width, h.height, 50000000));

	/* GIF: screen and first frame at 65535 add up past 16 bits */
	memcpy(buf, "GIF89a\xff\xff\xff\xff\x00\x00\x00"
		   "\x2c\xff\xff\xff\xff\xff\xff\xff\xff\x00", 23);
	assert_int_equal(img_parse_gif(buf, 23, &h), IMGHDR_OK);
	assert_int_equal(h.width, 131070);
	assert_int_equal(h.height, 131070);
	assert_true(img_pixels_exceed(h.width, h.height, 50000000));
}

static void
test_gif_header(void **state)
{
	/* screen 16x16, no colour table, then an image descriptor 60000x60000 */
	uint8_t		buf[32] = "GIF89a\x10\x00\x10\x00\x00\x00\x00"
		"\x2c\x00\x00\x00\x00\x60\xea\x60\xea\x00";
	ImgHeader	h;

	assert_int_equal(img_parse_gif(buf, 23, &h), IMGHDR_OK);
	assert_int_equal(h.width, 60000);
	assert_int_equal(h.height, 60000);
	assert_int_equal(img_parse_gif(buf, 12, &h), IMGHDR_TRUNCATED);
	/* truncated before the descriptor: the screen size still counts */
	assert_int_equal(img_parse_gif(buf, 13, &h), IMGHDR_OK);
	assert_int_equal(h.width, 16);
}

static void
test_bmp_header(void **state)
{
	uint8_t		buf[54] = {'B', 'M'};
	ImgHeader	h;

	put_le32(buf + 14, 40);
	put_le32(buf + 18, 640);
	put_le32(buf + 22, (uint32_t) -480);	/* top-down */
	buf[28] = 24;
	put_le32(buf + 38, 11811);
	put_le32(buf + 42, 11811);
	assert_int_equal(img_parse_bmp(buf, sizeof(buf), &h), IMGHDR_OK);
	assert_int_equal(h.width, 640);
	assert_int_equal(h.height, 480);
	assert_int_equal(h.depth, 24);
	assert_int_equal(h.xres, 300);
	assert_int_equal(img_parse_bmp(buf, 30, &h), IMGHDR_TRUNCATED);
	put_le32(buf + 18, (uint32_t) -5);
	assert_int_equal(img_parse_bmp(buf, sizeof(buf), &h), IMGHDR_INVALID);
}

static void
test_tiff_resolution(void **state)
{
	/* little-endian TIFF, one IFD with XResolution/YResolution = 600/2 */
	uint8_t		buf[64] = "II*\0\x08\0\0\0";
	ImgHeader	h = {0};
	uint8_t    *e;

	buf[8] = 2;
	e = buf + 10;
	e[0] = 26, e[1] = 1, e[2] = 5, e[4] = 1, e[8] = 40;	/* tag 282 at 40 */
	e += 12;
	e[0] = 27, e[1] = 1, e[2] = 5, e[4] = 1, e[8] = 40;	/* tag 283 at 40 */
	put_le32(buf + 40, 600);
	put_le32(buf + 44, 2);
	img_tiff_resolution(buf, 48, &h);
	assert_int_equal(h.xres, 300);
	assert_int_equal(h.yres, 300);

	/* offset pointing past the end is ignored, not read */
	memset(&h, 0, sizeof(h));
	img_tiff_resolution(buf, 42, &h);
	assert_int_equal(h.xres, 0);
}

static void
test_levels(void **state)
{
	assert_int_equal(ocr_parse_levels("word"), OCR_LEVEL_BIT(OCR_LEVEL_WORD));
	assert_int_equal(ocr_parse_levels("para"), OCR_LEVEL_BIT(OCR_LEVEL_PARA));
	assert_int_equal(ocr_parse_levels("all"), OCR_LEVELS_ALL);
	assert_int_equal(ocr_parse_levels("Word"), 0);
	assert_int_equal(ocr_parse_levels(""), 0);
	assert_string_equal(ocr_level_name(OCR_LEVEL_LINE), "line");
}

static void
test_psm(void **state)
{
	assert_false(ocr_psm_valid(0));
	assert_true(ocr_psm_valid(1));
	assert_false(ocr_psm_valid(2));
	assert_true(ocr_psm_valid(3));
	assert_true(ocr_psm_valid(13));
	assert_false(ocr_psm_valid(14));
	assert_false(ocr_psm_valid(-1));
}

static void
test_lang(void **state)
{
	char		part[OCR_MAX_LANG_PART + 1];

	assert_null(ocr_lang_check("eng"));
	assert_null(ocr_lang_check("eng+spa"));
	assert_null(ocr_lang_check("chi_sim"));
	assert_non_null(ocr_lang_check(""));
	assert_non_null(ocr_lang_check("eng+"));
	assert_non_null(ocr_lang_check("+eng"));
	assert_non_null(ocr_lang_check("eng++spa"));
	assert_non_null(ocr_lang_check("../../etc/passwd"));
	assert_non_null(ocr_lang_check("eng spa"));
	assert_non_null(ocr_lang_check("ęng"));

	assert_true(ocr_lang_part("eng+spa", 0, part, sizeof(part)));
	assert_string_equal(part, "eng");
	assert_true(ocr_lang_part("eng+spa", 1, part, sizeof(part)));
	assert_string_equal(part, "spa");
	assert_false(ocr_lang_part("eng+spa", 2, part, sizeof(part)));
}

/* Maps (x, y) through m and back through its inverse. */
static void
assert_maps(const Affine *m, double x, double y, double ex, double ey)
{
	double		ox,
				oy;
	Affine		inv;

	affine_apply(m, x, y, &ox, &oy);
	assert_true(fabs(ox - ex) < 1e-6 && fabs(oy - ey) < 1e-6);
	assert_true(affine_invert(m, &inv));
	affine_apply(&inv, ex, ey, &ox, &oy);
	assert_true(fabs(ox - x) < 1e-6 && fabs(oy - y) < 1e-6);
}

static void
test_affine_orth(void **state)
{
	/* a 100 x 50 image: its top-left corner after each clockwise turn */
	Affine		r1 = affine_rotate_orth(1, 100, 50);
	Affine		r2 = affine_rotate_orth(2, 100, 50);
	Affine		r3 = affine_rotate_orth(3, 100, 50);
	Affine		r4 = affine_rotate_orth(4, 100, 50);

	assert_maps(&r1, 0, 0, 50, 0);
	assert_maps(&r2, 0, 0, 100, 50);
	assert_maps(&r3, 0, 0, 0, 100);
	assert_true(affine_is_identity(&r4));
	/* two quarter turns make a half turn */
	{
		Affine		r1b = affine_rotate_orth(1, 50, 100);
		Affine		r11 = affine_then(&r1, &r1b);

		assert_maps(&r11, 10, 20, 90, 30);
	}
}

static void
test_affine_compose(void **state)
{
	Affine		s = affine_scale(2);
	Affine		t = affine_translate(-10, -5);
	Affine		st = affine_then(&s, &t);	/* scale, then shift */
	Affine		r = affine_rotate_center(M_PI / 2, 100, 100);
	Affine		bad = {0, 0, 0, 0, 0, 0};
	Affine		inv;

	assert_maps(&st, 10, 10, 10, 15);
	/* a quarter turn about the centre moves the top-left corner top-right */
	assert_maps(&r, 0, 0, 100, 0);
	assert_false(affine_invert(&bad, &inv));
}

static void
test_affine_map_box(void **state)
{
	Affine		r1 = affine_rotate_orth(1, 100, 50);
	Affine		inv;
	int			l = 10,
				t = 5,
				r = 30,
				b = 15;

	/* a box in the turned (50 x 100) image back to the 100 x 50 original */
	affine_invert(&r1, &inv);
	affine_map_box(&r1, 50, 100, &l, &t, &r, &b);
	assert_int_equal(l, 35);
	assert_int_equal(t, 10);
	assert_int_equal(r, 45);
	assert_int_equal(b, 30);
	affine_map_box(&inv, 100, 50, &l, &t, &r, &b);
	assert_int_equal(l, 10);
	assert_int_equal(t, 5);
	assert_int_equal(r, 30);
	assert_int_equal(b, 15);
	/* boxes are clipped to the image */
	l = -20, t = -20, r = 500, b = 500;
	affine_map_box(&inv, 100, 50, &l, &t, &r, &b);
	assert_int_equal(l, 0);
	assert_int_equal(t, 0);
	assert_int_equal(r, 100);
	assert_int_equal(b, 50);
}

/* A big-endian TIFF structure whose IFD0 holds Orientation = o. */
static size_t
make_exif_tiff(uint8_t *buf, int o)
{
	static const uint8_t t[26] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};

	memcpy(buf, t, sizeof(t));
	buf[19] = (uint8_t) o;
	return sizeof(t);
}

static void
test_exif_orientation(void **state)
{
	uint8_t		buf[128];
	uint8_t		jpg[160];
	size_t		n,
				cut;
	int			o;

	(void) state;
	for (o = 1; o <= 8; o++)
	{
		/* TIFF: IFD0 itself */
		n = make_exif_tiff(buf, o);
		assert_int_equal(img_exif_orientation(buf, n, IMG_TIFF), o);
		/* JPEG: SOI, APP0 (skipped), APP1 "Exif\0\0" + TIFF */
		memcpy(jpg, "\xff\xd8\xff\xe0\x00\x04\x00\x00\xff\xe1", 10);
		jpg[10] = 0;
		jpg[11] = (uint8_t) (2 + 6 + n);
		memcpy(jpg + 12, "Exif\0\0", 6);
		memcpy(jpg + 18, buf, n);
		assert_int_equal(img_exif_orientation(jpg, 18 + n, IMG_JPEG), o);
		/* every truncation of it: never past len, 1 when the tag is cut */
		for (cut = 0; cut < 18 + n; cut++)
			assert_int_equal(img_exif_orientation(jpg, cut, IMG_JPEG), 1);
	}
	/* values outside 1..8, and no tag at all, are 1 */
	n = make_exif_tiff(buf, 9);
	assert_int_equal(img_exif_orientation(buf, n, IMG_TIFF), 1);
	n = make_exif_tiff(buf, 6);
	buf[11] = 0x13;				/* tag 0x0113: not Orientation */
	assert_int_equal(img_exif_orientation(buf, n, IMG_TIFF), 1);
	/* a scan before any APP1 stops the search */
	memcpy(jpg, "\xff\xd8\xff\xda\x00\x02\xff\xe1", 8);
	assert_int_equal(img_exif_orientation(jpg, 8, IMG_JPEG), 1);
	/* a segment length past the end */
	memcpy(jpg, "\xff\xd8\xff\xe1\xff\xff", 6);
	assert_int_equal(img_exif_orientation(jpg, 6, IMG_JPEG), 1);
	/* formats without EXIF */
	assert_int_equal(img_exif_orientation(buf, n, IMG_GIF), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_png_header),
		cmocka_unit_test(test_header_extremes),
		cmocka_unit_test(test_gif_header),
		cmocka_unit_test(test_bmp_header),
		cmocka_unit_test(test_tiff_resolution),
		cmocka_unit_test(test_exif_orientation),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_psm),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_affine_orth),
		cmocka_unit_test(test_affine_compose),
		cmocka_unit_test(test_affine_map_box),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
