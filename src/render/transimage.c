/*-------------------------------------------------------------------------
 * transimage.c
 *	  imgtrans_translate_image(): the paragraphs (or lines) of an image with
 *	  their translations, as imgtrans_translated_box rows.
 *
 * OCR runs in the engine module: this file calls the SQL function
 * imgtrans_ocr (in this function's own schema) through SPI with
 * parameters, and never calls tesseract itself.  Rows without text are
 * dropped; a paragraph's lines are joined with spaces, so that the
 * provider sees whole sentences; then all the texts of the image go to
 * imgtrans_translate_batch() (translate.c) in one call, through the
 * translation cache.  The provider and the languages are checked before
 * the OCR (an empty batch does that, without any HTTP), so a mistake there
 * fails fast and fails the same whether or not the image has text.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "document/document.h"
#include "imgtrans.h"
#include "ocr/boxes.h"
#include "translate/transcodec.h"
#include "translate/translate.h"
#include "stats/stats.h"

/* columns of imgtrans_box but page_num, then translated, then page_num */
#define TB_TEXT		10
#define TB_NCOLS	(BOX_NCOLS + 2)

/* The OCR rows of one image, copied out of SPI. */
typedef struct OcrRows
{
	TupleDesc	desc;
	int			n;
	HeapTuple  *rows;
} OcrRows;

/*
 * Tesseract language for the source language of the translation; NULL for
 * 'auto', which src/ocr/autolang.c answers from the image.
 */
static const char *
ocr_lang(const char *source)
{
	const char *iso3;

	if (pg_strcasecmp(source, "auto") == 0)
		return NULL;
	if (strlen(source) == 2 && (iso3 = tr_iso1_to_iso3(source)) != NULL)
		return iso3;
	return source;
}

static const char *
check_level(const char *level)
{
	unsigned	bit = ocr_parse_levels(level);

	if (bit != OCR_LEVEL_BIT(OCR_LEVEL_PARA) && bit != OCR_LEVEL_BIT(OCR_LEVEL_LINE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level \"%s\" is not supported by imgtrans_translate_image", level),
				 errhint("Use 'para' (the default: whole sentences) or 'line'.")));
	return level;
}

/*
 * Runs imgtrans_ocr(image, lang, level, preprocess => steps, pages =>
 * ARRAY[page], dpi => dpi) of this function's schema; steps may be
 * (Datum) 0 for none, dpi 0 for imgtrans.pdf_dpi.
 */
static OcrRows
run_ocr(Oid fn_oid, Datum image, const char *lang, const char *level, Datum steps,
		int page, int dpi)
{
	MemoryContext outer = CurrentMemoryContext;
	char	   *schema = get_namespace_name(get_func_namespace(fn_oid));
	Oid			argtypes[6] = {BYTEAOID, TEXTOID, TEXTOID, TEXTARRAYOID, INT4OID, INT4OID};
	Datum		args[6] = {image, CStringGetTextDatum(lang), CStringGetTextDatum(level), steps,
	Int32GetDatum(page), Int32GetDatum(dpi)};
	char		nulls[7] = {' ', ' ', ' ', steps ? ' ' : 'n', ' ', dpi ? ' ' : 'n', '\0'};
	char	   *sql;
	OcrRows		out = {0};
	int			i;

	sql = psprintf("SELECT level, block_num, par_num, line_num, word_num, x, y, width, height, "
				   "conf, text, bbox, page_num FROM %s.imgtrans_ocr($1, $2, $3, preprocess => $4, "
				   "pages => ARRAY[$5], dpi => $6) "
				   "WHERE pg_catalog.btrim(text, E' \\t\\n') <> ''",
				   quote_identifier(schema));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(sql, 6, argtypes, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "OCR query failed");
	MemoryContextSwitchTo(outer);
	out.desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	out.n = (int) SPI_processed;
	out.rows = palloc(sizeof(HeapTuple) * Max(out.n, 1));
	for (i = 0; i < out.n; i++)
		out.rows[i] = heap_copytuple(SPI_tuptable->vals[i]);
	SPI_finish();
	return out;
}

/* A paragraph's lines joined with single spaces. */
static char *
join_lines(const char *text)
{
	char	   *out = palloc(strlen(text) + 1);
	char	   *o = out;
	bool		in_break = false;

	for (; *text; text++)
	{
		if (*text == '\n' || *text == '\r')
		{
			in_break = true;
			continue;
		}
		if (in_break && o > out && o[-1] != ' ')
			*o++ = ' ';
		in_break = false;
		*o++ = *text;
	}
	*o = '\0';
	return out;
}

IMGTRANS_COUNTED(imgtrans_translate_image, "imgtrans_translate_image", translate_image)

/*
 * imgtrans_translate_image(image bytea, target text, source text,
 * level text, provider text, preprocess text[], page int, dpi int) returns
 * SETOF imgtrans_translated_box, boxes in the original image's (or the
 * page's) coordinates, page_num the page.  NULL image, target, source,
 * level or page gives no rows.
 */
static Datum
translate_image(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *provider = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	const char *target,
			   *source,
			   *lang,
			   *level;
	OcrRows		ocr;
	char	  **texts;
	char	  **translated;
	int			page = 1;
	int			dpi = 0;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			return (Datum) 0;
	if (PG_NARGS() > 6)
	{
		if (PG_ARGISNULL(6))
			return (Datum) 0;
		page = PG_GETARG_INT32(6);
	}
	if (PG_NARGS() > 7 && !PG_ARGISNULL(7))
		dpi = imgtrans_doc_check_dpi(PG_GETARG_INT32(7));
	target = text_to_cstring(PG_GETARG_TEXT_PP(1));
	source = text_to_cstring(PG_GETARG_TEXT_PP(2));
	level = check_level(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	lang = ocr_lang(source);
	if (lang == NULL)
	{
		/* OSD's script decides; the provider is told the chosen language */
		lang = imgtrans_auto_ocr_lang(fcinfo->flinfo->fn_oid, PG_GETARG_DATUM(0), page, dpi);
		source = imgtrans_lang_translation_code(lang);
	}
	/* provider, source and target: an ERROR now rather than after the OCR */
	imgtrans_translate_batch(provider, source, target, 0, NULL, NULL);

	ocr = run_ocr(fcinfo->flinfo->fn_oid, PG_GETARG_DATUM(0), lang, level,
				  PG_NARGS() > 5 && !PG_ARGISNULL(5) ? PG_GETARG_DATUM(5) : (Datum) 0,
				  page, dpi);
	texts = palloc(sizeof(char *) * Max(ocr.n, 1));
	for (i = 0; i < ocr.n; i++)
	{
		bool		isnull;
		Datum		d = heap_getattr(ocr.rows[i], TB_TEXT + 1, ocr.desc, &isnull);

		texts[i] = join_lines(TextDatumGetCString(d));
	}
	translated = ocr.n > 0 ?
		imgtrans_translate_batch(provider, source, target, ocr.n,
								 (const char *const *) texts, NULL) : NULL;
	for (i = 0; i < ocr.n; i++)
	{
		Datum		values[TB_NCOLS];
		bool		nulls[TB_NCOLS];

		/* the OCR row is the box columns then page_num: move page_num last */
		heap_deform_tuple(ocr.rows[i], ocr.desc, values, nulls);
		values[TB_NCOLS - 1] = values[BOX_NCOLS];
		nulls[TB_NCOLS - 1] = nulls[BOX_NCOLS];
		values[TB_TEXT] = CStringGetTextDatum(texts[i]);
		values[BOX_NCOLS] = translated[i] ? CStringGetTextDatum(translated[i]) : (Datum) 0;
		nulls[BOX_NCOLS] = translated[i] == NULL;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
