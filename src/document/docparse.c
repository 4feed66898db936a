/*-------------------------------------------------------------------------
 * docparse.c
 *	  Plain-C recognition of multi-page documents (see docparse.h).
 *
 * Never reads outside the buffer it is given and never follows a TIFF
 * directory chain further than the caller's page limit plus one: a file
 * whose directories point at each other is refused, not walked forever.
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "document/docparse.h"

#define PDF_MAGIC_WINDOW 1024
#define PDF_EOF_WINDOW 1024

/* TIFF tags this file reads */
#define TIFF_IMAGE_WIDTH 256
#define TIFF_IMAGE_LENGTH 257
#define TIFF_ORIENTATION 274
#define TIFF_X_RESOLUTION 282
#define TIFF_Y_RESOLUTION 283
#define TIFF_RESOLUTION_UNIT 296

/* TIFF field types */
#define TIFF_SHORT 3
#define TIFF_LONG 4
#define TIFF_RATIONAL 5

static const uint8_t *
find_bytes(const uint8_t *hay, size_t hlen, const char *needle)
{
	size_t		nlen = strlen(needle);
	size_t		i;

	for (i = 0; i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

DocKind
doc_sniff(const uint8_t *data, size_t len)
{
	if (len >= 4 && ((data[0] == 'I' && data[1] == 'I' && data[3] == 0 &&
					  (data[2] == 42 || data[2] == 43)) ||
					 (data[0] == 'M' && data[1] == 'M' && data[2] == 0 &&
					  (data[3] == 42 || data[3] == 43))))
		return DOC_TIFF;
	if (find_bytes(data, len < PDF_MAGIC_WINDOW ? len : PDF_MAGIC_WINDOW, "%PDF-"))
		return DOC_PDF;
	return DOC_NONE;
}

bool
doc_pdf_complete(const uint8_t *data, size_t len)
{
	size_t		start = len > PDF_EOF_WINDOW ? len - PDF_EOF_WINDOW : 0;

	return find_bytes(data + start, len - start, "%%EOF") != NULL;
}

/* An unsigned integer of n (2 or 4) bytes in the file's byte order. */
static uint32_t
tiff_read(const uint8_t *p, bool big_endian, int n)
{
	uint32_t	v = 0;
	int			i;

	for (i = 0; i < n; i++)
		v |= (uint32_t) p[big_endian ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

/* A SHORT or LONG value stored inside a directory entry. */
static uint32_t
tiff_entry_uint(const uint8_t *e, bool big_endian)
{
	uint32_t	type = tiff_read(e + 2, big_endian, 2);

	if (type == TIFF_SHORT)
		return tiff_read(e + 8, big_endian, 2);
	if (type == TIFF_LONG)
		return tiff_read(e + 8, big_endian, 4);
	return 0;
}

/* A RATIONAL value, stored at the offset the entry gives; 0 if invalid. */
static double
tiff_entry_rational(const uint8_t *data, size_t len, const uint8_t *e, bool big_endian)
{
	uint32_t	off,
				den;

	if (tiff_read(e + 2, big_endian, 2) != TIFF_RATIONAL || len < 8)
		return 0;
	off = tiff_read(e + 8, big_endian, 4);
	if (off > len - 8)
		return 0;
	den = tiff_read(data + off + 4, big_endian, 4);
	return den ? (double) tiff_read(data + off, big_endian, 4) / den : 0;
}

/* Reads one directory's page fields; the directory is known to fit. */
static DocStatus
tiff_read_page(const uint8_t *data, size_t len, uint32_t ifd, bool big_endian,
			   DocTiffPage *page)
{
	uint32_t	n = tiff_read(data + ifd, big_endian, 2);
	uint32_t	i;
	int			unit = 2;		/* inch, TIFF's default */
	uint32_t	orientation = 1;

	memset(page, 0, sizeof(*page));
	page->ifd = ifd;
	for (i = 0; i < n; i++)
	{
		const uint8_t *e = data + ifd + 2 + (size_t) i * 12;

		switch (tiff_read(e, big_endian, 2))
		{
			case TIFF_IMAGE_WIDTH:
				page->width = tiff_entry_uint(e, big_endian);
				break;
			case TIFF_IMAGE_LENGTH:
				page->height = tiff_entry_uint(e, big_endian);
				break;
			case TIFF_X_RESOLUTION:
				page->xres = tiff_entry_rational(data, len, e, big_endian);
				break;
			case TIFF_Y_RESOLUTION:
				page->yres = tiff_entry_rational(data, len, e, big_endian);
				break;
			case TIFF_RESOLUTION_UNIT:
				unit = (int) tiff_entry_uint(e, big_endian);
				break;
			case TIFF_ORIENTATION:
				orientation = tiff_entry_uint(e, big_endian);
				break;
		}
	}
	/* orientations 5..8 turn the stored image by 90 degrees: sizes as displayed (leptonica turns it) */
	if (orientation >= 5 && orientation <= 8)
	{
		uint32_t	w = page->width;
		double		r = page->xres;

		page->width = page->height;
		page->height = w;
		page->xres = page->yres;
		page->yres = r;
	}
	if (unit == 3)				/* per centimetre */
	{
		page->xres *= 2.54;
		page->yres *= 2.54;
	}
	else if (unit != 2)
		page->xres = page->yres = 0;
	if (!(page->xres > 0 && page->xres < 1e6 && page->yres > 0 && page->yres < 1e6))
		page->xres = page->yres = 0;
	return (page->width > 0 && page->height > 0) ? DOC_OK : DOC_INVALID;
}

DocStatus
doc_tiff_pages(const uint8_t *data, size_t len, int max_pages,
			   DocTiffPage *pages, int *npages)
{
	bool		big_endian;
	uint32_t	ifd;
	int			count = 0;

	*npages = 0;
	if (len < 8)
		return DOC_TRUNCATED;
	if (doc_sniff(data, len) != DOC_TIFF)
		return DOC_INVALID;
	big_endian = data[0] == 'M';
	if (tiff_read(data + 2, big_endian, 2) == 43)
		return DOC_UNSUPPORTED;
	ifd = tiff_read(data + 4, big_endian, 4);
	while (ifd != 0)
	{
		uint32_t	n;
		int			i;
		DocTiffPage page;
		DocStatus	st;

		if (ifd < 8)
			return DOC_INVALID;
		if ((size_t) ifd > len - 2)
			return DOC_TRUNCATED;
		n = tiff_read(data + ifd, big_endian, 2);
		if (n == 0)
			return DOC_INVALID;
		if ((size_t) ifd + 2 + (size_t) n * 12 + 4 > len)
			return DOC_TRUNCATED;
		/* a cycle: this directory was seen before */
		for (i = 0; i < count; i++)
			if (pages[i].ifd == ifd)
				return DOC_INVALID;
		if (count >= max_pages)
			return DOC_TOO_MANY_PAGES;
		st = tiff_read_page(data, len, ifd, big_endian, &page);
		if (st != DOC_OK)
			return st;
		pages[count] = page;
		count++;
		*npages = count;
		ifd = tiff_read(data + ifd + 2 + (size_t) n * 12, big_endian, 4);
	}
	return count > 0 ? DOC_OK : DOC_INVALID;	/* first offset 0: no page */
}
