/*-------------------------------------------------------------------------
 * ocr.c
 *	  The SQL-callable OCR functions (engine module): box rows, plain text,
 *	  hOCR, TSV and ALTO.
 *
 * Every function follows one path: parse arguments, then inside PG_TRY
 * decode and preprocess the image, have the backend's OCR process read it
 * with the call's language, variables and page mode (engine.c: tesseract
 * runs in that child process, which an interrupt kills), and fetch the
 * output from it; PG_FINALLY frees the image and has the process drop
 * the reading and restore the variables, whether the call succeeded,
 * failed or was cancelled.  A PDF or
 * multi-page TIFF (src/document/) runs that path once per page, freeing
 * each page before the next; the document is closed in the same
 * PG_FINALLY.  With imgtrans.ocr_cache on, each function looks its
 * output up in the OCR cache (ocrcache.c) before that path and stores it
 * after, outside every tesseract frame.
 *
 * imgtrans_ocr_pdf feeds each recognised page to tesseract's own PDF
 * renderer (in the OCR process), which can only write to a file: it
 * writes into a private directory under pgsql_tmp (src/util/tempdir.c)
 * that is removed in PG_FINALLY on every path, after the renderer is
 * dropped, and the file is read back as the result.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"

#include <omp.h>

#include "document/document.h"
#include "ocr/boxes.h"
#include "ocr/engine.h"
#include "imgtrans.h"
#include "image/decoder.h"
#include "ocr/ocrargs.h"
#include "ocr/ocrcache.h"
#include "ocr/preprocess.h"
#include "util/tempdir.h"

PG_MODULE_MAGIC;

typedef enum TextSource
{
	TEXT_SOURCE_OCR,			/* recognise every page */
	TEXT_SOURCE_AUTO,			/* a PDF page's text layer where it has enough words */
	TEXT_SOURCE_PDF				/* a PDF page's text layer only */
} TextSource;

typedef struct OcrCall
{
	/* arguments */
	bytea	   *image;
	char	   *lang;
	int			psm;
	unsigned	levels;
	List	   *vars;			/* of OcrVar, checked */
	List	   *steps;			/* preprocessing steps, NIL for none */
	ArrayType  *pages_arg;		/* pages int[], NULL for all */
	int			dpi;			/* PDF resolution, 0 for imgtrans.pdf_dpi */
	TextSource	text_source;
	bool		(*emit_layer) (struct OcrCall *call, FunctionCallInfo fcinfo);	/* for text_source 'pdf' and 'auto' */
	/* a PDF or TIFF document, NULL for an ordinary image */
	ImgDoc	   *doc;
	int			page_num;		/* page being recognised, from 1 */
	const char *page_lang;		/* auto: the model the last page was kept in */
	int			page_index;		/* its position in the output, from 0 */
	/* resources, freed by ocr_cleanup() */
	Prep		prep;			/* owns the image being recognised */
	Affine		back;			/* processed -> original coordinates */
	bool		mapped;			/* back is not the identity */
	int			slot;			/* the OCR process's slot with the reading kept (engine.c) */
	/* imgtrans_ocr_pdf: tesseract's PDF renderer, writing pdf_base.pdf */
	bool		pdf_started;
	char	   *pdf_base;
	/* result of a scalar function: each page's output appended */
	StringInfoData out;
	const char *tail;			/* appended after the last page */
} OcrCall;

typedef void (*OcrEmitFn) (OcrCall *call, FunctionCallInfo fcinfo);

/* A PDF page's output from its text layer; false when it is to be OCRed. */
typedef bool (*OcrLayerFn) (OcrCall *call, FunctionCallInfo fcinfo);

static void
check_psm(int psm)
{
	if (!ocr_psm_valid(psm))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("page segmentation mode %d is not supported", psm),
				 errhint("Use psm 1 or 3 to 13, as in \"tesseract --help-psm\"; modes 0 and 2 produce no text.")));
}

static TextSource
parse_text_source(const char *name)
{
	if (strcmp(name, "ocr") == 0)
		return TEXT_SOURCE_OCR;
	if (strcmp(name, "auto") == 0)
		return TEXT_SOURCE_AUTO;
	if (strcmp(name, "pdf") == 0)
		return TEXT_SOURCE_PDF;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown text_source \"%s\"", name),
			 errhint("Use 'ocr' (recognise every page), 'pdf' (a PDF's text layer) or 'auto' (the text layer where a page has one, OCR elsewhere).")));
	return TEXT_SOURCE_OCR;		/* keep the compiler quiet */
}

/*
 * Reads the arguments (image, lang, [level,] psm, vars).  Returns false
 * when a non-optional argument is NULL: the function then returns NULL,
 * as a STRICT one would; only vars may be NULL.
 */
static bool
ocr_parse_args(FunctionCallInfo fcinfo, OcrCall *call, bool has_level, bool has_prep)
{
	int			psm_arg = has_level ? 3 : 2;
	int			pages_arg = psm_arg + (has_prep ? 3 : 2);
	int			i;

	for (i = 0; i <= psm_arg; i++)
		if (PG_ARGISNULL(i))
			return false;
	call->image = PG_GETARG_BYTEA_PP(0);
	call->lang = text_to_cstring(PG_GETARG_TEXT_PP(1));
	call->levels = OCR_LEVEL_BIT(OCR_LEVEL_WORD);
	if (has_level)
	{
		char	   *level = text_to_cstring(PG_GETARG_TEXT_PP(2));

		call->levels = ocr_parse_levels(level);
		if (call->levels == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown box level \"%s\"", level),
					 errhint("Valid levels are: %s.", OCR_LEVEL_NAMES)));
	}
	call->psm = PG_GETARG_INT32(psm_arg);
	check_psm(call->psm);
	call->vars = imgtrans_check_vars(PG_ARGISNULL(psm_arg + 1) ? NULL :
									 PG_GETARG_JSONB_P(psm_arg + 1));
	if (has_prep && PG_NARGS() > psm_arg + 2 && !PG_ARGISNULL(psm_arg + 2))
		call->steps = prep_parse_steps(PG_GETARG_ARRAYTYPE_P(psm_arg + 2));
	if (PG_NARGS() > pages_arg && !PG_ARGISNULL(pages_arg))
		call->pages_arg = PG_GETARG_ARRAYTYPE_P(pages_arg);
	if (PG_NARGS() > pages_arg + 1 && !PG_ARGISNULL(pages_arg + 1))
		call->dpi = imgtrans_doc_check_dpi(PG_GETARG_INT32(pages_arg + 1));
	if (PG_NARGS() > pages_arg + 2 && !PG_ARGISNULL(pages_arg + 2))
		call->text_source = parse_text_source(text_to_cstring(PG_GETARG_TEXT_PP(pages_arg + 2)));
	initStringInfo(&call->out);
	/* the language is checked by engine_acquire() when it loads an engine */
	return true;
}

/* Reads the current image into the OCR process's slot (engine.c). */
static void
recognize_on(OcrCall *call, int slot)
{
	engine_recognize(slot, call->prep.lang, call->vars, call->psm, call->prep.pix);
}

/*
 * Reads auto's candidate image (prep_try_*) into the slot that does not
 * hold the kept reading; if it reads better than *best, that slot's
 * reading is kept and *best is its score.  Never a third pass.
 */
static void
read_candidate(OcrCall *call, PrepScore *best)
{
	PrepScore	score;
	int			other = 1 - call->slot;

	recognize_on(call, other);
	engine_score(other, &score);
	if (prep_trial_wins(&call->prep, best, &score))
	{
		call->slot = other;
		*best = score;
	}
}

static void
ocr_recognize(OcrCall *call, PIX *pix)
{
	PrepScore	best;

	prep_init(&call->prep, pix);
	/*
	 * A document's pages are read first in the model auto kept for the page
	 * before (a Fraktur book passed as eng: its script model, found on page
	 * 1, so the next pages are read once, not three times); a page that
	 * reads poorly in it is tried in its own script again.
	 */
	call->prep.lang = call->page_lang ? call->page_lang : call->lang;
	call->prep.defer = true;
	prep_run(&call->prep, call->steps);
	call->slot = 0;
	recognize_on(call, call->slot);
	if (call->prep.orient_pending || call->prep.scale_pending > 0 || call->prep.flatten_pending)
	{
		engine_score(call->slot, &best);
		if (prep_try_scale(&call->prep, &best))
			read_candidate(call, &best);
		if (prep_try_flatten(&call->prep, &best))
			read_candidate(call, &best);
		if (prep_try_orient(&call->prep, &best))
			read_candidate(call, &best);
		if (prep_try_script(&call->prep, &best))
			read_candidate(call, &best);
	}
	if (call->doc)
		call->page_lang = call->prep.lang;
	call->mapped = !affine_is_identity(&call->prep.fwd) &&
		affine_invert(&call->prep.fwd, &call->back);
}

/*
 * Frees what ocr_recognize() took: the image, and the readings and
 * variables in the OCR process.  Never raises.
 */
static void
ocr_cleanup(OcrCall *call)
{
	engine_clear(false);
	prep_free(&call->prep);
}

static void
report_not_pdf(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("text_source 'pdf' needs a PDF"),
			 errhint("Images and TIFFs have no text layer: use text_source 'ocr' or 'auto'.")));
}

/*
 * For text_source 'pdf' and 'auto': a PDF page's rows, text or TSV from its
 * text layer (src/ocr/textlayer.c).  False when the page is to be OCRed.
 */
static bool
layer_boxes(OcrCall *call, FunctionCallInfo fcinfo)
{
	return doc_emit_text_layer(call->doc, call->page_num, call->levels,
							   call->text_source == TEXT_SOURCE_AUTO,
							   (ReturnSetInfo *) fcinfo->resultinfo);
}

static bool
layer_text(OcrCall *call, FunctionCallInfo fcinfo)
{
	StringInfoData page;

	initStringInfo(&page);
	if (!doc_text_layer_text(call->doc, call->page_num,
							 call->text_source == TEXT_SOURCE_AUTO, &page))
		return false;
	if (call->page_index > 0)
		appendStringInfoChar(&call->out, '\f');
	appendBinaryStringInfo(&call->out, page.data, page.len);
	return true;
}

#define TSV_HEADER "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\t" \
	"left\ttop\twidth\theight\tconf\ttext\n"

static bool
layer_tsv(OcrCall *call, FunctionCallInfo fcinfo)
{
	StringInfoData page;

	initStringInfo(&page);
	if (!doc_text_layer_tsv(call->doc, call->page_num,
							call->text_source == TEXT_SOURCE_AUTO, &page))
		return false;
	if (call->page_index == 0)
		appendStringInfoString(&call->out, TSV_HEADER);
	appendBinaryStringInfo(&call->out, page.data, page.len);
	return true;
}

/*
 * An ordinary image is recognised as before (page 1); a PDF or TIFF page
 * by page, in the order of pages (all when NULL), each page's resources
 * freed before the next.
 */
static void
ocr_execute(OcrCall *call, OcrEmitFn emit, FunctionCallInfo fcinfo)
{
	call->page_num = 1;
	if (imgtrans_doc_kind(call->image) != DOC_NONE)
	{
		call->doc = palloc0(sizeof(ImgDoc));
		/* the text layers are read only where they may be used */
		call->doc->sizes_only = call->text_source == TEXT_SOURCE_OCR;
	}
	PG_TRY();
	{
		if (call->doc == NULL)
		{
			ImgHeader	hdr;

			if (call->pages_arg)
				(void) doc_pages_list(call->pages_arg, 1);
			if (call->text_source == TEXT_SOURCE_PDF)
				report_not_pdf();
			ocr_recognize(call, imgtrans_decode(call->image, &hdr));
			emit(call, fcinfo);
		}
		else
		{
			int			npages;
			int		   *pages;
			int			i;

			imgtrans_doc_open(call->doc, call->image, call->dpi);
			if (call->text_source == TEXT_SOURCE_PDF && call->doc->kind != DOC_PDF)
				report_not_pdf();
			pages = call->pages_arg ? doc_pages_list(call->pages_arg, call->doc->npages) : NULL;
			npages = pages ? ARR_DIMS(call->pages_arg)[0] : call->doc->npages;
			for (i = 0; i < npages; i++)
			{
				CHECK_FOR_INTERRUPTS();
				call->page_index = i;
				call->page_num = pages ? pages[i] : i + 1;
				if (call->text_source != TEXT_SOURCE_OCR && call->emit_layer(call, fcinfo))
					continue;
				ocr_recognize(call, imgtrans_doc_page(call->doc, call->page_num));
				emit(call, fcinfo);
				ocr_cleanup(call);
			}
		}
	}
	PG_FINALLY();
	{
		ocr_cleanup(call);
		imgtrans_doc_close(call->doc);
	}
	PG_END_TRY();
}

/* Block, paragraph and line text without its trailing newlines. */
static Datum
trimmed_text(char *s)
{
	size_t		n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return CStringGetTextDatum(s);
}

static const OcrLevel level_of[] = {
	[TL_BLOCK] = OCR_LEVEL_BLOCK,
	[TL_PARA] = OCR_LEVEL_PARA,
	[TL_LINE] = OCR_LEVEL_LINE,
	[TL_WORD] = OCR_LEVEL_WORD,
};

/*
 * Box rows in tesseract's TSV order and numbering: a row for each block,
 * paragraph and line as the word iterator enters it, then the word (the
 * OCR process sends each of these events, filled for the levels asked).
 */
static void
emit_boxes(OcrCall *call, FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	BoxRow		row = {0};
	EngineBoxes boxes;
	TessBoxRec	rec;
	char	   *text;
	uint32		levels = 0;
	int			l;

	for (l = TL_BLOCK; l <= TL_WORD; l++)
		if (call->levels & OCR_LEVEL_BIT(level_of[l]))
			levels |= TL_BIT(l);
	engine_boxes(call->slot, levels, &boxes);
	row.page = call->page_num;
	if (call->levels & OCR_LEVEL_BIT(OCR_LEVEL_PAGE))
	{
		row.level = OCR_LEVEL_PAGE;
		row.right = call->prep.orig_w;
		row.bottom = call->prep.orig_h;
		row.conf = boxes.mean_conf;
		row.text_null = true;
		imgtrans_box_put(rsinfo, &row);
	}
	while (engine_next_box(&boxes, &rec, &text))
	{
		CHECK_FOR_INTERRUPTS();
		switch (rec.level)
		{
			case TL_BLOCK:
				row.block++;
				row.par = row.line = row.word = 0;
				break;
			case TL_PARA:
				row.par++;
				row.line = row.word = 0;
				break;
			case TL_LINE:
				row.line++;
				row.word = 0;
				break;
			default:
				row.word++;
		}
		if (!rec.filled)
			continue;
		row.level = level_of[rec.level];
		row.left = rec.left;
		row.top = rec.top;
		row.right = rec.right;
		row.bottom = rec.bottom;
		if (call->mapped)
			affine_map_box(&call->back, call->prep.orig_w, call->prep.orig_h,
						   &row.left, &row.top, &row.right, &row.bottom);
		row.conf = rec.conf;
		row.conf_null = false;
		row.text = rec.level == TL_WORD ? CStringGetTextDatum(text) : trimmed_text(text);
		row.text_null = false;
		imgtrans_box_put(rsinfo, &row);
		pfree(text);
	}
	pfree(boxes.data);
}

/* Like tesseract's CLI: a form feed between pages (none after the last). */
static void
emit_text(OcrCall *call, FunctionCallInfo fcinfo)
{
	if (call->page_index > 0)
		appendStringInfoChar(&call->out, '\f');
	appendStringInfoString(&call->out, engine_text(call->slot, TK_TEXT, 0));
}

/*
 * hOCR, ALTO and TSV come from tesseract one page at a time, numbered with
 * the document's page number; the result is the pages between a document
 * head (added before the first page) and tail (added by ocr_scalar).
 */
static void
emit_page(OcrCall *call, uint32 kind, const char *head, const char *tail)
{
	if (call->page_index == 0)
		appendStringInfoString(&call->out, head);
	appendStringInfoString(&call->out, engine_text(call->slot, kind, call->page_num - 1));
	call->tail = tail;
}

static void
emit_hocr(OcrCall *call, FunctionCallInfo fcinfo)
{
	emit_page(call, TK_HOCR,
			  psprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
					   "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
					   "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
					   "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
					   " <head>\n  <title></title>\n"
					   "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
					   "  <meta name='ocr-system' content='tesseract %s' />\n"
					   "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>\n"
					   " </head>\n <body>\n", TessVersion()),
			  " </body>\n</html>\n");
}

static void
emit_alto(OcrCall *call, FunctionCallInfo fcinfo)
{
	emit_page(call, TK_ALTO,
			  psprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
					   "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v3#\" "
					   "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
					   "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
					   "xsi:schemaLocation=\"http://www.loc.gov/standards/alto/ns-v3# "
					   "http://www.loc.gov/alto/v3/alto-3-0.xsd\">\n"
					   "\t<Description>\n\t\t<MeasurementUnit>pixel</MeasurementUnit>\n"
					   "\t\t<OCRProcessing ID=\"OCR_0\">\n\t\t\t<ocrProcessingStep>\n"
					   "\t\t\t\t<processingSoftware>\n"
					   "\t\t\t\t\t<softwareName>tesseract %s</softwareName>\n"
					   "\t\t\t\t</processingSoftware>\n\t\t\t</ocrProcessingStep>\n"
					   "\t\t</OCRProcessing>\n\t</Description>\n"
					   "\t<Layout>\n", TessVersion()),
			  "\t</Layout>\n</alto>\n");
}

static void
emit_tsv(OcrCall *call, FunctionCallInfo fcinfo)
{
	emit_page(call, TK_TSV, TSV_HEADER, "");
}

/* The OCR cache's key (ocrcache.c): everything the output depends on. */
static OcrCacheKey *
cache_key(OcrCall *call, const char *kind)
{
	OcrCacheKey *key = palloc0(sizeof(OcrCacheKey));

	key->kind = kind;
	key->image = call->image;
	key->lang = call->lang;
	key->psm = call->psm;
	key->levels = call->levels;
	key->vars = call->vars;
	key->steps = call->steps;
	key->pages = call->pages_arg;
	key->dpi = call->dpi;
	key->text_source = (int) call->text_source;
	key->engine_version = TessVersion();
	return key;
}

/*
 * imgtrans_ocr(image, lang, level, psm, vars) returns SETOF imgtrans_box.
 */
Datum		imgtrans_ocr_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_ocr_impl(PG_FUNCTION_ARGS)
{
	OcrCall    *call = palloc0(sizeof(OcrCall));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	OcrCacheKey *key;

	InitMaterializedSRF(fcinfo, 0);
	if (!ocr_parse_args(fcinfo, call, true, true))
		return (Datum) 0;
	call->emit_layer = layer_boxes;
	key = cache_key(call, "boxes");
	if (ocrcache_lookup_rows(key, rsinfo))
		return (Datum) 0;
	ocr_execute(call, emit_boxes, fcinfo);
	ocrcache_store_rows(key, rsinfo);
	return (Datum) 0;
}

/*
 * The scalar functions: (image, lang, psm, vars[, preprocess], pages, dpi
 * [, text_source]) returns text.  Only text and TSV take text_source: hOCR
 * and ALTO carry what only recognition knows (baselines, font sizes,
 * per-glyph confidences), and a second writer of them would drift from
 * tesseract's.
 */
static Datum
ocr_scalar(FunctionCallInfo fcinfo, OcrEmitFn emit, bool has_prep, OcrLayerFn layer,
		   const char *kind)
{
	OcrCall    *call = palloc0(sizeof(OcrCall));
	OcrCacheKey *key;
	text	   *cached;

	if (!ocr_parse_args(fcinfo, call, false, has_prep))
		PG_RETURN_NULL();
	call->emit_layer = layer;
	if (layer == NULL && call->text_source != TEXT_SOURCE_OCR)
		elog(ERROR, "text_source is not an argument of this function");
	key = cache_key(call, kind);
	cached = ocrcache_lookup_text(key);
	if (cached)
		PG_RETURN_TEXT_P(cached);
	ocr_execute(call, emit, fcinfo);
	if (call->tail)
		appendStringInfoString(&call->out, call->tail);
	ocrcache_store_text(key, call->out.data, call->out.len);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(call->out.data, call->out.len));
}

#define OCR_SCALAR(fn, emit, has_prep, layer, kind) \
	Datum		fn(PG_FUNCTION_ARGS); \
	Datum		fn(PG_FUNCTION_ARGS) { return ocr_scalar(fcinfo, emit, has_prep, layer, kind); }

OCR_SCALAR(imgtrans_ocr_text_impl, emit_text, true, layer_text, "text")
OCR_SCALAR(imgtrans_ocr_hocr_impl, emit_hocr, false, NULL, "hocr")
OCR_SCALAR(imgtrans_ocr_alto_impl, emit_alto, false, NULL, "alto")
OCR_SCALAR(imgtrans_ocr_tsv_impl, emit_tsv, false, layer_tsv, "tsv")

/*
 * A recognised page into the searchable PDF: the page image with the
 * recognised words as invisible text (tesseract's PDF renderer, the same
 * renderer as "tesseract FILE out pdf").  The renderer returns false on
 * failure; errors are raised only after it has returned.
 */
static void
emit_pdf(OcrCall *call, FunctionCallInfo fcinfo)
{
	if (!call->pdf_started)
	{
		engine_pdf_begin(call->pdf_base);
		call->pdf_started = true;
	}
	engine_pdf_add(call->slot, call->page_num);
}

/*
 * imgtrans_ocr_pdf(doc, lang, psm, vars, pages, dpi) returns bytea: a
 * searchable PDF of the pages, each page image with an invisible text
 * layer holding what imgtrans_ocr_text recognises on it.
 */
Datum		imgtrans_ocr_pdf_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_ocr_pdf_impl(PG_FUNCTION_ARGS)
{
	OcrCall    *call = palloc0(sizeof(OcrCall));
	char	   *dir;
	bytea	   *result = NULL;

	if (!ocr_parse_args(fcinfo, call, false, false))
		PG_RETURN_NULL();
	dir = imgtrans_tempdir_create();
	call->pdf_base = psprintf("%s/ocr", dir);
	PG_TRY();
	{
		ocr_execute(call, emit_pdf, fcinfo);
		if (!call->pdf_started)
			elog(ERROR, "no page was rendered");
		engine_pdf_end();
		result = imgtrans_tempdir_read(psprintf("%s.pdf", call->pdf_base));
	}
	PG_FINALLY();
	{
		/* an unfinished PDF is dropped (its file closed) before its directory goes */
		engine_clear(true);
		imgtrans_tempdir_remove(dir);
	}
	PG_END_TRY();
	PG_RETURN_BYTEA_P(result);
}

/*
 * imgtrans_engine_info() returns (omp_thread_limit, cached_languages,
 * ocr_process_pid, decoder_pid): the thread limit OpenMP applies in this
 * backend (and its OCR process, which inherits it), the engines that
 * process holds, its PID (NULL before the first OCR call and after a
 * kill) and the image decoder's (src/image/decoder.c, likewise).  Reads
 * the result type's column count, so a 0.15.0 or 0.16.0 definition (two
 * or three columns) still works until ALTER EXTENSION UPDATE.
 */
Datum		imgtrans_engine_info_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_engine_info_impl(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	List	   *langs = engine_cached_languages();
	Datum	   *elems = palloc(sizeof(Datum) * (list_length(langs) + 1));
	ListCell   *lc;
	int			n = 0;
	int			pid = engine_process_pid();

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts < 2 || tupdesc->natts > 4)
		elog(ERROR, "imgtrans_engine_info: unexpected result type");
	foreach(lc, langs)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	values[0] = Int32GetDatum(omp_get_thread_limit());
	values[1] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
	values[2] = Int32GetDatum(pid);
	nulls[2] = pid == 0;
	pid = imgtrans_decoder_pid();
	values[3] = Int32GetDatum(pid);
	nulls[3] = pid == 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
