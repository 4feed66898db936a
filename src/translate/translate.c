/*-------------------------------------------------------------------------
 * translate.c
 *	  imgtrans_translate and friends: the SQL functions of text
 *	  translation, the C entry point imgtrans_translate_batch(), the
 *	  translation GUCs, and owner-rights access to the internal tables.
 *
 * A batch is deduplicated, looked up in the cache (transcache.c), and
 * only the misses go to the provider (providers.c), in as few HTTP
 * requests as the provider allows.  imgtrans.providers holds API keys and
 * is readable only by its owner; these functions read it (and the cache)
 * as that owner with a fixed search_path, so any role may translate but
 * none can read a key.  Keys and URLs never appear in messages here.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "translate/http.h"
#include "translate/providers.h"
#include "translate/ratelimit.h"
#include "util/ownerspi.h"
#include "translate/transcache.h"
#include "translate/translate.h"
#include "stats/stats.h"

bool		imgtrans_translation_cache = true;
bool		imgtrans_translation_cache_shared = false;
int			imgtrans_http_timeout_ms = 10000;
int			imgtrans_http_connect_timeout_ms = 5000;
int			imgtrans_max_response_bytes = 16 * 1024 * 1024;

IMGTRANS_COUNTED(imgtrans_translate, "imgtrans_translate", translate_text)
IMGTRANS_COUNTED(imgtrans_translate_array, "imgtrans_translate", translate_array)
PG_FUNCTION_INFO_V1(imgtrans_providers);
PG_FUNCTION_INFO_V1(imgtrans_provider_languages);

void
imgtrans_translate_init(void)
{
	DefineCustomBoolVariable("imgtrans.translation_cache",
							 "Use and fill the translation cache (imgtrans.translation_cache).",
							 NULL,
							 &imgtrans_translation_cache,
							 true,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("imgtrans.translation_cache_shared",
							 "Let roles share cached translations.",
							 "Off: each role hits only translations fetched for it (a job's owner in a worker); on, a role can tell from its hits or its speed whether another role translated a text it guesses.",
							 &imgtrans_translation_cache_shared,
							 false,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.http_timeout_ms",
							"Longest a request to a translation provider may take.",
							"A provider's timeout_ms option overrides it.",
							&imgtrans_http_timeout_ms,
							10000, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.http_connect_timeout_ms",
							"Longest connecting to a translation provider may take.",
							NULL,
							&imgtrans_http_connect_timeout_ms,
							5000, 1, INT_MAX,
							PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.max_response_bytes",
							"Largest response body imgtrans accepts from a translation provider.",
							NULL,
							&imgtrans_max_response_bytes,
							16 * 1024 * 1024, 1024, INT_MAX,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	cache_shmem_init();
	rate_limit_init();
}

/* ---------------------------------------------------------------------
 * Providers
 * ---------------------------------------------------------------------
 */

static int
spi_int(HeapTuple tup, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

/* largest max_chars a provider may have (a text of 10 MB splits into 10+ pieces) */
#define MAX_CHARS_LIMIT 1000000

/*
 * An optional integer column of the provider (col, jsonb or NULL: read
 * through to_jsonb so that a table from before the column works); 0 when
 * NULL, ERROR outside 1..max.
 */
static int
provider_int_option(HeapTuple tup, int col, const char *option, const char *name, int max)
{
	char	   *v = SPI_getvalue(tup, SPI_tuptable->tupdesc, col);
	char	   *end;
	long		n;

	if (v == NULL || strcmp(v, "null") == 0)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 1 || n > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s of translation provider \"%s\" must be an integer between 1 and %d",
						option, name, max)));
	return (int) n;
}

/* the provider's requests_per_second (col, jsonb or NULL); 0: no limit */
static double
provider_rate(HeapTuple tup, int col)
{
	char	   *v = SPI_getvalue(tup, SPI_tuptable->tupdesc, col);
	double		d;

	if (v == NULL || strcmp(v, "null") == 0)
		return 0;
	d = strtod(v, NULL);
	return d > 0 ? d : 0;
}

static Provider *
provider_from_row(HeapTuple tup)
{
	TupleDesc	desc = SPI_tuptable->tupdesc;
	Provider   *p = palloc0(sizeof(Provider));
	char	   *kind = SPI_getvalue(tup, desc, 2);
	size_t		len;

	p->name = SPI_getvalue(tup, desc, 1);
	p->kind = (TrKind) tr_kind_from_name(kind);
	p->url = SPI_getvalue(tup, desc, 3);
	p->api_key = SPI_getvalue(tup, desc, 4);
	p->timeout_ms = spi_int(tup, 5);
	p->max_batch = spi_int(tup, 6);
	p->max_chars = provider_int_option(tup, 7, "max_chars", p->name, MAX_CHARS_LIMIT);
	p->max_concurrent = provider_int_option(tup, 8, "max_concurrent", p->name, RATE_MAX_CONCURRENT);
	p->requests_per_second = provider_rate(tup, 9);
	if ((int) p->kind < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("translation provider \"%s\" has unknown kind \"%s\"", p->name, kind)));
	len = strlen(p->url);
	while (len > 0 && p->url[len - 1] == '/')
		p->url[--len] = '\0';
	return p;
}

/* the ERROR for a provider that is not there (name NULL: the default one) */
static void
report_missing_provider(const char *name)
{
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("no default translation provider is configured"),
				 errhint("Add one with imgtrans_add_provider(name, kind, url).")));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("translation provider \"%s\" does not exist", name),
			 errhint("See imgtrans_providers().")));
}

/*
 * True when imgtrans.providers has the columns of 0.13.0 (max_chars and the
 * rate limits): read directly then; an extension still at an older version
 * is read through to_jsonb, which costs a cached translation a fifth of
 * its time.  Columns are only ever added to the table (ALTER EXTENSION
 * UPDATE), so a yes is kept for that table's OID: two syscache lookups per
 * call after the first.
 */
static bool
providers_have_limits(void)
{
	static Oid	rel_with_limits = InvalidOid;
	Oid			nsp = get_namespace_oid("imgtrans", true);
	Oid			rel = OidIsValid(nsp) ? get_relname_relid("providers", nsp) : InvalidOid;

	if (!OidIsValid(rel))
		return false;
	if (rel == rel_with_limits)
		return true;
	if (get_attnum(rel, "max_chars") == InvalidAttrNumber ||
		get_attnum(rel, "requests_per_second") == InvalidAttrNumber ||
		get_attnum(rel, "max_concurrent") == InvalidAttrNumber)
		return false;
	rel_with_limits = rel;
	return true;
}

/*
 * The named provider, or the default one if name is NULL; with
 * with_row false only whether it exists (the key is not even read).
 * NULL if there is none.
 */
static Provider *
find_provider(const char *name, bool with_row, bool *found)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr compat_plan = NULL;
	static SPIPlanPtr exists_plan = NULL;
	Oid			types[1] = {TEXTOID};
	Datum		args[1] = {name ? CStringGetTextDatum(name) : (Datum) 0};
	MemoryContext cxt = CurrentMemoryContext;
	Provider   *p = NULL;
	RoleScope	scope;
	SPIPlanPtr	chosen;

	imgtrans_spi_begin(&scope);
	if (!with_row)
		chosen = imgtrans_spi_plan(&exists_plan,
								   "SELECT 1 FROM imgtrans.providers"
								   " WHERE CASE WHEN $1 IS NULL THEN is_default ELSE name = $1 END",
								   1, types);
	else if (providers_have_limits())
		chosen = imgtrans_spi_plan(&plan,
								   "SELECT name, kind, url, api_key, timeout_ms, max_batch,"
								   " pg_catalog.to_jsonb(max_chars), pg_catalog.to_jsonb(max_concurrent),"
								   " pg_catalog.to_jsonb(requests_per_second)"
								   " FROM imgtrans.providers"
								   " WHERE CASE WHEN $1 IS NULL THEN is_default ELSE name = $1 END",
								   1, types);
	else
		/* an extension not yet updated: the columns it has, NULL for the rest */
		chosen = imgtrans_spi_plan(&compat_plan,
								   "SELECT name, kind, url, api_key, timeout_ms, max_batch,"
								   " j -> 'max_chars', j -> 'max_concurrent', j -> 'requests_per_second'"
								   " FROM imgtrans.providers p,"
								   "  LATERAL (SELECT pg_catalog.to_jsonb(p) AS j) r"
								   " WHERE CASE WHEN $1 IS NULL THEN is_default ELSE name = $1 END",
								   1, types);
	if (SPI_execute_plan(chosen, args, name ? " " : "n", true, 1) != SPI_OK_SELECT)
		elog(ERROR, "imgtrans: provider lookup failed");
	*found = (SPI_processed == 1);
	if (*found && with_row)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		p = provider_from_row(SPI_tuptable->vals[0]);
		MemoryContextSwitchTo(old);
	}
	imgtrans_spi_end(&scope);
	return p;
}

/* the named provider, or the default one if name is NULL; ERROR if none */
static Provider *
load_provider(const char *name)
{
	bool		found;
	Provider   *p = find_provider(name, true, &found);

	if (!found)
		report_missing_provider(name);
	return p;
}

/*
 * ERRORs (42704, with a hint) unless the named provider exists, or for
 * name NULL unless a default provider is configured: the ERROR
 * imgtrans_translate raises.  Any role may call it; the table is read as
 * the extension's owner.
 */
void
imgtrans_check_provider(const char *name)
{
	bool		found;

	find_provider(name, false, &found);
	if (!found)
		report_missing_provider(name);
}

/* ---------------------------------------------------------------------
 * Batches
 * ---------------------------------------------------------------------
 */

/* the distinct non-empty texts of a call */
typedef struct Batch
{
	int			n;
	char	  **texts;
	TextDigest *digests;
	char	  **out;			/* translations, NULL until known */
	int		   *pos;			/* per input: index here; -1 if NULL or empty */
} Batch;

typedef struct DigestEntry
{
	TextDigest	digest;
	int			idx;
} DigestEntry;

static void
batch_init(Batch *b, int n, const char *const *texts, const bool *nulls)
{
	HASHCTL		ctl;
	HTAB	   *seen;
	int			i;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(TextDigest);
	ctl.entrysize = sizeof(DigestEntry);
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("imgtrans translation batch", Max(n, 16), &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	b->n = 0;
	b->texts = palloc(sizeof(char *) * Max(n, 1));
	b->digests = palloc(sizeof(TextDigest) * Max(n, 1));
	b->out = palloc0(sizeof(char *) * Max(n, 1));
	b->pos = palloc(sizeof(int) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		TextDigest	d;
		DigestEntry *e;
		bool		found;

		b->pos[i] = -1;
		if ((nulls && nulls[i]) || texts[i][0] == '\0')
			continue;
		cache_digest(texts[i], imgtrans_translation_cache_shared ? InvalidOid : imgtrans_stats_role(), d);
		e = hash_search(seen, d, HASH_ENTER, &found);
		if (!found)
		{
			e->idx = b->n++;
			b->texts[e->idx] = (char *) texts[i];
			memcpy(b->digests[e->idx], d, sizeof(TextDigest));
		}
		b->pos[i] = e->idx;
	}
	hash_destroy(seen);
}

/* sends the texts the cache did not know to the provider, and caches them */
static void
translate_misses(const Provider *p, const char *source, const char *target,
				 const CacheKey *key, Batch *b)
{
	char	  **texts = palloc(sizeof(char *) * Max(b->n, 1));
	char	  **out = palloc(sizeof(char *) * Max(b->n, 1));
	TextDigest *digests = palloc(sizeof(TextDigest) * Max(b->n, 1));
	int		   *idx = palloc(sizeof(int) * Max(b->n, 1));
	int			m = 0;
	int			i;

	for (i = 0; i < b->n; i++)
	{
		if (b->out[i] != NULL)
			continue;
		texts[m] = b->texts[i];
		memcpy(digests[m], b->digests[i], sizeof(TextDigest));
		idx[m++] = i;
	}
	if (m == 0)
		return;
	provider_translate(p, source, target, m, texts, out);
	for (i = 0; i < m; i++)
		b->out[idx[i]] = out[i];
	if (imgtrans_translation_cache)
		cache_store(key, m, digests, out);
}

char **
imgtrans_translate_batch(const char *provider, const char *source, const char *target,
						 int n, const char *const *texts, const bool *nulls)
{
	Provider   *p;
	char	   *src;
	char	   *tgt;
	CacheKey	key;
	Batch		b;
	int			hits = 0;
	char	  **result = palloc0(sizeof(char *) * Max(n, 1));
	int			i;

	if (target == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target language must not be NULL")));
	p = load_provider(provider);
	src = provider_lang(p, source ? source : "auto", false);
	tgt = provider_lang(p, target, true);
	key.provider = p->name;
	key.source = src ? src : "auto";
	key.target = tgt;
	batch_init(&b, n, texts, nulls);
	if (imgtrans_translation_cache)
		hits = cache_lookup(&key, b.n, b.digests, b.out);
	imgtrans_stats_provider_texts(p->name, b.n, hits,
								  imgtrans_translation_cache ? b.n - hits : 0);
	translate_misses(p, src, tgt, &key, &b);
	cache_count(hits, b.n - hits);
	for (i = 0; i < n; i++)
		if (!(nulls && nulls[i]))
			result[i] = pstrdup(b.pos[i] < 0 ? "" : b.out[b.pos[i]]);
	return result;
}

/* ---------------------------------------------------------------------
 * SQL functions
 * ---------------------------------------------------------------------
 */

static char *
opt_text_arg(FunctionCallInfo fcinfo, int i)
{
	return PG_ARGISNULL(i) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(i));
}

/* imgtrans_translate(q text, target text, source text, provider text) */
static Datum
translate_text(PG_FUNCTION_ARGS)
{
	const char *q;
	char	  **res;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	q = text_to_cstring(PG_GETARG_TEXT_PP(0));
	res = imgtrans_translate_batch(opt_text_arg(fcinfo, 3), opt_text_arg(fcinfo, 2),
								   opt_text_arg(fcinfo, 1), 1, &q, NULL);
	PG_RETURN_TEXT_P(cstring_to_text(res[0]));
}

/* imgtrans_translate(q text[], target text, source text, provider text) */
static Datum
translate_array(PG_FUNCTION_ARGS)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	char	  **texts;
	char	  **res;
	int			n;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	arr = PG_GETARG_ARRAYTYPE_P(0);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	texts = palloc(sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
		texts[i] = nulls[i] ? NULL : TextDatumGetCString(elems[i]);
	res = imgtrans_translate_batch(opt_text_arg(fcinfo, 3), opt_text_arg(fcinfo, 2),
								   opt_text_arg(fcinfo, 1), n, (const char *const *) texts, nulls);
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(arr);
	for (i = 0; i < n; i++)
		elems[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(res[i]);
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, ARR_NDIM(arr), ARR_DIMS(arr),
											 ARR_LBOUND(arr), TEXTOID, -1, false, TYPALIGN_INT));
}

/* imgtrans_providers(): the providers without their keys (URLs for superusers) */
Datum
imgtrans_providers(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		su = superuser();
	RoleScope	scope;
	uint64		r;

	InitMaterializedSRF(fcinfo, 0);
	imgtrans_spi_begin(&scope);
	if (SPI_execute_plan(imgtrans_spi_plan(&plan,
										   "SELECT name, kind, url, api_key IS NOT NULL, timeout_ms,"
										   " max_batch, is_default FROM imgtrans.providers ORDER BY name",
										   0, NULL),
						 NULL, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "imgtrans: provider list failed");
	for (r = 0; r < SPI_processed; r++)
	{
		Datum		values[7];
		bool		nulls[7];
		int			c;

		for (c = 0; c < 7; c++)
			values[c] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
		if (!su)
			nulls[2] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	imgtrans_spi_end(&scope);
	return (Datum) 0;
}

/* imgtrans_provider_languages(name text): the pairs the provider reports */
Datum
imgtrans_provider_languages(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Provider   *p = load_provider(opt_text_arg(fcinfo, 0));
	List	   *pairs = provider_languages(p);
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, pairs)
	{
		ProviderPair *pp = lfirst(lc);
		Datum		values[2] = {CStringGetTextDatum(pp->source), CStringGetTextDatum(pp->target)};
		bool		nulls[2] = {false, false};

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
