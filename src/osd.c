/*-------------------------------------------------------------------------
 * osd.c
 *	  Orientation and script detection with tesseract's OSD (engine module).
 *
 * Uses the cached "osd" engine.  Tesseract 5.3 answers "Too few
 * characters" on short text: that is a result (ok = false, NULL
 * confidences), not an error.  The script name points into tesseract's own
 * tables (capi.h says to free it; it must not be), so it is copied.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "engine.h"
#include "imgtrans.h"
#include "preprocess.h"

void
osd_detect(PIX *pix, OsdResult *r)
{
	TessBaseAPI *api = engine_acquire_osd();
	int			deg = 0;
	float		oconf = 0,
				sconf = 0;
	const char *script = NULL;

	memset(r, 0, sizeof(*r));
	TessBaseAPISetImage2(api, pix);
	r->ok = TessBaseAPIDetectOrientationScript(api, &deg, &oconf, &script, &sconf);
	if (r->ok)
	{
		r->orientation = deg;
		r->rotate = (360 - deg) % 360;
		r->orient_conf = oconf;
		r->script_conf = sconf;
		r->script = script ? pstrdup(script) : NULL;
	}
	TessBaseAPIClear(api);
}

/*
 * imgtrans_osd(image) returns (orientation, rotate, orientation_conf,
 * script, script_conf); all NULL but none of them when OSD cannot decide.
 */
Datum		imgtrans_osd_impl(PG_FUNCTION_ARGS);
Datum
imgtrans_osd_impl(PG_FUNCTION_ARGS)
{
	bytea	   *image = PG_GETARG_BYTEA_PP(0);
	TupleDesc	tupdesc;
	Datum		values[5] = {0};
	bool		nulls[5] = {true, true, true, true, true};
	ImgHeader	hdr;
	PIX		   *volatile pix = NULL;
	OsdResult	r;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	PG_TRY();
	{
		pix = imgtrans_decode(image, &hdr);
		osd_detect(pix, &r);
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
