/*-------------------------------------------------------------------------
 * imgtrans.c
 *	  Module entry: GUCs, and the deferred load of the OCR engine module.
 *
 * Debian's libtesseract uses OpenMP, and libgomp reads OMP_THREAD_LIMIT
 * exactly once, in its constructor, when it is loaded.  A setenv() after
 * that does nothing, and tesseract's own num_threads clauses override
 * omp_set_num_threads().  So this module does not link libtesseract at
 * all: everything that calls tesseract lives in imgtrans_engine.so, which
 * is loaded on the first OCR call, right after OMP_THREAD_LIMIT has been
 * set from imgtrans.ocr_threads.  The SQL-callable OCR functions below are
 * two-line forwarders into that module.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "document/document.h"
#include "imgtrans.h"
#include "translate/translate.h"
#include "jobs/worker.h"
#include "ocr/ocrcache.h"
#include "stats/stats.h"

PG_MODULE_MAGIC;

#ifndef IMGTRANS_TESSDATA_DEFAULT
#define IMGTRANS_TESSDATA_DEFAULT "/usr/share/tesseract-ocr/5/tessdata"
#endif

#define ENGINE_LIBRARY "$libdir/imgtrans_engine"

char	   *imgtrans_tessdata_dir = NULL;
int			imgtrans_engine_cache_size = 2;
int			imgtrans_ocr_threads = 1;
int			imgtrans_max_image_pixels = 50000000;
int			imgtrans_max_image_bytes = 64 * 1024 * 1024;
char	   *imgtrans_font_path = NULL;

static bool engine_loaded = false;
static int	applied_threads = -1;	/* imgtrans.ocr_threads at engine load */

void		_PG_init(void);

static void
define_gucs(void)
{
	DefineCustomStringVariable("imgtrans.tessdata_dir",
							   "Directory that holds tesseract's *.traineddata files.",
							   "Empty means TESSDATA_PREFIX from the server's environment, "
							   "else " IMGTRANS_TESSDATA_DEFAULT ".",
							   &imgtrans_tessdata_dir,
							   "",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.engine_cache_size",
							"Initialised tesseract engines kept per backend (LRU).",
							"Each engine costs one language load (about 200 ms) and its memory.",
							&imgtrans_engine_cache_size,
							2, 1, 16,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.ocr_threads",
							"OpenMP threads tesseract may use in each backend; 0 leaves OpenMP's default.",
							"Read once per backend, when it first loads the OCR engine.",
							&imgtrans_ocr_threads,
							1, 0, 64,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.max_image_pixels",
							"Largest image, in pixels (width times height), that imgtrans decodes.",
							"Checked from the image header before any pixel is decoded.",
							&imgtrans_max_image_pixels,
							50000000, 1, INT_MAX,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.max_image_bytes",
							"Largest encoded image, in bytes, that imgtrans accepts.",
							NULL,
							&imgtrans_max_image_bytes,
							64 * 1024 * 1024, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	DefineCustomStringVariable("imgtrans.auto_languages",
							   "Languages source => 'auto' may choose from, joined with '+' (e.g. 'eng+rus').",
							   "Empty means every installed language.  auto chooses the one of them "
							   "written in the script OSD sees, and refuses when several are.",
							   &imgtrans_auto_languages,
							   "",
							   PGC_USERSET, 0,
							   imgtrans_check_auto_languages, NULL, NULL);
	DefineCustomStringVariable("imgtrans.extra_tesseract_vars",
							   "Tesseract variables callers may set in vars, besides the built-in allow-list.",
							   "A comma-separated list of names.  Tesseract has variables that write files, "
							   "start a debugger or abort the backend: add only names you have checked.",
							   &imgtrans_extra_tesseract_vars,
							   "",
							   PGC_SUSET, GUC_LIST_INPUT,
							   imgtrans_check_extra_vars, NULL, NULL);
	DefineCustomStringVariable("imgtrans.font_path",
							   "Font file (TrueType or OpenType) imgtrans_render() tries first for every character.",
							   "Empty means the system's fonts through fontconfig (sans-serif, by script); "
							   "characters the file lacks come from those too.",
							   &imgtrans_font_path,
							   "",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);
	MarkGUCPrefixReserved("imgtrans");
}

void
_PG_init(void)
{
	imgtrans_worker_init();
	define_gucs();
	imgtrans_image_init();
	imgtrans_translate_init();
	imgtrans_document_init();
	ocrcache_init();
	imgtrans_stats_init();
}

/*
 * The tessdata directory in force: the GUC, else TESSDATA_PREFIX, else the
 * build-time default.  Always passed to tesseract explicitly, so that the
 * languages we list and the ones tesseract loads come from one place.
 */
const char *
imgtrans_tessdata_path(void)
{
	const char *env;

	if (imgtrans_tessdata_dir && imgtrans_tessdata_dir[0] != '\0')
		return imgtrans_tessdata_dir;
	env = getenv("TESSDATA_PREFIX");
	if (env && env[0] != '\0')
		return env;
	return IMGTRANS_TESSDATA_DEFAULT;
}

static void
limit_openmp_threads(void)
{
	char		buf[16];
	void	   *gomp;

	if (imgtrans_ocr_threads == 0)
		return;
	gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
	if (gomp != NULL)
	{
		dlclose(gomp);
		ereport(WARNING,
				(errmsg("imgtrans.ocr_threads cannot take effect: the OpenMP runtime is already loaded in this process"),
				 errhint("Another library loaded libgomp before imgtrans; start the server with OMP_THREAD_LIMIT=%d instead.",
						 imgtrans_ocr_threads)));
		return;
	}
	snprintf(buf, sizeof(buf), "%d", imgtrans_ocr_threads);
	if (setenv("OMP_THREAD_LIMIT", buf, 1) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not set OMP_THREAD_LIMIT: %m")));
}

/*
 * Looks up a function of the engine module, loading the module (and so
 * libtesseract and libgomp) the first time, after the thread limit is set.
 */
PGFunction
imgtrans_engine_function(const char *name)
{
	PGFunction	fn;

	if (!engine_loaded)
		limit_openmp_threads();
	fn = load_external_function(ENGINE_LIBRARY, name, true, NULL);
	if (!engine_loaded)
		applied_threads = imgtrans_ocr_threads;
	engine_loaded = true;
	return fn;
}

/*
 * libgomp's thread limit is fixed once the engine is loaded; say so when a
 * session changes imgtrans.ocr_threads afterwards (once per new value).
 */
static void
warn_threads_fixed(void)
{
	static int	warned_for = -1;

	if (!engine_loaded || imgtrans_ocr_threads == applied_threads ||
		imgtrans_ocr_threads == warned_for)
		return;
	warned_for = imgtrans_ocr_threads;
	ereport(WARNING,
			(errmsg("imgtrans.ocr_threads = %d takes effect in new sessions only",
					imgtrans_ocr_threads),
			 errdetail("This backend loaded the OCR engine with imgtrans.ocr_threads = %d.",
					   applied_threads)));
}

/* SQL-callable functions implemented in the engine module, counted in imgtrans.stats. */
#define ENGINE_FORWARD(fn) \
	PG_FUNCTION_INFO_V1(fn); \
	Datum \
	fn(PG_FUNCTION_ARGS) \
	{ \
		static PGFunction impl = NULL; \
		if (impl == NULL) \
			impl = imgtrans_engine_function(CppAsString(fn) "_impl"); \
		warn_threads_fixed(); \
		return imgtrans_stats_call(fcinfo, CppAsString(fn), impl); \
	}

ENGINE_FORWARD(imgtrans_ocr)
ENGINE_FORWARD(imgtrans_ocr_text)
ENGINE_FORWARD(imgtrans_ocr_hocr)
ENGINE_FORWARD(imgtrans_ocr_tsv)
ENGINE_FORWARD(imgtrans_ocr_alto)
ENGINE_FORWARD(imgtrans_ocr_pdf)
ENGINE_FORWARD(imgtrans_engine_info)
ENGINE_FORWARD(imgtrans_osd)
ENGINE_FORWARD(imgtrans_preprocess)
ENGINE_FORWARD(imgtrans_skew)
ENGINE_FORWARD(imgtrans_preprocess_plan)
