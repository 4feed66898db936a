/*-------------------------------------------------------------------------
 * ocrcache.c
 *	  The OCR cache (imgtrans.so): imgtrans.ocr_cache, keyed by a SHA-256 of
 *	  the image bytes and every argument that changes an OCR function's
 *	  output, its hit/miss counters, imgtrans_ocr_cache_stats() and the
 *	  imgtrans.ocr_cache setting.
 *
 * ocr.c calls one lookup before it decodes the image and one store after
 * the output is complete, never while a tesseract frame is on the stack.
 * The key covers the output kind, language, psm, levels, canonical vars,
 * preprocessing steps, pages, dpi, text_source, tesseract's version and
 * the size and mtime of the traineddata files the call can use (stat'ed on
 * every call, so an upgraded traineddata is a miss at once; with auto,
 * whose script trial may read with any installed model, all of them and
 * imgtrans.auto_languages).  Box rows are
 * stored in their types' binary send format, so a hit gives the very same
 * rows; text is stored as it was returned.
 *
 * The table is readable only by its owner; this file reaches it only
 * through util/ownerspi.c with constant, parameterised statements.  Never
 * stores in a read-only transaction, on a standby or in parallel mode;
 * never caches a failed or cancelled call (the store runs only after the
 * OCR function returned normally).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "executor/tuptable.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "document/document.h"
#include "imgtrans.h"
#include "ocr/ocrargs.h"
#include "ocr/ocrcache.h"
#include "util/counters.h"
#include "util/ownerspi.h"

/* bump when the key's layout or the stored format changes */
#define OCR_CACHE_FORMAT "imgtrans ocr cache 1"

bool		imgtrans_ocr_cache = false;

enum
{
	STAT_HITS,
	STAT_MISSES
};

static Counters stats = {"imgtrans OCR cache stats", 2};

PG_FUNCTION_INFO_V1(imgtrans_ocr_cache_stats);

void
ocrcache_init(void)
{
	DefineCustomBoolVariable("imgtrans.ocr_cache",
							 "Use and fill the OCR cache (imgtrans.ocr_cache).",
							 "Results of the OCR functions keyed by the image and every argument.",
							 &imgtrans_ocr_cache,
							 false,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	counters_register(&stats);
}

/* ---------------------------------------------------------------------
 * Key
 * ---------------------------------------------------------------------
 */

/* each field with its length, so no two different keys feed the same bytes */
static void
feed(pg_cryptohash_ctx *ctx, const void *data, uint32 len, bool *failed)
{
	if (pg_cryptohash_update(ctx, (const uint8 *) &len, sizeof(len)) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0)
		*failed = true;
}

static void
feed_str(pg_cryptohash_ctx *ctx, const char *s, bool *failed)
{
	feed(ctx, s ? s : "", s ? strlen(s) : 0, failed);
}

static void
feed_int(pg_cryptohash_ctx *ctx, int64 v, bool *failed)
{
	feed(ctx, &v, sizeof(v), failed);
}

/* a traineddata file's identity: its name, size and mtime (or absence) */
static void
feed_traineddata(pg_cryptohash_ctx *ctx, const char *lang, bool *failed)
{
	char	   *path = imgtrans_traineddata_path(lang);
	struct stat st;

	feed_str(ctx, path, failed);
	if (stat(path, &st) == 0)
	{
		feed_int(ctx, st.st_size, failed);
		feed_int(ctx, st.st_mtim.tv_sec, failed);
		feed_int(ctx, st.st_mtim.tv_nsec, failed);
		feed_int(ctx, st.st_ino, failed);
	}
	else
		feed_int(ctx, -1, failed);
	pfree(path);
}

static void
key_digest(OcrCacheKey *key)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	bool		failed = (ctx == NULL || pg_cryptohash_init(ctx) < 0);
	char		part[OCR_MAX_LANG_PART + 1];
	ListCell   *lc;
	int			i;

	if (!failed)
	{
		feed_str(ctx, OCR_CACHE_FORMAT, &failed);
		feed_str(ctx, key->kind, &failed);
		feed(ctx, VARDATA_ANY(key->image), VARSIZE_ANY_EXHDR(key->image), &failed);
		feed_str(ctx, key->lang, &failed);
		feed_int(ctx, key->psm, &failed);
		feed_int(ctx, key->levels, &failed);
		feed_int(ctx, list_length(key->vars), &failed);
		foreach(lc, key->vars)
		{
			OcrVar	   *v = (OcrVar *) lfirst(lc);

			feed_str(ctx, v->name, &failed);
			feed_str(ctx, v->value, &failed);
		}
		feed_int(ctx, list_length(key->steps), &failed);
		foreach(lc, key->steps)
			feed_int(ctx, lfirst_int(lc), &failed);
		if (key->pages == NULL)
			feed_int(ctx, -1, &failed);
		else
		{
			Datum	   *elems;
			bool	   *nulls;
			int			n;

			deconstruct_array(key->pages, INT4OID, 4, true, TYPALIGN_INT, &elems, &nulls, &n);
			feed_int(ctx, n, &failed);
			for (i = 0; i < n; i++)
				feed_int(ctx, nulls[i] ? PG_INT64_MIN : DatumGetInt32(elems[i]), &failed);
		}
		feed_int(ctx, key->dpi > 0 ? key->dpi : imgtrans_pdf_dpi, &failed);
		feed_int(ctx, key->text_source, &failed);
		feed_str(ctx, key->engine_version, &failed);
		/* box rows of another row type (a later imgtrans_box) are another entry */
		feed_int(ctx, key->rowdesc ? key->rowdesc->natts : -1, &failed);
		for (i = 0; key->rowdesc && i < key->rowdesc->natts; i++)
			feed_int(ctx, TupleDescAttr(key->rowdesc, i)->atttypid, &failed);
		for (i = 0; ocr_lang_part(key->lang, i, part, sizeof(part)); i++)
			feed_traineddata(ctx, part, &failed);
		feed_traineddata(ctx, "osd", &failed);	/* orientation, for preprocessing */
		if (list_member_int(key->steps, ocr_prep_step("auto")))
		{
			/*
			 * auto's script trial may read the page with any installed
			 * model, chosen among imgtrans.auto_languages: a setting of
			 * the session and every traineddata file are part of the key
			 */
			char	  **names;
			int			n;

			feed_str(ctx, imgtrans_auto_languages ? imgtrans_auto_languages : "", &failed);
			names = imgtrans_language_list(&n);
			feed_int(ctx, n, &failed);
			for (i = 0; i < n; i++)
				feed_traineddata(ctx, names[i], &failed);
		}
	}
	if (failed || pg_cryptohash_final(ctx, key->digest, sizeof(key->digest)) < 0)
	{
		pg_cryptohash_free(ctx);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute a SHA-256 digest for the OCR cache")));
	}
	pg_cryptohash_free(ctx);
}

static Datum
digest_datum(const OcrCacheKey *key)
{
	bytea	   *b = palloc(VARHDRSZ + sizeof(key->digest));

	SET_VARSIZE(b, VARHDRSZ + sizeof(key->digest));
	memcpy(VARDATA(b), key->digest, sizeof(key->digest));
	return PointerGetDatum(b);
}

/* the cache is used when it is on, installed (0.11.0) and we may write SQL */
static bool
cache_usable(void)
{
	Oid			nsp;

	if (!imgtrans_ocr_cache || IsInParallelMode())
		return false;
	nsp = get_namespace_oid("imgtrans", true);
	return OidIsValid(nsp) && OidIsValid(get_relname_relid("ocr_cache", nsp));
}

/* ---------------------------------------------------------------------
 * Table
 * ---------------------------------------------------------------------
 */

/* the stored result (a copy in the caller's context), or NULL */
static bytea *
table_lookup(OcrCacheKey *key)
{
	static SPIPlanPtr plan = NULL;
	Oid			types[1] = {BYTEAOID};
	Datum		args[1];
	MemoryContext cxt = CurrentMemoryContext;
	RoleScope	scope;
	bytea	   *result = NULL;

	key->active = cache_usable();
	if (!key->active)
		return NULL;
	key_digest(key);
	args[0] = digest_datum(key);
	imgtrans_spi_begin(&scope);
	/* not read-only: a fresh snapshot, so a statement sees what it stored */
	if (SPI_execute_plan(imgtrans_spi_plan(&plan,
										   "SELECT result FROM imgtrans.ocr_cache WHERE key = $1",
										   1, types),
						 args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "imgtrans: OCR cache lookup failed");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		MemoryContext old = MemoryContextSwitchTo(cxt);

		result = DatumGetByteaPCopy(d);
		MemoryContextSwitchTo(old);
	}
	imgtrans_spi_end(&scope);
	counters_add(&stats, result ? STAT_HITS : STAT_MISSES, 1);
	return result;
}

static void
table_store(const OcrCacheKey *key, const char *data, int len)
{
	static SPIPlanPtr plan = NULL;
	Oid			types[3] = {BYTEAOID, TEXTOID, BYTEAOID};
	Datum		args[3];
	bytea	   *result;
	RoleScope	scope;

	if (!key->active || XactReadOnly || RecoveryInProgress() || IsInParallelMode())
		return;
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), data, len);
	args[0] = digest_datum(key);
	args[1] = CStringGetTextDatum(key->kind);
	args[2] = PointerGetDatum(result);
	imgtrans_spi_begin(&scope);
	if (SPI_execute_plan(imgtrans_spi_plan(&plan,
										   "INSERT INTO imgtrans.ocr_cache (key, kind, result)"
										   " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
										   3, types),
						 args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "imgtrans: OCR cache insert failed");
	imgtrans_spi_end(&scope);
	pfree(result);
}

/* ---------------------------------------------------------------------
 * Text outputs
 * ---------------------------------------------------------------------
 */

text *
ocrcache_lookup_text(OcrCacheKey *key)
{
	return (text *) table_lookup(key);
}

void
ocrcache_store_text(OcrCacheKey *key, const char *data, int len)
{
	table_store(key, data, len);
}

/* ---------------------------------------------------------------------
 * Box rows: int32 natts, natts type OIDs, then per row and column an
 * int32 length (-1 for NULL) and the value in its type's send format.
 * ---------------------------------------------------------------------
 */

bool
ocrcache_lookup_rows(OcrCacheKey *key, ReturnSetInfo *rsinfo)
{
	TupleDesc	desc = rsinfo->setDesc;
	bytea	   *stored;
	StringInfoData buf;
	FmgrInfo   *recv;
	Oid		   *ioparams;
	Datum	   *values;
	bool	   *nulls;
	int			i;

	key->rowdesc = desc;
	stored = table_lookup(key);
	if (stored == NULL)
		return false;
	buf.data = VARDATA(stored);
	buf.len = VARSIZE(stored) - VARHDRSZ;
	buf.maxlen = buf.len;
	buf.cursor = 0;
	/* the row type is in the key; checked again to never misread a row */
	if (pq_getmsgint(&buf, 4) != desc->natts)
		return false;
	recv = palloc(sizeof(FmgrInfo) * desc->natts);
	ioparams = palloc(sizeof(Oid) * desc->natts);
	values = palloc(sizeof(Datum) * desc->natts);
	nulls = palloc(sizeof(bool) * desc->natts);
	for (i = 0; i < desc->natts; i++)
	{
		Oid			typid = TupleDescAttr(desc, i)->atttypid;
		Oid			func;

		if ((Oid) pq_getmsgint(&buf, 4) != typid)
			return false;
		getTypeBinaryInputInfo(typid, &func, &ioparams[i]);
		fmgr_info(func, &recv[i]);
	}
	while (buf.cursor < buf.len)
	{
		for (i = 0; i < desc->natts; i++)
		{
			int			len = pq_getmsgint(&buf, 4);
			StringInfoData v;

			nulls[i] = (len < 0);
			if (nulls[i])
			{
				values[i] = ReceiveFunctionCall(&recv[i], NULL, ioparams[i],
												TupleDescAttr(desc, i)->atttypmod);
				continue;
			}
			initStringInfo(&v);
			appendBinaryStringInfo(&v, pq_getmsgbytes(&buf, len), len);
			values[i] = ReceiveFunctionCall(&recv[i], &v, ioparams[i],
											TupleDescAttr(desc, i)->atttypmod);
			pfree(v.data);
		}
		tuplestore_putvalues(rsinfo->setResult, desc, values, nulls);
	}
	return true;
}

void
ocrcache_store_rows(OcrCacheKey *key, ReturnSetInfo *rsinfo)
{
	TupleDesc	desc = rsinfo->setDesc;
	Tuplestorestate *ts = rsinfo->setResult;
	TupleTableSlot *slot;
	FmgrInfo   *send;
	StringInfoData buf;
	int			i;

	if (!key->active || XactReadOnly || RecoveryInProgress() || ts == NULL)
		return;
	initStringInfo(&buf);
	pq_sendint32(&buf, desc->natts);
	send = palloc(sizeof(FmgrInfo) * desc->natts);
	for (i = 0; i < desc->natts; i++)
	{
		Oid			typid = TupleDescAttr(desc, i)->atttypid;
		Oid			func;
		bool		isvarlena;

		pq_sendint32(&buf, typid);
		getTypeBinaryOutputInfo(typid, &func, &isvarlena);
		fmgr_info(func, &send[i]);
	}
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	tuplestore_rescan(ts);
	while (tuplestore_gettupleslot(ts, true, false, slot))
	{
		slot_getallattrs(slot);
		for (i = 0; i < desc->natts; i++)
		{
			bytea	   *v;

			if (slot->tts_isnull[i])
			{
				pq_sendint32(&buf, -1);
				continue;
			}
			v = SendFunctionCall(&send[i], slot->tts_values[i]);
			pq_sendint32(&buf, VARSIZE(v) - VARHDRSZ);
			pq_sendbytes(&buf, VARDATA(v), VARSIZE(v) - VARHDRSZ);
			pfree(v);
		}
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_rescan(ts);		/* the executor reads the rows from the start */
	table_store(key, buf.data, buf.len);
	pfree(buf.data);
}

/* ---------------------------------------------------------------------
 * SQL: imgtrans_ocr_cache_stats(OUT rows, OUT hits, OUT misses, OUT bytes)
 * ---------------------------------------------------------------------
 */

Datum
imgtrans_ocr_cache_stats(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	RoleScope	scope;
	bool		isnull;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	imgtrans_spi_begin(&scope);
	if (SPI_execute_plan(imgtrans_spi_plan(&plan,
										   "SELECT count(*),"
										   " pg_catalog.pg_total_relation_size('imgtrans.ocr_cache')"
										   " FROM imgtrans.ocr_cache",
										   0, NULL),
						 NULL, NULL, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "imgtrans: OCR cache count failed");
	values[0] = Int64GetDatum(DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 1, &isnull)));
	values[3] = Int64GetDatum(DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 2, &isnull)));
	imgtrans_spi_end(&scope);
	values[1] = Int64GetDatum(counters_get(&stats, STAT_HITS));
	values[2] = Int64GetDatum(counters_get(&stats, STAT_MISSES));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
