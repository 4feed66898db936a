/*-------------------------------------------------------------------------
 * document.c
 *	  Documents as pages (imgtrans.so): the imgtrans.pdf_dpi and
 *	  imgtrans.max_pages settings, opening PDFs, multi-page TIFFs and
 *	  single images through one interface, the per-page pixel gate, and the
 *	  SQL functions imgtrans_doc_info() and imgtrans_page_image().
 *
 * Every page passes the same gate as an image before a pixel is
 * allocated: a PDF page's size in points times the resolution, a TIFF
 * page's directory, against imgtrans.max_image_pixels and tesseract's
 * side limit.  PDFs go to imgtrans_pdf.so (poppler), loaded on the first
 * PDF; this file never includes poppler, glib or cairo.  It must never
 * leave a poppler document or a Pix behind: callers close documents in
 * PG_FINALLY, and a page is a Pix the caller owns from the moment it is
 * returned.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "document/document.h"
#include "imgtrans.h"
#include "image/decoder.h"
#include "image/lept.h"
#include "stats/stats.h"

#define PDF_LIBRARY "$libdir/imgtrans_pdf"
#define TESSERACT_MAX_SIDE 32767

int			imgtrans_pdf_dpi = 300;
int			imgtrans_max_pages = 1000;

void
imgtrans_document_init(void)
{
	DefineCustomIntVariable("imgtrans.pdf_dpi",
							"Resolution, in pixels per inch, at which PDF pages are rasterised.",
							"A call's dpi argument overrides it; imgtrans.max_image_pixels still applies.",
							&imgtrans_pdf_dpi,
							300, IMGTRANS_MIN_DPI, IMGTRANS_MAX_DPI,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.max_pages",
							"Largest number of pages a PDF or TIFF document may have.",
							"Checked when the document is opened, before any page is read.",
							&imgtrans_max_pages,
							1000, 1, 100000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
}

DocKind
imgtrans_doc_kind(const bytea *data)
{
	return doc_sniff((const uint8_t *) VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data));
}

/* A dpi argument given by a caller (NULL, for imgtrans.pdf_dpi, is not checked). */
int
imgtrans_doc_check_dpi(int dpi)
{
	if (dpi < IMGTRANS_MIN_DPI || dpi > IMGTRANS_MAX_DPI)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dpi %d is out of range", dpi),
				 errhint("Use a resolution from %d to %d pixels per inch, or NULL for imgtrans.pdf_dpi.",
						 IMGTRANS_MIN_DPI, IMGTRANS_MAX_DPI)));
	return dpi;
}

/* npages 0: the document has more than imgtrans.max_pages, counted no further */
static void
report_too_many_pages(const char *format, int npages)
{
	if (npages > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s document has %d pages, more than imgtrans.max_pages (%d)",
						format, npages, imgtrans_max_pages),
				 errhint("Split the document, or ask a superuser to raise imgtrans.max_pages.")));
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s document has more than imgtrans.max_pages (%d) pages",
					format, imgtrans_max_pages),
			 errhint("Split the document, or ask a superuser to raise imgtrans.max_pages.")));
}

static void
report_no_pages(const char *format)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s document has no pages", format),
			 errhint("Pass a document with at least one page.")));
}

static const PdfApi *
pdf_api(void)
{
	static const PdfApi *api = NULL;

	if (api == NULL)
	{
		PdfApiFn	fn = (PdfApiFn) load_external_function(PDF_LIBRARY, "imgtrans_pdf_api",
														   true, NULL);

		api = fn();
	}
	return api;
}

static void
open_pdf(ImgDoc *doc, const uint8_t *bytes, size_t len)
{
	int			npages = 0;
	int			i;

	if (!doc_pdf_complete(bytes, len))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("PDF is truncated"),
				 errdetail("The file does not end with the %%%%EOF marker."),
				 errhint("Pass the complete, unmodified PDF file as bytea.")));
	doc->pdf = pdf_api();
	doc->pdf_doc = doc->pdf->open(bytes, len, imgtrans_max_pages, !doc->sizes_only, &npages);
	if (npages <= 0)
		report_no_pages("PDF");
	if (npages > imgtrans_max_pages)
		report_too_many_pages("PDF", npages);
	doc->npages = npages;
	doc->pages = palloc0(sizeof(DocPage) * npages);
	for (i = 0; i < npages; i++)
	{
		DocPage    *p = &doc->pages[i];
		PdfPageInfo info;

		CHECK_FOR_INTERRUPTS();
		doc->pdf->page_info(doc->pdf_doc, i, &info);
		p->width_pt = info.width_pt;
		p->height_pt = info.height_pt;
		p->has_text = info.has_text;
		p->dpi = doc->dpi;
		/* pdftoppm's rounding; tiny epsilon so 612 pt at 300 dpi is 2550 */
		p->width = (int64) ceil(info.width_pt * doc->dpi / 72.0 - 1e-6);
		p->height = (int64) ceil(info.height_pt * doc->dpi / 72.0 - 1e-6);
		if (!(p->width > 0 && p->height > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("page %d of the PDF has an empty page size", i + 1),
					 errhint("Pass a PDF whose pages have a valid MediaBox.")));
	}
}

/* A raster's size in points, to 1/100 pt (TIFF stores 300 dpi as 299.99...) */
static double
raster_points(int64 pixels, double ppi)
{
	return round(pixels * 7200.0 / ppi) / 100.0;
}

static void
open_tiff(ImgDoc *doc, const uint8_t *bytes, size_t len)
{
	DocTiffPage *tp = palloc(sizeof(DocTiffPage) * imgtrans_max_pages);
	int			npages = 0;
	int			i;

	switch (doc_tiff_pages(bytes, len, imgtrans_max_pages, tp, &npages))
	{
		case DOC_OK:
			break;
		case DOC_TOO_MANY_PAGES:
			report_too_many_pages("TIFF", 0);
			break;
		case DOC_UNSUPPORTED:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("BigTIFF files are not supported"),
					 errhint("Convert the file to classic TIFF or to PDF.")));
			break;
		case DOC_TRUNCATED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("TIFF is truncated: page %d's directory runs past the end of the data",
							npages + 1),
					 errhint("Pass the complete, unmodified TIFF file as bytea.")));
			break;
		case DOC_INVALID:
			if (npages == 0 && len >= 8)
				report_no_pages("TIFF");
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("TIFF directory of page %d is invalid", npages + 1),
					 errhint("Pass the complete, unmodified TIFF file as bytea.")));
			break;
	}
	doc->npages = npages;
	doc->pages = palloc0(sizeof(DocPage) * npages);
	for (i = 0; i < npages; i++)
	{
		DocPage    *p = &doc->pages[i];

		p->width = tp[i].width;
		p->height = tp[i].height;
		p->tiff_ifd = tp[i].ifd;
		if (tp[i].xres > 0)
		{
			p->dpi = (int) (tp[i].xres + 0.5);
			p->width_pt = raster_points(tp[i].width, tp[i].xres);
			p->height_pt = raster_points(tp[i].height, tp[i].yres);
		}
	}
	pfree(tp);
}

static void
open_image(ImgDoc *doc)
{
	ImgHeader	hdr;
	DocPage    *p;
	bool		turned;

	imgtrans_read_header(doc->data, &hdr);
	/* the size as displayed, as imgtrans_decode() hands the page out */
	turned = hdr.orientation >= 5;
	doc->image_format = hdr.format;
	doc->npages = 1;
	doc->pages = p = palloc0(sizeof(DocPage));
	p->width = turned ? hdr.height : hdr.width;
	p->height = turned ? hdr.width : hdr.height;
	if (hdr.xres > 0 && hdr.yres > 0)
	{
		p->dpi = turned ? hdr.yres : hdr.xres;
		p->width_pt = raster_points(p->width, turned ? hdr.yres : hdr.xres);
		p->height_pt = raster_points(p->height, turned ? hdr.xres : hdr.yres);
	}
}

/*
 * Opens a document (or an image, as a document of one page) into doc,
 * which the caller zeroed.  dpi 0 means imgtrans.pdf_dpi.  The caller must
 * imgtrans_doc_close(doc) in PG_FINALLY, also when this function raises
 * after the PDF was opened: that is why the handle is the caller's.
 */
void
imgtrans_doc_open(ImgDoc *doc, const bytea *data, int dpi)
{
	const uint8_t *bytes = (const uint8_t *) VARDATA_ANY(data);
	size_t		len = VARSIZE_ANY_EXHDR(data);

	doc->data = data;
	doc->dpi = dpi > 0 ? dpi : imgtrans_pdf_dpi;
	doc->kind = doc_sniff(bytes, len);
	if (doc->kind == DOC_NONE)
	{
		open_image(doc);		/* also checks empty and too large data */
		return;
	}
	if (len > (size_t) imgtrans_max_image_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("document is %zu bytes, more than imgtrans.max_image_bytes (%d)",
						len, imgtrans_max_image_bytes),
				 errhint("Split the document, or ask a superuser to raise imgtrans.max_image_bytes.")));
	if (doc->kind == DOC_PDF)
		open_pdf(doc, bytes, len);
	else
	{
		doc->image_format = IMG_TIFF;
		open_tiff(doc, bytes, len);
	}
}

/* Never raises. */
void
imgtrans_doc_close(ImgDoc *doc)
{
	if (doc == NULL)
		return;
	if (doc->pdf && doc->pdf_doc)
		doc->pdf->close(doc->pdf_doc);
	doc->pdf_doc = NULL;
}

const char *
imgtrans_doc_format_name(const ImgDoc *doc)
{
	if (doc->kind == DOC_PDF)
		return "pdf";
	return img_format_name(doc->image_format);
}

/* page is 1-based */
void
imgtrans_doc_check_page(const ImgDoc *doc, int page)
{
	if (page < 1 || page > doc->npages)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("page %d is out of range", page),
				 errhint("The document has %d page%s, numbered from 1.",
						 doc->npages,
						 doc->npages == 1 ? "" : "s")));
}

/*
 * Page 'page' of a document (page 1 of an ordinary image) as a Pix the
 * caller owns: the document is opened and closed here, for the functions
 * that work on one page (imgtrans_render, imgtrans_preprocess).  dpi 0
 * for imgtrans.pdf_dpi.
 */
struct Pix *
imgtrans_doc_decode_page(const bytea *data, int page, int dpi)
{
	ImgDoc	   *doc = palloc0(sizeof(ImgDoc));
	PIX		   *volatile pix = NULL;

	doc->sizes_only = true;		/* one page's pixels: no text layer */
	PG_TRY();
	{
		imgtrans_doc_open(doc, data, dpi);
		pix = imgtrans_doc_page(doc, page);
	}
	PG_FINALLY();
	{
		imgtrans_doc_close(doc);
	}
	PG_END_TRY();
	return pix;
}

/*
 * The pixel gate of page 'page' (1-based, in range): a PDF page's size at
 * the document's resolution, a TIFF page's or an image's size, against
 * imgtrans.max_image_pixels and tesseract's side limit.
 */
static void
check_page_pixels(const ImgDoc *doc, int page)
{
	const DocPage *p = &doc->pages[page - 1];

	if (doc->kind == DOC_PDF &&
		(p->width * p->height > (int64) imgtrans_max_image_pixels ||
		 p->width > TESSERACT_MAX_SIDE || p->height > TESSERACT_MAX_SIDE))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("page %d of %.0f x %.0f points is %lld x %lld pixels at %d dpi, more than imgtrans allows",
						page, p->width_pt, p->height_pt,
						(long long) p->width, (long long) p->height, doc->dpi),
				 errdetail("The limits are imgtrans.max_image_pixels (%d) and %d pixels a side.",
						   imgtrans_max_image_pixels, TESSERACT_MAX_SIDE),
				 errhint("Pass a lower dpi, or ask a superuser to raise imgtrans.max_image_pixels.")));
	imgtrans_check_limits(p->width, p->height);
}

/*
 * What imgtrans_submit checks of a document (or an image) before it is
 * queued, with the SQLSTATEs and hints of the direct functions: the bytes
 * limit, that it opens (not truncated, corrupt or encrypted), its page
 * count (at least one, at most imgtrans.max_pages) and every page's pixel
 * gate at dpi (0 for imgtrans.pdf_dpi).  Reads headers, TIFF directories
 * and PDF page sizes only: nothing is decoded or rasterised, no text layer
 * is read.
 */
void
imgtrans_doc_check(const bytea *data, int dpi)
{
	ImgDoc	   *doc = palloc0(sizeof(ImgDoc));

	doc->sizes_only = true;
	PG_TRY();
	{
		int			i;

		imgtrans_doc_open(doc, data, dpi);
		for (i = 1; i <= doc->npages; i++)
			check_page_pixels(doc, i);
	}
	PG_FINALLY();
	{
		imgtrans_doc_close(doc);
	}
	PG_END_TRY();
	pfree(doc->pages);
	pfree(doc);
}

/*
 * Page 'page' (1-based) as a Pix the caller owns, after the pixel gate;
 * not counted in the statistics.
 */
struct Pix *
imgtrans_doc_page_uncounted(ImgDoc *doc, int page)
{
	DocPage    *p;
	PIX		   *pix;

	imgtrans_doc_check_page(doc, page);
	p = &doc->pages[page - 1];
	if (doc->kind == DOC_NONE)
	{
		ImgHeader	hdr;

		return imgtrans_decode(doc->data, &hdr);
	}
	check_page_pixels(doc, page);
	CHECK_FOR_INTERRUPTS();
	if (doc->kind == DOC_PDF)
	{
		pix = doc->pdf->render(doc->pdf_doc, page - 1, (int) p->width, (int) p->height);
		pixSetResolution(pix, doc->dpi, doc->dpi);
	}
	else
	{
		int			w,
					h;

		/* in the image decoder process (src/image/decoder.c) */
		pix = imgtrans_decoder_read((const uint8_t *) VARDATA_ANY(doc->data), VARSIZE_ANY_EXHDR(doc->data),
									IMG_TIFF, (int64) p->tiff_ifd, p->width, p->height, &w, &h);
		if (pix == NULL && w == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("could not decode page %d of the TIFF: the data is truncated or corrupt", page),
					 errhint("Pass the complete, unmodified TIFF file as bytea.")));
		if (pix == NULL || pixGetWidth(pix) != p->width || pixGetHeight(pix) != p->height)
		{
			pixDestroy(&pix);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("page %d of the TIFF decodes to another size than its directory declares", page),
					 errhint("Pass the complete, unmodified TIFF file as bytea.")));
		}
	}
	return pix;
}

/* The same, counted as a page read in the statistics. */
struct Pix *
imgtrans_doc_page(ImgDoc *doc, int page)
{
	PIX		   *pix = imgtrans_doc_page_uncounted(doc, page);

	if (doc->kind != DOC_NONE)
		imgtrans_stats_page(doc->pages[page - 1].width, doc->pages[page - 1].height);
	return pix;
}

static int
clamp_px(double v, int64 max)
{
	return (int) Max(0, Min(v, (double) max));
}

/*
 * The words of a PDF page's text layer (none for other formats, or a page
 * without one), in the pixels of the page rasterised at doc->dpi: the
 * boxes OCR of imgtrans_doc_page() would give them.
 */
DocWord *
imgtrans_doc_words(ImgDoc *doc, int page, int *nwords)
{
	DocPage    *p;
	PdfWord    *pw;
	DocWord    *out;
	double		sx,
				sy;
	int			n = 0;
	int			i;

	imgtrans_doc_check_page(doc, page);
	*nwords = 0;
	p = &doc->pages[page - 1];
	if (doc->kind != DOC_PDF || !p->has_text)
		return NULL;
	sx = p->width / p->width_pt;
	sy = p->height / p->height_pt;
	pw = doc->pdf->words(doc->pdf_doc, page - 1, &n);
	out = palloc(sizeof(DocWord) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		out[i].left = clamp_px(floor(pw[i].x1 * sx), p->width);
		out[i].top = clamp_px(floor(pw[i].y1 * sy), p->height);
		out[i].right = clamp_px(ceil(pw[i].x2 * sx), p->width);
		out[i].bottom = clamp_px(ceil(pw[i].y2 * sy), p->height);
		out[i].block = pw[i].block;
		out[i].line = pw[i].line;
		out[i].word = pw[i].word;
		out[i].text = pw[i].text;
	}
	*nwords = n;
	return out;
}

/*
 * The pages argument (int[], from 1) checked against a document of npages:
 * one dimension, no NULLs, each page in range and listed once.  Returns
 * the pages in the order given.
 */
int *
doc_pages_list(struct ArrayType *arr, int npages)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int		   *pages;
	bool	   *seen = palloc0(sizeof(bool) * (npages + 1));
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pages must be a one-dimensional array"),
				 errhint("Pass page numbers from 1, e.g. '{1,3}', or NULL for all pages.")));
	deconstruct_array(arr, INT4OID, sizeof(int32), true, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pages is empty"),
				 errhint("Pass page numbers from 1, e.g. '{1,3}', or NULL for all pages.")));
	pages = palloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
	{
		int			p;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("pages must not contain NULL"),
					 errhint("Pass page numbers from 1, e.g. '{1,3}', or NULL for all pages.")));
		p = DatumGetInt32(elems[i]);
		if (p < 1 || p > npages)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("page %d is out of range", p),
					 errhint("The document has %d page%s, numbered from 1.",
							 npages, npages == 1 ? "" : "s")));
		if (seen[p])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("page %d is listed more than once in pages", p),
					 errhint("List each page once.")));
		seen[p] = true;
		pages[i] = p;
	}
	return pages;
}

IMGTRANS_COUNTED(imgtrans_doc_info, "imgtrans_doc_info", doc_info)

/*
 * imgtrans_doc_info(doc bytea, dpi int) returns one row per page: format,
 * pages, page, width, height, dpi, width_pt, height_pt, has_text.
 */
static Datum
doc_info(PG_FUNCTION_ARGS)
{
	bytea	   *data;
	ImgDoc	   *doc = palloc0(sizeof(ImgDoc));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	data = PG_GETARG_BYTEA_PP(0);
	PG_TRY();
	{
		int			i;

		imgtrans_doc_open(doc, data,
						  PG_ARGISNULL(1) ? 0 : imgtrans_doc_check_dpi(PG_GETARG_INT32(1)));
		for (i = 0; i < doc->npages; i++)
		{
			DocPage    *p = &doc->pages[i];
			Datum		values[9];
			bool		nulls[9] = {false};

			values[0] = CStringGetTextDatum(imgtrans_doc_format_name(doc));
			values[1] = Int32GetDatum(doc->npages);
			values[2] = Int32GetDatum(i + 1);
			values[3] = Int64GetDatum(p->width);
			values[4] = Int64GetDatum(p->height);
			values[5] = Int32GetDatum(p->dpi);
			nulls[5] = p->dpi <= 0;
			values[6] = Float8GetDatum(p->width_pt);
			values[7] = Float8GetDatum(p->height_pt);
			nulls[6] = nulls[7] = p->width_pt <= 0;
			values[8] = BoolGetDatum(p->has_text);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	PG_FINALLY();
	{
		imgtrans_doc_close(doc);
	}
	PG_END_TRY();
	return (Datum) 0;
}

IMGTRANS_COUNTED(imgtrans_page_image, "imgtrans_page_image", page_image)

/*
 * imgtrans_page_image(doc bytea, page int, dpi int) returns the page as a
 * PNG that records its resolution.
 */
static Datum
page_image(PG_FUNCTION_ARGS)
{
	bytea	   *data;
	int			page;
	ImgDoc	   *doc = palloc0(sizeof(ImgDoc));
	PIX		   *volatile pix = NULL;
	l_uint8    *volatile png = NULL;
	size_t		png_len = 0;
	bytea	   *result = NULL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	data = PG_GETARG_BYTEA_PP(0);
	page = PG_GETARG_INT32(1);
	doc->sizes_only = true;		/* one page's pixels: no text layer */
	PG_TRY();
	{
		l_uint8    *buf = NULL;

		imgtrans_doc_open(doc, data,
						  PG_ARGISNULL(2) ? 0 : imgtrans_doc_check_dpi(PG_GETARG_INT32(2)));
		pix = imgtrans_doc_page(doc, page);
		if (pixWriteMemPng(&buf, &png_len, pix, 0) != 0 || buf == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not encode page %d as PNG", page)));
		png = buf;
		result = palloc(VARHDRSZ + png_len);
		SET_VARSIZE(result, VARHDRSZ + png_len);
		memcpy(VARDATA(result), png, png_len);
	}
	PG_FINALLY();
	{
		if (png)
			lept_free(png);
		if (pix)
		{
			PIX		   *p = pix;

			pixDestroy(&p);
		}
		imgtrans_doc_close(doc);
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(result);
}
