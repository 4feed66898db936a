/*-------------------------------------------------------------------------
 * results.h
 *	  A job's results into the source table's own results tables
 *	  (results.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_RESULTS_H
#define IMGTRANS_RESULTS_H

#include "postgres.h"

extern bool results_publish(int64 job_id, Oid owner, Oid source_table, const char *source_key,
							const char *lang, int pages, const char *ext_schema);

#endif							/* IMGTRANS_RESULTS_H */
