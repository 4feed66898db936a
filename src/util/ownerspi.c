/*-------------------------------------------------------------------------
 * ownerspi.c
 *	  SPI on the extension's internal tables (imgtrans.providers,
 *	  imgtrans.translation_cache, imgtrans.ocr_cache) with the rights of
 *	  their owner.
 *
 * Those tables are readable only by their owner: providers hold API keys,
 * and a cache writable by anyone would let a role plant translations or
 * OCR results.  Any role may translate and OCR, so translate.c,
 * transcache.c and ocr/ocrcache.c reach the tables
 * only through here: as the tables' owner, with search_path = pg_catalog,
 * pg_temp and SECURITY_RESTRICTED_OPERATION (util/rolescope.c).  Never run
 * a statement here that takes SQL text from a caller: plans are constant
 * strings with parameters, kept for the life of the backend.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "util/ownerspi.h"

static Oid
internal_tables_owner(void)
{
	Oid			nsp = get_namespace_oid("imgtrans", true);
	Oid			rel = OidIsValid(nsp) ? get_relname_relid("providers", nsp) : InvalidOid;
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(rel))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("imgtrans translation is not installed in this database"),
				 errhint("Run ALTER EXTENSION imgtrans UPDATE.")));
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(rel));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", rel);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

void
imgtrans_spi_begin(RoleScope *scope)
{
	role_scope_enter(scope, internal_tables_owner());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "imgtrans: SPI_connect failed");
}

void
imgtrans_spi_end(RoleScope *scope)
{
	SPI_finish();
	role_scope_leave(scope);
}

/*
 * A prepared statement kept for the life of the backend, with a generic
 * plan: these are key lookups on the internal tables, planned once rather
 * than for each call's parameters (custom plans cost a translation cache
 * hit more time in the planner than in the lookup).
 */
SPIPlanPtr
imgtrans_spi_plan(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes)
{
	if (*cache == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, argtypes, CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "imgtrans: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		*cache = plan;
	}
	return *cache;
}
