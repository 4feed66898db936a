/*
 * test/unit_tests.c: cmocka unit tests of imgtrans's plain-C parts
 * (header parsing in src/image/imgheader.c and heifheader.c, argument checks in
 * src/ocr/ocrargs.c, the script table of source => 'auto' in src/ocr/scripts.c).
 * They need no server; `make unittest` builds and runs them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "image/decanswer.h"
#include "image/imgheader.h"
#include "ocr/ocrargs.h"
#include "ocr/scripts.h"
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

/* preprocessing step names, which job options are checked against */
static void
test_prep_steps(void **state)
{
	char		names[256] = "";
	int			i;

	assert_int_equal(ocr_prep_step("gray"), 0);
	assert_int_equal(ocr_prep_step("auto"), OCR_NUM_PREP_STEPS - 1);
	assert_int_equal(ocr_prep_step("Auto"), -1);
	assert_int_equal(ocr_prep_step("sharpen"), -1);
	assert_int_equal(ocr_prep_step(""), -1);
	assert_int_equal(ocr_prep_step(NULL), -1);
	/* the names the hints list are the names accepted, in order */
	for (i = 0; i < OCR_NUM_PREP_STEPS; i++)
	{
		assert_int_equal(ocr_prep_step(ocr_prep_step_names[i]), i);
		strcat(names, i ? ", " : "");
		strcat(names, ocr_prep_step_names[i]);
	}
	assert_string_equal(names, OCR_PREP_STEP_NAMES);
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

/* scans of a JPEG: counted across stuffed bytes, restarts and fill bytes */
static void
test_jpeg_scans(void **state)
{
	/* SOI, DQT (4 bytes), then SOS segments with entropy data */
	static const uint8_t head[] = {0xff, 0xd8, 0xff, 0xdb, 0x00, 0x04, 0x00, 0x00};
	static const uint8_t scan[] = {0xff, 0xda, 0x00, 0x03, 0x00,	/* SOS, 1 byte */
		0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0xff, 0xff};	/* data, stuffed, RST3, fill */
	uint8_t		buf[8 + 14 * 200 + 2];
	size_t		n = 0;
	int			i;

	(void) state;
	memcpy(buf, head, sizeof(head));
	n = sizeof(head);
	for (i = 0; i < 200; i++)
	{
		memcpy(buf + n, scan, sizeof(scan));
		n += sizeof(scan);
	}
	buf[n++] = 0xff;
	buf[n++] = 0xd9;
	assert_int_equal(img_jpeg_scans(buf, n, 1000), 200);
	assert_int_equal(img_jpeg_scans(buf, n, 100), 101);	/* stops past the limit */
	assert_int_equal(img_jpeg_scans(buf, sizeof(head) + sizeof(scan), 1000), 1);
	assert_int_equal(img_jpeg_scans(buf, sizeof(head), 1000), 0);
	for (i = 0; i < (int) n; i++)	/* every truncation: no overrun (valgrind/ASan), a count */
		assert_true(img_jpeg_scans(buf, i, 1000) <= 200);
	buf[sizeof(head) + 2] = 0xff;	/* a segment longer than the data: the walk ends */
	assert_int_equal(img_jpeg_scans(buf, n, 1000), 0);
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

/* Appends a box of type with body[0..n) at buf+pos; returns the new pos. */
static size_t
put_box(uint8_t *buf, size_t pos, const char *type, const uint8_t *body, size_t n)
{
	put_be32(buf + pos, (uint32_t) (8 + n));
	memcpy(buf + pos + 4, type, 4);
	if (n)
		memcpy(buf + pos + 8, body, n);
	return pos + 8 + n;
}

/*
 * A HEIF header as heif-enc lays it out: ftyp, then meta with pitm (item 1)
 * and iprp (ipco: the primary's ispe, its transforms "r<angle>"/"m<axis>" in
 * order, a thumbnail's ispe if thumb_w; ipma of the given version and
 * flags).  No mdat: the header reader never looks there.
 */
static size_t
make_heif(uint8_t *buf, uint32_t w, uint32_t h, const char *transforms,
		  uint32_t thumb_w, uint32_t thumb_h, int ipma_version, int wide)
{
	uint8_t		ipco[512],
				ipma[128],
				iprp[700],
				meta[800],
				b[16];
	size_t		nco = 0,
				nma = 0,
				npr = 0,
				nme = 0,
				pos = 0;
	int			nprop = 0,
				i;
	uint8_t		assoc[32];
	int			nassoc = 0;

	memset(b, 0, sizeof(b));
	put_be32(b + 4, w);
	put_be32(b + 8, h);
	nco = put_box(ipco, nco, "ispe", b, 12);
	assoc[nassoc++] = ++nprop;
	for (i = 0; transforms[i]; i += 2)
	{
		b[0] = (uint8_t) (transforms[i + 1] - '0');
		nco = put_box(ipco, nco, transforms[i] == 'r' ? "irot" : "imir", b, 1);
		assoc[nassoc++] = ++nprop;
	}
	if (thumb_w)
	{
		memset(b, 0, sizeof(b));
		put_be32(b + 4, thumb_w);
		put_be32(b + 8, thumb_h);
		nco = put_box(ipco, nco, "ispe", b, 12);
		++nprop;
	}
	/* ipma: version, flags, entry count, then item 1 (and item 2) */
	memset(ipma, 0, sizeof(ipma));
	ipma[0] = (uint8_t) ipma_version;
	ipma[3] = (uint8_t) wide;
	put_be32(ipma + 4, thumb_w ? 2 : 1);
	nma = 8;
	for (int item = 1; item <= (thumb_w ? 2 : 1); item++)
	{
		int			n = item == 1 ? nassoc : 1;

		if (ipma_version < 1)
		{
			ipma[nma++] = 0;
			ipma[nma++] = (uint8_t) item;
		}
		else
		{
			put_be32(ipma + nma, (uint32_t) item);
			nma += 4;
		}
		ipma[nma++] = (uint8_t) n;
		for (i = 0; i < n; i++)
		{
			uint8_t		idx = item == 1 ? assoc[i] : (uint8_t) nprop;

			if (wide)
			{
				ipma[nma++] = 0x80;
				ipma[nma++] = idx;
			}
			else
				ipma[nma++] = 0x80 | idx;
		}
	}
	npr = put_box(iprp, npr, "ipco", ipco, nco);
	npr = put_box(iprp, npr, "ipma", ipma, nma);
	memset(meta, 0, 4);			/* FullBox version and flags */
	nme = 4;
	memcpy(b, "\0\0\0\0\0\1", 6);	/* pitm version 0, item 1 */
	nme = put_box(meta, nme, "pitm", b, 6);
	nme = put_box(meta, nme, "iprp", iprp, npr);
	pos = put_box(buf, pos, "ftyp", (const uint8_t *) "heic\0\0\0\0mif1heic", 16);
	return put_box(buf, pos, "meta", meta, nme);
}

static void
test_heif_header(void **state)
{
	static const struct
	{
		const char *transforms;
		int			orientation;
	}			cases[] = {
		{"", 1}, {"r0", 1}, {"r1", 8}, {"r2", 3}, {"r3", 6}, {"m0", 2}, {"m1", 4},
		{"r3m0", 5}, {"r1m0", 7}, {"m0r3", 7}, {"r1r1", 3}, {"m0m0", 1}, {"r2m1", 2},
	};
	uint8_t		buf[1024];
	ImgHeader	h;
	size_t		n,
				cut,
				i;

	n = make_heif(buf, 528, 90, "", 0, 0, 0, 0);
	assert_int_equal(img_sniff_format(buf, n), IMG_HEIF);
	assert_string_equal(img_format_name(IMG_HEIF), "heif");
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.width, 528);
	assert_int_equal(h.height, 90);
	assert_int_equal(h.orientation, 1);
	assert_int_equal(h.part_width, 0);
	/* transforms in association order, as one EXIF orientation */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		n = make_heif(buf, 90, 528, cases[i].transforms, 0, 0, 0, 0);
		assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_OK);
		assert_int_equal(h.orientation, cases[i].orientation);
		assert_int_equal(h.width, 90);	/* as stored: image.c turns it */
	}
	/* 32-bit item ids and 15-bit property indices */
	n = make_heif(buf, 90, 528, "r3", 0, 0, 1, 1);
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.orientation, 6);
	/* a thumbnail (or tile) is reported as the largest part */
	n = make_heif(buf, 528, 90, "", 60000, 60000, 0, 0);
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.width, 528);
	assert_int_equal(h.part_width, 60000);
	assert_int_equal(h.part_height, 60000);
	assert_int_equal(h.part_side, 60000);
	/* a long thin part: its side is reported whatever its area */
	memset(&h, 0, sizeof(h));
	n = make_heif(buf, 528, 90, "", 40000, 10, 0, 0);
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_OK);
	assert_int_equal(h.part_side, 40000);
	/* the largest sides a 32-bit field holds: no overflow */
	n = make_heif(buf, 0xffffffff, 0xffffffff, "", 0xffffffff, 0xffffffff, 0, 0);
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_OK);
	assert_true(img_pixels_exceed(h.part_width, h.part_height, INT32_MAX));
	/* every cut of the header is refused, never read past */
	n = make_heif(buf, 90, 528, "r3m0", 64, 64, 0, 0);
	for (cut = 0; cut < n; cut++)
		assert_int_not_equal(img_parse_heif(buf, cut, &h), IMGHDR_OK);
	assert_int_equal(img_parse_heif(buf, 100, &h), IMGHDR_TRUNCATED);
	/* a zero side, or no ispe for the primary item */
	n = make_heif(buf, 0, 90, "", 0, 0, 0, 0);
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_INVALID);
	n = make_heif(buf, 528, 90, "", 0, 0, 0, 0);
	memcpy(buf + n - 12 - 8 - 20 + 4, "xxxx", 4);	/* ispe's type */
	assert_int_equal(img_parse_heif(buf, n, &h), IMGHDR_INVALID);
	/* another ISOBMFF brand is not HEIF */
	memcpy(buf + 8, "qt  ", 4);
	assert_int_equal(img_sniff_format(buf, n), IMG_UNKNOWN);
}

/* The first occurrence of n bytes of what in buf, NULL if none. */
static uint8_t *
find_bytes(uint8_t *buf, size_t len, const char *what, size_t n)
{
	size_t		i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(buf + i, what, n) == 0)
			return buf + i;
	return NULL;
}

/* Bits MSB first, for hand-built SPS NAL units and AV1 sequence headers. */
typedef struct BitWriter
{
	uint8_t		buf[256];
	size_t		bits;
} BitWriter;

static void
bw_put(BitWriter *w, uint64_t v, int n)
{
	while (n-- > 0)
	{
		if (n < 64 && ((v >> n) & 1))
			w->buf[w->bits / 8] |= (uint8_t) (0x80 >> (w->bits % 8));
		w->bits++;
	}
}

/* ue(v) / uvlc(): zeros leading zeros, then the value + 1 in zeros + 1 bits */
static void
bw_ue(BitWriter *w, uint32_t v)
{
	uint64_t	x = (uint64_t) v + 1;
	int			len = 0;

	while ((x >> len) > 1)
		len++;
	bw_put(w, 0, len);
	bw_put(w, x, len + 1);
}

/* rbsp_trailing_bits(), and the bytes written */
static size_t
bw_finish(BitWriter *w)
{
	bw_put(w, 1, 1);
	while (w->bits % 8)
		bw_put(w, 0, 1);
	return w->bits / 8;
}

/*
 * An SPS NAL unit (type 33) of w x h, emulation prevention bytes
 * inserted; profile flags all zero when zero_profile (which makes 00 00 0x
 * runs the escaping must break).  bad_ue: pic_width as that many zeros and
 * a one.
 */
static size_t
make_sps(uint8_t *out, uint32_t w, uint32_t h, int max_sub, uint32_t chroma,
		 bool zero_profile, int bad_ue)
{
	BitWriter	bw;
	size_t		n,
				i,
				o = 0;
	int			zeros = 0,
				s;

	memset(&bw, 0, sizeof(bw));
	bw_put(&bw, 33 << 9 | 1, 16);	/* nal_unit_header */
	bw_put(&bw, 0, 4);
	bw_put(&bw, (uint64_t) max_sub, 3);
	bw_put(&bw, 1, 1);
	/* general profile_tier_level: 96 bits */
	bw_put(&bw, zero_profile ? 0 : 0x01600000, 32);
	bw_put(&bw, zero_profile ? 0 : 0x90000000, 32);
	bw_put(&bw, zero_profile ? 0 : 0x0000005a, 32);
	for (s = 0; s < max_sub; s++)
		bw_put(&bw, s == 0 ? 3 : 1, 2);	/* sub-layer 0: profile and level */
	if (max_sub > 0)
		for (s = max_sub; s < 8; s++)
			bw_put(&bw, 0, 2);
	for (s = 0; s < max_sub; s++)
	{
		if (s == 0)
		{
			bw_put(&bw, 0xffffffff, 32);	/* 88 bits of sub-layer profile */
			bw_put(&bw, 0xffffffff, 32);
			bw_put(&bw, 0xffffff, 24);
		}
		bw_put(&bw, 0x5a, 8);	/* sub-layer level */
	}
	bw_ue(&bw, 0);				/* sps_seq_parameter_set_id */
	bw_ue(&bw, chroma);
	if (chroma == 3)
		bw_put(&bw, 0, 1);
	if (bad_ue)
	{
		bw_put(&bw, 0, bad_ue);
		bw_put(&bw, 0xffffffff, 32);
		bw_put(&bw, 0xffffffff, 32);
	}
	else
	{
		bw_ue(&bw, w);
		bw_ue(&bw, h);
	}
	bw_put(&bw, 0, 20);			/* more fields, zero: more 00 00 runs */
	n = bw_finish(&bw);
	for (i = 0; i < n; i++)
	{
		if (zeros >= 2 && bw.buf[i] <= 3)
		{
			out[o++] = 3;
			zeros = 0;
		}
		out[o++] = bw.buf[i];
		zeros = bw.buf[i] == 0 ? zeros + 1 : 0;
	}
	return o;
}

/* An hvcC body: VPS, the NAL units given (an SPS or none), PPS. */
static size_t
make_hvcc(uint8_t *out, const uint8_t *sps, size_t sps_len)
{
	static const uint8_t vps[] = {0x40, 0x01, 0x0c, 0x01, 0xff, 0xff};
	static const uint8_t pps[] = {0x44, 0x01, 0xc1, 0x73, 0xd1, 0x89};
	size_t		n = 23;

	memset(out, 0, 23);
	out[0] = 1;
	out[21] = 0x0f;				/* lengthSizeMinusOne 3 */
	out[22] = sps_len ? 3 : 2;
	out[n++] = 0x80 | 32;
	out[n++] = 0;
	out[n++] = 1;
	out[n++] = 0;
	out[n++] = sizeof(vps);
	memcpy(out + n, vps, sizeof(vps));
	n += sizeof(vps);
	if (sps_len)
	{
		out[n++] = 0x80 | 33;
		out[n++] = 0;
		out[n++] = 1;
		out[n++] = (uint8_t) (sps_len >> 8);
		out[n++] = (uint8_t) sps_len;
		memcpy(out + n, sps, sps_len);
		n += sps_len;
	}
	out[n++] = 0x80 | 34;
	out[n++] = 0;
	out[n++] = 1;
	out[n++] = 0;
	out[n++] = sizeof(pps);
	memcpy(out + n, pps, sizeof(pps));
	return n + sizeof(pps);
}

/*
 * An AV1 sequence header OBU (with obu_size) of w x h: the reduced still
 * picture header libavif and libheif write, or the full one with timing
 * and decoder model info and two operating points.
 */
static size_t
make_av1_seq(uint8_t *out, uint32_t w, uint32_t h, bool reduced)
{
	BitWriter	bw;
	size_t		n;
	int			op;

	memset(&bw, 0, sizeof(bw));
	bw_put(&bw, 0, 3);			/* seq_profile */
	bw_put(&bw, reduced, 1);	/* still_picture */
	bw_put(&bw, reduced, 1);
	if (reduced)
		bw_put(&bw, 8, 5);
	else
	{
		bw_put(&bw, 1, 1);		/* timing_info_present_flag */
		bw_put(&bw, 1001, 32);
		bw_put(&bw, 60000, 32);
		bw_put(&bw, 1, 1);		/* equal_picture_interval */
		bw_ue(&bw, 4);			/* num_ticks_per_picture_minus_1 */
		bw_put(&bw, 1, 1);		/* decoder_model_info_present_flag */
		bw_put(&bw, 9, 5);		/* buffer_delay_length_minus_1 */
		bw_put(&bw, 1001, 32);
		bw_put(&bw, 31, 10);
		bw_put(&bw, 1, 1);		/* initial_display_delay_present_flag */
		bw_put(&bw, 1, 5);		/* two operating points */
		for (op = 0; op < 2; op++)
		{
			bw_put(&bw, 0x101, 12);
			bw_put(&bw, 9, 5);	/* seq_level_idx > 7: a tier bit */
			bw_put(&bw, 1, 1);
			bw_put(&bw, 1, 1);	/* decoder_model_present_for_this_op */
			bw_put(&bw, 0x3ff, 10);
			bw_put(&bw, 0x155, 10);
			bw_put(&bw, 1, 1);
			bw_put(&bw, 1, 1);	/* initial_display_delay_present_for_this_op */
			bw_put(&bw, 9, 4);
		}
	}
	bw_put(&bw, 15, 4);			/* frame_width_bits_minus_1 */
	bw_put(&bw, 15, 4);
	bw_put(&bw, w - 1, 16);
	bw_put(&bw, h - 1, 16);
	bw_put(&bw, 0, 12);			/* more fields */
	n = bw_finish(&bw);
	out[0] = 1 << 3 | 2;		/* OBU_SEQUENCE_HEADER, obu_has_size_field */
	out[1] = (uint8_t) n;		/* leb128, below 128 */
	memcpy(out + 2, bw.buf, n);
	return n + 2;
}

/*
 * A HEIF file with one coded item (hvc1 with an hvcC, or av01 with an
 * av1C), ispe 64x64, its data in mdat via iloc.
 */
static size_t
make_heif_coded(uint8_t *buf, const char *type, const uint8_t *config, size_t config_len,
				const uint8_t *data, size_t data_len)
{
	uint8_t		ipco[600],
				ipma[16],
				iprp[700],
				meta[1000],
				b[64];
	size_t		nco = 0,
				npr = 0,
				nme = 4,
				pos,
				at;

	nco = put_box(ipco, nco, strcmp(type, "hvc1") == 0 ? "hvcC" : "av1C", config, config_len);
	memset(b, 0, 12);
	put_be32(b + 4, 64);
	put_be32(b + 8, 64);
	nco = put_box(ipco, nco, "ispe", b, 12);
	memcpy(ipma, "\0\0\0\0\0\0\0\1\0\1\2\x81\x82", 13);
	npr = put_box(iprp, npr, "ipco", ipco, nco);
	npr = put_box(iprp, npr, "ipma", ipma, 13);
	memset(meta, 0, 4);
	nme = put_box(meta, nme, "pitm", (const uint8_t *) "\0\0\0\0\0\1", 6);
	/* iinf: version 0, one infe version 2 (item 1 of type) */
	memset(b, 0, 64);
	put_be32(b + 6, 21);
	memcpy(b + 10, "infe\2\0\0\0\0\1\0\0", 12);
	memcpy(b + 22, type, 4);
	nme = put_box(meta, nme, "iinf", b, 27);
	/* iloc version 0: offset and length 4 bytes, no base; one extent */
	memset(b, 0, 64);
	b[4] = 0x44;
	b[7] = 1;
	b[9] = 1;
	b[13] = 1;
	at = nme + 8 + 14;			/* where the extent offset goes in meta */
	nme = put_box(meta, nme, "iloc", b, 22);
	put_be32(meta + at + 4, (uint32_t) data_len);
	nme = put_box(meta, nme, "iprp", iprp, npr);
	pos = put_box(buf, 0, "ftyp", (const uint8_t *) "heic\0\0\0\0mif1heic", 16);
	put_be32(meta + at, (uint32_t) (pos + 8 + nme + 8));
	pos = put_box(buf, pos, "meta", meta, nme);
	return put_box(buf, pos, "mdat", data, data_len);
}

/*
 * The coded size read from an hvcC holding one SPS of w x h (make_sps's
 * other arguments): asserted, and the header returned.
 */
static ImgHeader
sps_size_is(uint32_t w, uint32_t h, int sublayers, uint32_t chroma, bool zero_flags)
{
	uint8_t		sps[300],
				hvcc[400];
	size_t		ns = make_sps(sps, w, h, sublayers, chroma, zero_flags, 0),
				nh = make_hvcc(hvcc, sps, ns);
	ImgHeader	hdr;

	memset(&hdr, 0, sizeof(hdr));
	assert_int_equal(img_hevc_config_size(hvcc, nh, &hdr), IMGHDR_OK);
	assert_int_equal(hdr.coded_width, w);
	assert_int_equal(hdr.coded_height, h);
	assert_int_equal(hdr.coded_side, w > h ? w : h);
	return hdr;
}

static void
test_heif_coded_size(void **state)
{
	uint8_t		sps[300],
				hvcc[400],
				file[2048],
				data[600],
				av1c[300];
	size_t		ns,
				nh,
				n,
				nd,
				cut;
	ImgHeader	h;

	/* an SPS as heif-enc writes it: 528 x 96 (hello.heic's ispe is 528x90) */
	sps_size_is(528, 96, 0, 1, false);
	/* zero profile flags: 00 00 03 escapes inside, removed while reading */
	ns = make_sps(sps, 4032, 3024, 0, 1, true, 0);
	assert_non_null(find_bytes(sps, ns, "\0\0\3", 3));
	sps_size_is(4032, 3024, 0, 1, true);
	/* sub-layers (profile_tier_level's sub-layer flags), 4:4:4 */
	sps_size_is(640, 480, 2, 3, true);
	/* a huge coded size is reported, for image.c to refuse */
	h = sps_size_is(16384, 16384, 0, 1, false);
	assert_true(img_pixels_exceed(h.coded_width, h.coded_height, 50000000));
	/* the largest ue(v), 31 leading zeros: 2^32 - 2 */
	sps_size_is(0xfffffffe, 1, 0, 1, false);
	/* 32 and more leading zeros: corrupt */
	ns = make_sps(sps, 0, 0, 0, 1, false, 32);
	nh = make_hvcc(hvcc, sps, ns);
	assert_int_equal(img_hevc_config_size(hvcc, nh, &h), IMGHDR_INVALID);
	ns = make_sps(sps, 0, 0, 0, 1, false, 200);
	nh = make_hvcc(hvcc, sps, ns);
	assert_int_equal(img_hevc_config_size(hvcc, nh, &h), IMGHDR_INVALID);
	/* an SPS cut short (its NAL length says so): corrupt, never read past */
	ns = make_sps(sps, 528, 96, 1, 1, true, 0);
	for (cut = 1; cut < 20; cut++)
	{
		nh = make_hvcc(hvcc, sps, cut);
		assert_int_equal(img_hevc_config_size(hvcc, nh, &h), IMGHDR_INVALID);
	}
	/* the hvcC itself cut anywhere */
	nh = make_hvcc(hvcc, sps, ns);
	for (cut = 0; cut < nh; cut++)
		assert_int_not_equal(img_hevc_config_size(hvcc, cut, &h), IMGHDR_OK);
	/* no SPS in hvcC: its size cannot be checked */
	nh = make_hvcc(hvcc, sps, 0);
	assert_int_equal(img_hevc_config_size(hvcc, nh, &h), IMGHDR_UNSUPPORTED);

	/* a whole file: ispe 64x64, the SPS 16384x16384 */
	ns = make_sps(sps, 16384, 16384, 0, 1, false, 0);
	nh = make_hvcc(hvcc, sps, ns);
	memcpy(data, "\0\0\0\4\x28\x01\xaf\x00", 8);	/* an IDR slice */
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, 8);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_OK);
	assert_int_equal(h.width, 64);
	assert_int_equal(h.coded_width, 16384);
	assert_int_equal(h.coded_side, 16384);
	/* a small SPS in hvcC, a huge one in the item data that replaces it */
	ns = make_sps(sps, 64, 64, 0, 1, false, 0);
	nh = make_hvcc(hvcc, sps, ns);
	ns = make_sps(data + 4, 30000, 8, 0, 1, true, 0);
	put_be32(data, (uint32_t) ns);
	memcpy(data + 4 + ns, "\0\0\0\4\x28\x01\xaf\x00", 8);
	nd = 4 + ns + 8;
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, nd);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_OK);
	assert_int_equal(h.coded_width, 30000);
	assert_int_equal(h.coded_height, 8);
	/* a NAL length past the item's end, or the file cut inside mdat */
	put_be32(data, 5000);
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, nd);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_INVALID);
	put_be32(data, (uint32_t) ns);
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, nd);
	for (cut = 1; cut < n; cut++)
		(void) img_parse_heif(file, cut, &h);	/* ASan: never read past */
	/* the same bytes as an Exif item are not looked at */
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, nd);
	memcpy(find_bytes(file, n, "hvc1", 4), "Exif", 4);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_OK);
	assert_int_equal(h.coded_width, 64);
	/* no SPS in hvcC: refused as unsupported */
	nh = make_hvcc(hvcc, sps, 0);
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, 8);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_UNSUPPORTED);
	/*
	 * iloc version 1 with an index_size: libheif 1.15 reads no index there,
	 * the standard does, so where the data is cannot be told: unsupported
	 */
	nh = make_hvcc(hvcc, sps, ns);
	memcpy(data, "\0\0\0\4\x28\x01\xaf\x00", 8);	/* an IDR slice */
	n = make_heif_coded(file, "hvc1", hvcc, nh, data, 8);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_OK);
	{
		uint8_t    *iloc = find_bytes(file, n, "iloc", 4);

		iloc[4] = 1;			/* version */
		iloc[9] = 0x04;			/* base_offset_size 0, index_size 4 */
		assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_UNSUPPORTED);
	}

	/* AV1: the sequence header in av1C's configOBUs, both forms */
	memcpy(av1c, "\x81\x00\x0c\x00", 4);
	n = 4 + make_av1_seq(av1c + 4, 512, 384, true);
	memset(&h, 0, sizeof(h));
	assert_int_equal(img_av1_config_size(av1c, n, &h), IMGHDR_OK);
	assert_int_equal(h.coded_width, 512);
	assert_int_equal(h.coded_height, 384);
	n = 4 + make_av1_seq(av1c + 4, 40000, 2, false);
	memset(&h, 0, sizeof(h));
	assert_int_equal(img_av1_config_size(av1c, n, &h), IMGHDR_OK);
	assert_int_equal(h.coded_width, 40000);
	assert_int_equal(h.coded_side, 40000);
	for (cut = 0; cut < n; cut++)
		if (cut != 4)
			assert_int_equal(img_av1_config_size(av1c, cut, &h), IMGHDR_INVALID);
	/* no configOBUs is fine: the item data holds the sequence header */
	assert_int_equal(img_av1_config_size(av1c, 4, &h), IMGHDR_OK);
	nd = make_av1_seq(data, 65536, 65536, true);
	n = make_heif_coded(file, "av01", av1c, 4, data, nd);
	assert_int_equal(img_parse_heif(file, n, &h), IMGHDR_OK);
	assert_int_equal(h.coded_width, 65536);
	assert_int_equal(h.coded_height, 65536);
}

static void
test_scripts(void **state)
{
	char		buf[256];

	assert_string_equal(ocr_lang_script("eng"), "Latin");
	assert_string_equal(ocr_lang_script("rus"), "Cyrillic");
	assert_string_equal(ocr_lang_script("chi_sim"), "Han");
	assert_string_equal(ocr_lang_script("jpn"), "Japanese");
	assert_null(ocr_lang_script("osd"));
	assert_null(ocr_lang_script("jpn_vert"));
	assert_null(ocr_lang_script("klingon"));
	assert_string_equal(ocr_script_canonical("Katakana"), "Japanese");
	assert_string_equal(ocr_script_canonical("Hiragana"), "Japanese");
	assert_string_equal(ocr_script_canonical("Hangul"), "Korean");
	assert_string_equal(ocr_script_canonical("Cyrillic"), "Cyrillic");
	assert_null(ocr_script_canonical("Common"));
	assert_null(ocr_script_canonical("Klingon"));
	ocr_script_packages("Han", 6, buf, sizeof(buf));
	assert_string_equal(buf, "tesseract-ocr-chi-sim, tesseract-ocr-chi-tra");
	ocr_script_packages("Cyrillic", 2, buf, sizeof(buf));
	assert_string_equal(buf, "tesseract-ocr-rus, tesseract-ocr-ukr");
	/* a short buffer holds whole names only */
	ocr_script_packages("Cyrillic", 6, buf, 30);
	assert_string_equal(buf, "tesseract-ocr-rus");
	ocr_script_packages("Klingon", 6, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* auto's script trial: the model of a script, and the script of a name */
static void
test_script_models(void **state)
{
	const char *package = NULL;

	assert_string_equal(ocr_script_model("Fraktur", &package), "Fraktur");
	assert_string_equal(package, "tesseract-ocr-script-frak");
	assert_string_equal(ocr_script_model("Korean", &package), "Hangul");
	assert_string_equal(package, "tesseract-ocr-script-hang");
	assert_string_equal(ocr_script_model("Cyrillic", NULL), "Cyrillic");
	/* Han has two models: which one, OSD cannot tell */
	assert_null(ocr_script_model("Han", &package));
	assert_null(ocr_script_model("Klingon", NULL));
	/* a language's script, a model's script */
	assert_string_equal(ocr_name_script("eng"), "Latin");
	assert_string_equal(ocr_name_script("frk"), "Fraktur");
	assert_string_equal(ocr_name_script("Fraktur"), "Fraktur");
	assert_string_equal(ocr_name_script("Hangul"), "Korean");
	assert_string_equal(ocr_name_script("kor"), "Korean");
	assert_null(ocr_name_script("osd"));
	assert_null(ocr_name_script("my_custom_model"));
}

/*
 * The backend's check of the image decoder's answer (src/image/decanswer.c):
 * the decoder runs the codecs on an attacker's file, so a subverted one may
 * send any fields; nothing is allocated unless they describe exactly what
 * was sent, no larger than the header declared.
 */
static DecPix
gray_answer(void)
{
	DecPix		a = {0};

	a.width = 1072;
	a.height = 393;
	a.depth = 8;
	a.spp = 1;
	a.wpl = 268;
	a.xres = a.yres = 300;
	a.in_shm = 1;
	return a;
}

static void
test_decoder_answer(void **state)
{
	DecPix		a = gray_answer();
	uint64_t	raster = 393ULL * 268 * 4;

	/* the raster in the shared buffer, or after the header in the answer */
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_OK);
	assert_true(dec_raster_bytes(&a) == raster);
	a.in_shm = 0;
	assert_int_equal(dec_check_answer(&a, sizeof(a) + raster, 1072, 393), DEC_ANSWER_OK);
	assert_int_equal(dec_check_answer(&a, sizeof(a) + raster - 1, 1072, 393), DEC_ANSWER_MALFORMED);
	assert_int_equal(dec_check_answer(&a, sizeof(a) + raster + 1, 1072, 393), DEC_ANSWER_MALFORMED);
	assert_int_equal(dec_check_answer(&a, sizeof(a) - 1, 1072, 393), DEC_ANSWER_MALFORMED);
	/* larger than the header declared: the header lied, nothing allocated */
	a = gray_answer();
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1071, 393), DEC_ANSWER_TOO_LARGE);
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 392), DEC_ANSWER_TOO_LARGE);
	/* each field out of range */
	a = gray_answer(); a.width = 0;
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	a = gray_answer(); a.height = -1;
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	a = gray_answer(); a.depth = 24;
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	a = gray_answer(); a.spp = 2;
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	a = gray_answer(); a.wpl = 267;		/* a short line: the copy would read past it */
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	a = gray_answer(); a.wpl = INT32_MAX;
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	/* extremes do not overflow: the widest side at 32 bpp */
	a = gray_answer(); a.width = INT32_MAX; a.depth = 32; a.wpl = INT32_MAX;
	assert_int_equal(dec_check_answer(&a, sizeof(a), INT32_MAX, 393), DEC_ANSWER_OK);
	assert_int_equal(dec_check_answer(&a, sizeof(a), 32767, 393), DEC_ANSWER_TOO_LARGE);
	/* a colormap: only up to 8 bpp, at most 2^depth entries, its bytes sent */
	a = gray_answer(); a.ncolors = 256;
	assert_int_equal(dec_check_answer(&a, sizeof(a) + 256 * 4, 1072, 393), DEC_ANSWER_OK);
	assert_int_equal(dec_check_answer(&a, sizeof(a), 1072, 393), DEC_ANSWER_MALFORMED);
	a.ncolors = 257;
	assert_int_equal(dec_check_answer(&a, sizeof(a) + 257 * 4, 1072, 393), DEC_ANSWER_MALFORMED);
	a.ncolors = -1;
	assert_int_equal(dec_check_answer(&a, sizeof(a) - 4, 1072, 393), DEC_ANSWER_MALFORMED);
	a = gray_answer(); a.depth = 1; a.wpl = 34; a.ncolors = 3;
	assert_int_equal(dec_check_answer(&a, sizeof(a) + 12, 1072, 393), DEC_ANSWER_MALFORMED);
	a.ncolors = 2;
	assert_int_equal(dec_check_answer(&a, sizeof(a) + 8, 1072, 393), DEC_ANSWER_OK);
	a = gray_answer(); a.depth = 32; a.spp = 3; a.wpl = 1072; a.ncolors = 1;
	assert_int_equal(dec_check_answer(&a, sizeof(a) + 4, 1072, 393), DEC_ANSWER_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_decoder_answer),
		cmocka_unit_test(test_png_header),
		cmocka_unit_test(test_header_extremes),
		cmocka_unit_test(test_gif_header),
		cmocka_unit_test(test_bmp_header),
		cmocka_unit_test(test_tiff_resolution),
		cmocka_unit_test(test_exif_orientation),
		cmocka_unit_test(test_jpeg_scans),
		cmocka_unit_test(test_heif_header),
		cmocka_unit_test(test_heif_coded_size),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_script_models),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_psm),
		cmocka_unit_test(test_prep_steps),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_affine_orth),
		cmocka_unit_test(test_affine_compose),
		cmocka_unit_test(test_affine_map_box),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
