/*-------------------------------------------------------------------------
 * sqlexec.c
 *	  Parameterised SQL through SPI for the job code, optionally as
 *	  another role (the switch itself is util/rolescope.c).
 *
 * Every statement the job code runs is a constant string with $n
 * parameters; values never become SQL text.  imgtrans_sql_as() runs one as
 * a given role (the job owner when a worker reads the owner's table; the
 * bootstrap superuser when a job function writes imgtrans.jobs after its
 * own access check), with search_path = pg_catalog, pg_temp so that a
 * caller's schemas cannot capture a function or operator, as a SECURITY
 * DEFINER function with a SET clause would.  The caller connects SPI.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "jobs/sqlexec.h"
#include "jobs/worker.h"

void
sql_arg(SqlArgs *a, Oid type, Datum value, bool isnull)
{
	Assert(a->n < SQL_MAX_ARGS);
	a->types[a->n] = type;
	a->values[a->n] = value;
	a->nulls[a->n] = isnull ? 'n' : ' ';
	a->n++;
}

void
sql_arg_text(SqlArgs *a, const char *s)
{
	sql_arg(a, TEXTOID, s ? CStringGetTextDatum(s) : (Datum) 0, s == NULL);
}

/*
 * A job worker's own statements (not the owner's, which run in a role
 * scope) resolve names in pg_catalog only.  The worker sets that path
 * itself and role scopes roll back whatever the owner's code sets; should
 * anything else ever change it, the statement still runs with the safe
 * path, and the log says so.
 */
static void
check_worker_search_path(void)
{
	if (!imgtrans_in_job_worker() || GetUserId() != BOOTSTRAP_SUPERUSERID ||
		strcmp(namespace_search_path, WORKER_SEARCH_PATH) == 0)
		return;
	ereport(WARNING,
			(errmsg("imgtrans worker: search_path was \"%s\"; reset to %s",
					namespace_search_path, WORKER_SEARCH_PATH)));
	(void) set_config_option("search_path", WORKER_SEARCH_PATH, PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
}

/* Runs sql with args (NULL = none); returns the number of rows. */
uint64
imgtrans_sql(const char *sql, SqlArgs *a)
{
	int			rc;

	check_worker_search_path();
	rc = SPI_execute_with_args(sql, a ? a->n : 0, a ? a->types : NULL,
							   a ? a->values : NULL, a ? a->nulls : NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/* Runs sql as role, with a safe search_path; returns the number of rows. */
uint64
imgtrans_sql_as(Oid role, const char *sql, SqlArgs *a)
{
	RoleScope	scope;
	uint64		n = 0;

	role_scope_enter(&scope, role);
	PG_TRY();
	{
		n = imgtrans_sql(sql, a);
	}
	PG_FINALLY();
	{
		role_scope_leave(&scope);
	}
	PG_END_TRY();
	return n;
}

/* Column col (from 1) of result row row, as a Datum. */
Datum
sql_value(uint64 row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

/* Column col of result row row as a palloc'd C string, or NULL. */
char *
sql_string(uint64 row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}
