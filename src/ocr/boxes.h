/*-------------------------------------------------------------------------
 * boxes.h
 *	  Building imgtrans_box rows (the SQL row type of every OCR result).
 *
 * Kept apart from leptonica's headers: leptonica and PostgreSQL both
 * define a type named BOX.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_BOXES_H
#define IMGTRANS_BOXES_H

#include "fmgr.h"
#include "funcapi.h"

#include "ocr/ocrargs.h"

typedef struct BoxRow
{
	OcrLevel	level;
	int			block,
				par,
				line,
				word;
	int			left,
				top,
				right,
				bottom;
	float		conf;
	bool		conf_null;
	Datum		text;
	bool		text_null;
	int			page;			/* page_num: the page of a document, 1 for an image */
} BoxRow;

/* columns imgtrans_box shares with imgtrans_translated_box; page_num follows */
#define BOX_NCOLS 12

extern void imgtrans_box_put(ReturnSetInfo *rsinfo, const BoxRow *row);

/* textlayer.c: a PDF page's text layer instead of OCR (rows, TSV, text) */
struct ImgDoc;
struct ReturnSetInfo;
extern bool doc_emit_text_layer(struct ImgDoc *doc, int page_num, unsigned levels, bool auto_mode,
								struct ReturnSetInfo *rsinfo);
extern bool doc_text_layer_tsv(struct ImgDoc *doc, int page_num, bool auto_mode,
							   struct StringInfoData *out);
extern bool doc_text_layer_text(struct ImgDoc *doc, int page_num, bool auto_mode,
								struct StringInfoData *out);

#endif							/* IMGTRANS_BOXES_H */
