/*-------------------------------------------------------------------------
 * osd.c
 *	  Orientation and script detection with tesseract's OSD (engine module).
 *
 * The SQL face of engine_osd() (engine.c), which preprocessing uses too.
 * Tesseract 5.3 answers "Too few characters" on short text: that is a
 * result (all columns NULL), not an error.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "document/document.h"
#include "ocr/engine.h"
#include "imgtrans.h"
#include "ocr/preprocess.h"

/*
 * imgtrans_osd(image, page, dpi) returns (orientation, rotate,
 * orientation_conf, script, script_conf) of an image or of a page of a PDF
 * or TIFF (dpi NULL: imgtrans.pdf_dpi); all NULL but none of them when OSD
 * cannot decide.  NULL image or page: no row (the SQL function is not
 * strict, for dpi's NULL default).
 */
Datum		imgtrans_osd_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_osd_impl(PG_FUNCTION_ARGS)
{
	bytea	   *image;
	TupleDesc	tupdesc;
	Datum		values[5] = {0};
	bool		nulls[5] = {true, true, true, true, true};
	PIX		   *volatile pix = NULL;
	OsdResult	r;
	int			page = 1;
	int			dpi = 0;

	if (PG_ARGISNULL(0) || (PG_NARGS() > 1 && PG_ARGISNULL(1)))
		PG_RETURN_NULL();
	if (PG_NARGS() > 1)
		page = PG_GETARG_INT32(1);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		dpi = imgtrans_doc_check_dpi(PG_GETARG_INT32(2));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	image = PG_GETARG_BYTEA_PP(0);
	PG_TRY();
	{
		pix = imgtrans_doc_decode_page(image, page, dpi);
		engine_osd(pix, &r);
	}
	PG_FINALLY();
	{
		if (pix)
			pixDestroy((PIX **) &pix);
	}
	PG_END_TRY();

	if (r.ok)
	{
		values[0] = Int32GetDatum(r.orientation);
		values[1] = Int32GetDatum(r.rotate);
		values[2] = Float4GetDatum(r.orient_conf);
		values[3] = r.script ? CStringGetTextDatum(r.script) : (Datum) 0;
		values[4] = Float4GetDatum(r.script_conf);
		nulls[0] = nulls[1] = nulls[2] = nulls[4] = false;
		nulls[3] = r.script == NULL;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
