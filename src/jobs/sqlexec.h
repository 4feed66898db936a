/*-------------------------------------------------------------------------
 * sqlexec.h
 *	  Parameterised SQL through SPI for the job code (see sqlexec.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_SQLEXEC_H
#define IMGTRANS_SQLEXEC_H

#include "catalog/pg_type.h"

#include "util/rolescope.h"

#define SQL_MAX_ARGS (INDEX_MAX_KEYS + 8)

typedef struct SqlArgs
{
	int			n;
	Oid			types[SQL_MAX_ARGS];
	Datum		values[SQL_MAX_ARGS];
	char		nulls[SQL_MAX_ARGS];
} SqlArgs;

extern void sql_arg(SqlArgs *a, Oid type, Datum value, bool isnull);
extern void sql_arg_text(SqlArgs *a, const char *s);
extern uint64 imgtrans_sql(const char *sql, SqlArgs *a);
extern uint64 imgtrans_sql_as(Oid role, const char *sql, SqlArgs *a);
extern Datum sql_value(uint64 row, int col, bool *isnull);
extern char *sql_string(uint64 row, int col);

#endif							/* IMGTRANS_SQLEXEC_H */
