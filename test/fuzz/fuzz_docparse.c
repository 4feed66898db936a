/*
 * test/fuzz/fuzz_docparse.c: libFuzzer harness for src/document/docparse.c,
 * the plain C that sniffs an upload as PDF or TIFF, checks a PDF's end
 * marker and walks a TIFF's chain of page directories in the backend before
 * any library sees the file (the PDF itself is read in the PDF reader
 * process, a TIFF page by the image decoder).  Built with ASan and UBSan
 * (`make fuzz`): an out-of-bounds read, an overflow or an endless walk is a
 * finding.  See test/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "document/docparse.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the default imgtrans.max_pages, a tight limit and one page */
static const int limits[] = {1000, 3, 1};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DocTiffPage pages[1000];
	size_t		i;

	(void) doc_sniff(data, size);
	(void) doc_pdf_complete(data, size);
	/* the walker on every input, not only what the sniffer calls TIFF */
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
	{
		int			npages = -1;
		DocStatus	st;
		int			p;

		memset(pages, 0xA5, sizeof(pages));
		st = doc_tiff_pages(data, size, limits[i], pages, &npages);
		if (st > DOC_UNSUPPORTED)
			abort();
		if (st != DOC_OK)
			continue;
		/* what it accepts: 1..max pages, each directory inside the file, sane sizes */
		if (npages < 1 || npages > limits[i])
			abort();
		for (p = 0; p < npages; p++)
			if (pages[p].ifd < 8 || pages[p].ifd >= size || pages[p].width == 0 ||
				pages[p].height == 0 || !(pages[p].xres >= 0) || !(pages[p].yres >= 0))
				abort();
	}
	return 0;
}
