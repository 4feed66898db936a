/*-------------------------------------------------------------------------
 * pagecost.h
 *	  Estimates of what a document's pages will cost to OCR (pagecost.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_PAGECOST_H
#define IMGTRANS_PAGECOST_H

struct Pix;

extern int	imgtrans_count_glyphs(struct Pix *pix);
extern bool imgtrans_estimate_pays(const bytea *data);
extern void imgtrans_estimate_pages(const bytea *data, int dpi, const int *pages, int npages,
									int *glyphs);

#endif
