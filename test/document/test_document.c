/*
 * test_document.c: cmocka tests of src/document/docparse.c (document
 * sniffing, PDF truncation check, TIFF page directories), on buffers built
 * here byte by byte.  Links no PostgreSQL, leptonica or poppler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "document/docparse.h"

#define U8(s) ((const uint8_t *) (s))

static void
test_sniff(void **state)
{
	assert_int_equal(doc_sniff(U8("%PDF-1.7\n"), 9), DOC_PDF);
	/* junk before the header, as PDF readers accept */
	assert_int_equal(doc_sniff(U8("\r\n\xef\xbb\xbf%PDF-1.4"), 13), DOC_PDF);
	assert_int_equal(doc_sniff(U8("II*\0\x08\0\0\0"), 8), DOC_TIFF);
	assert_int_equal(doc_sniff(U8("MM\0*\0\0\0\x08"), 8), DOC_TIFF);
	assert_int_equal(doc_sniff(U8("II+\0"), 4), DOC_TIFF);
	assert_int_equal(doc_sniff(U8("\x89PNG\r\n\x1a\n"), 8), DOC_NONE);
	assert_int_equal(doc_sniff(U8("%PD"), 3), DOC_NONE);
	assert_int_equal(doc_sniff(U8(""), 0), DOC_NONE);
}

static void
test_pdf_complete(void **state)
{
	char		big[3000];

	assert_true(doc_pdf_complete(U8("%PDF-1.4\n...\n%%EOF\n"), 19));
	assert_false(doc_pdf_complete(U8("%PDF-1.4\n...\n%%EO"), 17));
	/* the marker must be near the end, not only somewhere */
	memset(big, ' ', sizeof(big));
	memcpy(big, "%PDF-1.4 %%EOF", 14);
	assert_false(doc_pdf_complete(U8(big), sizeof(big)));
}

/* A little-endian TIFF whose pages are w x h; next pointers chain them. */
static size_t
put16(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	return 2;
}

static size_t
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
	return 4;
}

static size_t
put_ifd(uint8_t *p, uint32_t w, uint32_t h, uint32_t next)
{
	size_t		n = put16(p, 2);

	n += put16(p + n, 256);
	n += put16(p + n, 4);
	n += put32(p + n, 1);
	n += put32(p + n, w);
	n += put16(p + n, 257);
	n += put16(p + n, 3);		/* SHORT */
	n += put32(p + n, 1);
	n += put32(p + n, h);
	n += put32(p + n, next);
	return n;					/* 2 + 24 + 4 = 30 */
}

static size_t
make_tiff(uint8_t *buf, int pages, int loop_to)
{
	size_t		n = 0;
	int			i;

	memcpy(buf, "II*\0", 4);
	put32(buf + 4, 8);
	n = 8;
	for (i = 0; i < pages; i++)
	{
		uint32_t	next = i + 1 < pages ? (uint32_t) (n + 30) :
			(loop_to >= 0 ? (uint32_t) (8 + 30 * loop_to) : 0);

		n += put_ifd(buf + n, 100 + i, 50 + i, next);
	}
	return n;
}

static void
test_tiff_pages(void **state)
{
	uint8_t		buf[1024];
	DocTiffPage pages[8];
	int			n;
	size_t		len = make_tiff(buf, 3, -1);

	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(pages[0].width, 100);
	assert_int_equal(pages[2].width, 102);
	assert_int_equal(pages[2].height, 52);
	assert_int_equal(pages[1].ifd, 38);
	assert_true(pages[0].xres == 0);

	/* more pages than allowed */
	assert_int_equal(doc_tiff_pages(buf, len, 2, pages, &n), DOC_TOO_MANY_PAGES);
	assert_int_equal(n, 2);
	/* cut inside the 3rd directory */
	assert_int_equal(doc_tiff_pages(buf, len - 5, 8, pages, &n), DOC_TRUNCATED);
	assert_int_equal(n, 2);
	/* cut inside the header */
	assert_int_equal(doc_tiff_pages(buf, 6, 8, pages, &n), DOC_TRUNCATED);
	/* a cycle back to the 1st page is refused, whatever the page limit */
	len = make_tiff(buf, 3, 0);
	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_INVALID);
	assert_int_equal(doc_tiff_pages(buf, len, 3, pages, &n), DOC_INVALID);
	/* a directory pointing at itself */
	len = make_tiff(buf, 1, 0);
	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_INVALID);
	/* no pages: first directory offset 0 */
	len = make_tiff(buf, 1, -1);
	put32(buf + 4, 0);
	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_INVALID);
	assert_int_equal(n, 0);
	/* a first directory offset past the end */
	put32(buf + 4, 5000);
	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_TRUNCATED);
	/* a page of zero width */
	len = make_tiff(buf, 1, -1);
	put32(buf + 8 + 2 + 8, 0);
	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_INVALID);
	/* BigTIFF */
	memcpy(buf, "II+\0", 4);
	assert_int_equal(doc_tiff_pages(buf, len, 8, pages, &n), DOC_UNSUPPORTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_pdf_complete),
		cmocka_unit_test(test_tiff_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
