/*-------------------------------------------------------------------------
 * pagecost.c
 *	  What each page of a document job will cost to OCR, estimated before
 *	  any page is read, so that workers read the dearest pages first.
 *
 * Pages are the unit of work of a document job.  Taken in page order, the
 * worker that finishes first waits for the other's last page, which may be
 * the longest (issue 14's 10-page bench: 1.78x in page order against 1.96x
 * longest first, on paper, from the pages' own times).  Tesseract's time
 * for a page follows its glyph count (the recogniser runs over every text
 * line), so the estimate is the number of glyph-sized connected components
 * of the page (src/image/glyphs.c, as auto's measure step counts them),
 * binarised at its own ink/paper split, on a copy of at most
 * SURVEY_MAX_PIXELS.  Only where that costs little against the
 * page's OCR: imgtrans_estimate_pays().
 *
 * Never: run anything but the extension's own C on the job's bytes (no
 * user code: the owner's part, reading the row, is over), or hold more
 * than one page.  A page it cannot read raises as its OCR would; the
 * caller then goes on without estimates (src/jobs/jobrun.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "document/document.h"
#include "image/glyphs.h"
#include "jobs/pagecost.h"

/* pixels the estimate looks at: glyphs of a 300-dpi page stay >= 10 px */
#define SURVEY_MAX_PIXELS	1500000.0

/*
 * Glyph-sized connected components of pix: taller than a speck, smaller
 * than a quarter of the page (not a border, rule or picture).
 */
int
imgtrans_count_glyphs(PIX *pix)
{
	PIX		   *g,
			   *r,
			   *bin;
	BOXA	   *boxa;
	double		npix = (double) pixGetWidth(pix) * pixGetHeight(pix);
	double		s = npix > SURVEY_MAX_PIXELS ? sqrt(SURVEY_MAX_PIXELS / npix) : 1.0;
	int			w,
				h,
				n;

	g = pixConvertTo8(pix, false);
	if (g == NULL)
		return -1;
	r = s < 1.0 ? pixScaleAreaMap(g, (float) s, (float) s) : pixClone(g);
	pixDestroy(&g);
	if (r == NULL)
		return -1;
	bin = pixThresholdToBinary(r, imgtrans_ink_threshold(r));
	w = pixGetWidth(r);
	h = pixGetHeight(r);
	pixDestroy(&r);
	if (bin == NULL)
		return -1;
	boxa = pixConnCompBB(bin, 8);
	pixDestroy(&bin);
	n = imgtrans_count_glyph_sized(boxa, w, h, s);
	boxaDestroy(&boxa);
	return n;
}

/*
 * Whether estimating the pages of data pays: a TIFF page is counted in
 * 10-18 ms, 2-4 % of its OCR, and reading the dearest first gained 2-4 %
 * of a 10-page job on 2 workers (bench/document_jobs_bench.sh); a PDF
 * page must be rasterised, which costs 20-30 ms in poppler whatever the
 * resolution (decoding the page's image dominates), about what the order
 * saves, so a PDF's pages are read in page order.
 */
bool
imgtrans_estimate_pays(const bytea *data)
{
	return imgtrans_doc_kind(data) == DOC_TIFF;
}

/*
 * glyphs[i] = the estimate of page pages[i] (from 1) of data (a PDF or
 * TIFF), at the resolution OCR will use (dpi, 0 for imgtrans.pdf_dpi).
 */
void
imgtrans_estimate_pages(const bytea *data, int dpi, const int *pages, int npages, int *glyphs)
{
	ImgDoc		doc;
	int			i;

	memset(&doc, 0, sizeof(doc));
	doc.sizes_only = true;		/* no text layers: only pixels are looked at */
	PG_TRY();
	{
		imgtrans_doc_open(&doc, data, dpi);
		for (i = 0; i < npages; i++)
		{
			PIX		   *pix;

			CHECK_FOR_INTERRUPTS();
			pix = imgtrans_doc_page_uncounted(&doc, pages[i]);
			glyphs[i] = imgtrans_count_glyphs(pix);
			pixDestroy(&pix);
		}
	}
	PG_FINALLY();
	{
		imgtrans_doc_close(&doc);
	}
	PG_END_TRY();
}
