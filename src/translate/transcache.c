/*-------------------------------------------------------------------------
 * transcache.c
 *	  The translation cache: imgtrans.translation_cache, keyed by
 *	  (provider, source, target, SHA-256 of the text), and its hit/miss
 *	  counters.
 *
 * A hit costs one index probe and no HTTP.  Lookups and inserts are one
 * SPI statement per batch, run as the extension's owner (the table is not
 * readable or writable by other roles, so nobody can plant translations).
 * Inserts are skipped in read-only transactions and on standbys.  The
 * counters live in shared memory when imgtrans is in
 * shared_preload_libraries (all sessions since server start), else in
 * the session.  Never does HTTP.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "translate/transcache.h"
#include "util/counters.h"
#include "util/ownerspi.h"

enum
{
	STAT_HITS,
	STAT_MISSES
};

static Counters stats = {"imgtrans translation cache stats", 2};

PG_FUNCTION_INFO_V1(imgtrans_cache_stats);

/* from _PG_init: shared counters if we are being preloaded */
void
cache_shmem_init(void)
{
	counters_register(&stats);
}

void
cache_count(int hits, int misses)
{
	counters_add(&stats, STAT_HITS, hits);
	counters_add(&stats, STAT_MISSES, misses);
}

/* ---------------------------------------------------------------------
 * Table
 * ---------------------------------------------------------------------
 */

/*
 * The key of text: SHA-256 of the text, after the role's OID unless
 * imgtrans.translation_cache_shared (role: InvalidOid).  A cache shared
 * between roles tells one role, by its hits (imgtrans.provider_stats) or
 * its calls' speed, whether another role translated a text it guesses.
 */
void
cache_digest(const char *text, Oid role, TextDigest out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	char		scope[32];

	snprintf(scope, sizeof(scope), "role %u:", role);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		(OidIsValid(role) && pg_cryptohash_update(ctx, (const uint8 *) scope, strlen(scope)) < 0) ||
		pg_cryptohash_update(ctx, (const uint8 *) text, strlen(text)) < 0 ||
		pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
	{
		pg_cryptohash_free(ctx);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute a SHA-256 digest for the translation cache")));
	}
	pg_cryptohash_free(ctx);
}

static Datum
digest_array(int n, TextDigest *digests)
{
	Datum	   *elems = palloc(sizeof(Datum) * n);
	int			i;

	for (i = 0; i < n; i++)
	{
		bytea	   *b = palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);

		SET_VARSIZE(b, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
		memcpy(VARDATA(b), digests[i], PG_SHA256_DIGEST_LENGTH);
		elems[i] = PointerGetDatum(b);
	}
	return PointerGetDatum(construct_array(elems, n, BYTEAOID, -1, false, TYPALIGN_INT));
}

static void
key_args(const CacheKey *key, Datum *args)
{
	args[0] = CStringGetTextDatum(key->provider);
	args[1] = CStringGetTextDatum(key->source);
	args[2] = CStringGetTextDatum(key->target);
}

/*
 * Sets out[i] (palloc'd in the current context) for every digest found;
 * leaves the others alone.  Returns the number found.
 */
int
cache_lookup(const CacheKey *key, int n, TextDigest *digests, char **out)
{
	static SPIPlanPtr plan = NULL;
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, BYTEAARRAYOID};
	Datum		args[4];
	MemoryContext cxt = CurrentMemoryContext;
	RoleScope	scope;
	uint64		r;
	int			found = 0;

	if (n == 0)
		return 0;
	key_args(key, args);
	args[3] = digest_array(n, digests);
	imgtrans_spi_begin(&scope);
	if (SPI_execute_plan(imgtrans_spi_plan(&plan,
										   /* a subplan per text: one probe on all four key columns */
										   "SELECT i::int4, (SELECT translation FROM imgtrans.translation_cache c"
										   "  WHERE c.provider = $1 AND c.source = $2 AND c.target = $3"
										   "  AND c.text_hash = u.h)"
										   " FROM unnest($4) WITH ORDINALITY AS u(h, i)",
										   4, types),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "imgtrans: translation cache lookup failed");
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		bool		isnull;
		int			i = DatumGetInt32(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull)) - 1;
		Datum		t = SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull);
		MemoryContext old;

		if (isnull)
			continue;			/* not cached */
		old = MemoryContextSwitchTo(cxt);
		out[i] = TextDatumGetCString(t);
		MemoryContextSwitchTo(old);
		found++;
	}
	imgtrans_spi_end(&scope);
	return found;
}

/* adds translations (skipped where they are already cached) */
void
cache_store(const CacheKey *key, int n, TextDigest *digests, char **translations)
{
	static SPIPlanPtr plan = NULL;
	Oid			types[5] = {TEXTOID, TEXTOID, TEXTOID, BYTEAARRAYOID, TEXTARRAYOID};
	Datum		args[5];
	Datum	   *texts;
	RoleScope	scope;
	int			i;

	if (n == 0 || XactReadOnly || RecoveryInProgress())
		return;
	key_args(key, args);
	args[3] = digest_array(n, digests);
	texts = palloc(sizeof(Datum) * n);
	for (i = 0; i < n; i++)
		texts[i] = CStringGetTextDatum(translations[i]);
	args[4] = PointerGetDatum(construct_array(texts, n, TEXTOID, -1, false, TYPALIGN_INT));
	imgtrans_spi_begin(&scope);
	if (SPI_execute_plan(imgtrans_spi_plan(&plan,
										   "INSERT INTO imgtrans.translation_cache"
										   " (provider, source, target, text_hash, translation)"
										   " SELECT $1, $2, $3, h, t FROM unnest($4, $5) AS u(h, t)"
										   " ON CONFLICT DO NOTHING",
										   5, types),
						 args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "imgtrans: translation cache insert failed");
	imgtrans_spi_end(&scope);
}

/* ---------------------------------------------------------------------
 * SQL: imgtrans_cache_stats(OUT rows, OUT hits, OUT misses)
 * ---------------------------------------------------------------------
 */

static int64
cache_rows(void)
{
	static SPIPlanPtr plan = NULL;
	RoleScope	scope;
	bool		isnull;
	int64		rows;

	imgtrans_spi_begin(&scope);
	if (SPI_execute_plan(imgtrans_spi_plan(&plan, "SELECT count(*) FROM imgtrans.translation_cache",
										   0, NULL),
						 NULL, NULL, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "imgtrans: translation cache count failed");
	rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	imgtrans_spi_end(&scope);
	return rows;
}

Datum
imgtrans_cache_stats(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = Int64GetDatum(cache_rows());
	values[1] = Int64GetDatum(counters_get(&stats, STAT_HITS));
	values[2] = Int64GetDatum(counters_get(&stats, STAT_MISSES));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
