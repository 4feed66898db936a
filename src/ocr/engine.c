/*-------------------------------------------------------------------------
 * engine.c
 *	  Per-backend cache of initialised tesseract engines (engine module).
 *
 * Loading a language costs about 200 ms, so each backend keeps up to
 * imgtrans.engine_cache_size TessBaseAPI handles, keyed by language list
 * and tessdata directory, and evicts the least recently used.  Engines
 * are ended and deleted at backend exit, so tesseract has nothing to
 * report as leaked.
 *
 * Tesseract is C++: nothing here may ereport() while a tesseract frame is
 * on the stack.  The cancel callback only reads PostgreSQL's interrupt
 * flags and returns; the caller runs CHECK_FOR_INTERRUPTS() afterwards.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "ocr/engine.h"
#include "imgtrans.h"
#include "ocr/ocrargs.h"

#define MAX_ENGINES 16

typedef struct CachedEngine
{
	char		lang[OCR_MAX_LANG_LEN + 1];
	char	   *datapath;		/* in TopMemoryContext */
	TessBaseAPI *api;
	uint64		last_used;
} CachedEngine;

static CachedEngine engines[MAX_ENGINES];
static int	nengines = 0;
static CachedEngine osd_engine;	/* outside the LRU: never evicts a caller's engine */
static CachedEngine spare_engine;	/* a second engine for auto's trial passes */
static uint64 use_clock = 0;
static bool exit_hook_set = false;

static void
engine_free(CachedEngine *e)
{
	TessBaseAPIEnd(e->api);
	TessBaseAPIDelete(e->api);
	pfree(e->datapath);
	*e = engines[--nengines];
}

static void
engine_shutdown(int code, Datum arg)
{
	while (nengines > 0)
		engine_free(&engines[0]);
	if (osd_engine.api)
	{
		TessBaseAPIEnd(osd_engine.api);
		TessBaseAPIDelete(osd_engine.api);
		osd_engine.api = NULL;
	}
	if (spare_engine.api)
	{
		TessBaseAPIEnd(spare_engine.api);
		TessBaseAPIDelete(spare_engine.api);
		spare_engine.api = NULL;
	}
}

static void
ensure_exit_hook(void)
{
	if (!exit_hook_set)
	{
		on_proc_exit(engine_shutdown, (Datum) 0);
		exit_hook_set = true;
	}
}

static void
evict_to(int keep)
{
	while (nengines > keep)
	{
		int			lru = 0;
		int			i;

		for (i = 1; i < nengines; i++)
			if (engines[i].last_used < engines[lru].last_used)
				lru = i;
		engine_free(&engines[lru]);
	}
}

static TessBaseAPI *
engine_create(const char *lang, const char *datapath)
{
	TessBaseAPI *api = TessBaseAPICreate();

	if (TessBaseAPIInit3(api, datapath, lang) != 0)
	{
		TessBaseAPIDelete(api);
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("tesseract could not load language \"%s\" from \"%s\"", lang, datapath),
				 errhint("Check that the traineddata files are complete and readable by the server.")));
	}
	return api;
}

/* An initialised engine for lang, from the cache or newly loaded. */
TessBaseAPI *
engine_acquire(const char *lang)
{
	const char *datapath = imgtrans_tessdata_path();
	CachedEngine *e;
	int			i;

	for (i = 0; i < nengines; i++)
	{
		e = &engines[i];
		if (strcmp(e->lang, lang) == 0 && strcmp(e->datapath, datapath) == 0)
		{
			TessBaseAPI *api = e->api;

			/* newest now, so a lowered cache size never evicts it */
			e->last_used = ++use_clock;
			evict_to(Min(imgtrans_engine_cache_size, MAX_ENGINES));
			return api;
		}
	}

	imgtrans_check_lang(lang);
	ensure_exit_hook();
	evict_to(Min(imgtrans_engine_cache_size, MAX_ENGINES) - 1);

	e = &engines[nengines];
	e->api = engine_create(lang, datapath);
	strlcpy(e->lang, lang, sizeof(e->lang));
	e->datapath = MemoryContextStrdup(TopMemoryContext, datapath);
	e->last_used = ++use_clock;
	nengines++;
	return e->api;
}

/*
 * The orientation/script engine.  Kept in its own slot so that running OSD
 * in the middle of a recognition can never evict the engine in use.
 */
TessBaseAPI *
engine_acquire_osd(void)
{
	const char *datapath = imgtrans_tessdata_path();

	if (osd_engine.api && strcmp(osd_engine.datapath, datapath) != 0)
	{
		TessBaseAPIEnd(osd_engine.api);
		TessBaseAPIDelete(osd_engine.api);
		pfree(osd_engine.datapath);
		osd_engine.api = NULL;
	}
	if (osd_engine.api == NULL)
	{
		imgtrans_check_lang("osd");
		ensure_exit_hook();
		osd_engine.api = engine_create("osd", datapath);
		osd_engine.datapath = MemoryContextStrdup(TopMemoryContext, datapath);
	}
	return osd_engine.api;
}

/*
 * A second engine for lang, never the one engine_acquire(lang) returns:
 * auto reads a candidate image (scaled, turned) on it while the first
 * reading stays on the other, so a candidate that reads worse costs one
 * pass, not a second recognition of the page as it came.  One slot, outside
 * the LRU (it never evicts a caller's engine), reloaded when another
 * language needs it; loaded only by a page that tries a candidate.
 */
TessBaseAPI *
engine_acquire_spare(const char *lang)
{
	const char *datapath = imgtrans_tessdata_path();

	if (spare_engine.api && (strcmp(spare_engine.lang, lang) != 0 ||
							 strcmp(spare_engine.datapath, datapath) != 0))
	{
		TessBaseAPIEnd(spare_engine.api);
		TessBaseAPIDelete(spare_engine.api);
		pfree(spare_engine.datapath);
		spare_engine.api = NULL;
	}
	if (spare_engine.api == NULL)
	{
		imgtrans_check_lang(lang);
		ensure_exit_hook();
		spare_engine.api = engine_create(lang, datapath);
		strlcpy(spare_engine.lang, lang, sizeof(spare_engine.lang));
		spare_engine.datapath = MemoryContextStrdup(TopMemoryContext, datapath);
	}
	return spare_engine.api;
}

/* Languages of the cached engines, most recently used first. */
List *
engine_cached_languages(void)
{
	List	   *result = NIL;
	uint64		after = 0;
	int			n,
				i;

	/* selection by last_used, ascending; prepend to get newest first */
	for (n = 0; n < nengines; n++)
	{
		int			next = -1;

		for (i = 0; i < nengines; i++)
			if (engines[i].last_used > after &&
				(next < 0 || engines[i].last_used < engines[next].last_used))
				next = i;
		after = engines[next].last_used;
		result = lcons(pstrdup(engines[next].lang), result);
	}
	return result;
}

/*
 * The current value of a tesseract variable as a string, or NULL when no
 * variable of that name exists.
 */
static char *
variable_value(TessBaseAPI *api, const char *name)
{
	int			ival;
	BOOL		bval;
	double		dval;
	const char *sval;

	if (TessBaseAPIGetIntVariable(api, name, &ival))
		return psprintf("%d", ival);
	if (TessBaseAPIGetBoolVariable(api, name, &bval))
		return pstrdup(bval ? "1" : "0");
	if (TessBaseAPIGetDoubleVariable(api, name, &dval))
		return psprintf("%.17g", dval);
	sval = TessBaseAPIGetStringVariable(api, name);
	return sval ? pstrdup(sval) : NULL;
}

static void
set_variable(TessBaseAPI *api, const char *name, const char *value, List **saved)
{
	char	   *old = variable_value(api, name);
	SavedVar   *sv;

	if (old == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unknown tesseract variable \"%s\"", name),
				 errhint("See \"tesseract --print-parameters\" for the variable names.")));
	sv = palloc(sizeof(SavedVar));
	sv->name = pstrdup(name);
	sv->value = old;
	*saved = lappend(*saved, sv);
	if (!TessBaseAPISetVariable(api, name, value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tesseract variable \"%s\" cannot be set per call", name),
				 errhint("It is read only when a language is loaded.")));
}

/*
 * Applies checked variables (imgtrans_check_vars()).  Each old value is
 * added to *saved before the variable changes, so engine_restore_vars()
 * undoes exactly what was done even when this fails half-way.
 */
void
engine_set_vars(TessBaseAPI *api, List *vars, List **saved)
{
	ListCell   *lc;

	foreach(lc, vars)
	{
		OcrVar	   *var = lfirst(lc);

		set_variable(api, var->name, var->value, saved);
	}
}

/* Puts back saved values, newest first.  Never raises an error. */
void
engine_restore_vars(TessBaseAPI *api, List *saved)
{
	int			i;

	for (i = list_length(saved) - 1; i >= 0; i--)
	{
		SavedVar   *sv = list_nth(saved, i);

		(void) TessBaseAPISetVariable(api, sv->name, sv->value);
	}
}

/*
 * Tesseract's monitor polls this once per text line.  It only reads the
 * flags that SIGINT (cancel, statement_timeout) and SIGTERM set.
 */
bool
engine_cancel_requested(void *arg, int words)
{
	return QueryCancelPending || ProcDiePending;
}

/*
 * Orientation and script of pix with the cached "osd" engine.  "Too few
 * characters" is a result (r->ok = false), not an error.  The script name
 * points into tesseract's own tables (capi.h says to free it; it must not
 * be), so it is copied.
 */
void
engine_osd(PIX *pix, OsdResult *r)
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
