/*-------------------------------------------------------------------------
 * stats.h
 *	  Always-on statistics in shared memory (stats.c): per SQL function,
 *	  translation provider and job kind, for each (database, role).
 *
 * Every recording function is a no-op when imgtrans is not in
 * shared_preload_libraries or imgtrans.track_stats is off, never raises an
 * ERROR and never allocates.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_STATS_H
#define IMGTRANS_STATS_H

#include "fmgr.h"
#include "portability/instr_time.h"

extern bool imgtrans_track_stats;

extern void imgtrans_stats_init(void);

/*
 * Runs fn (a SQL function's body) and counts the call under name: calls,
 * errors, time, and the pixels and pages decoded meanwhile.
 */
extern Datum imgtrans_stats_call(FunctionCallInfo fcinfo, const char *name, PGFunction fn);

/*
 * Defines the SQL-callable C function fn as a call of body (a static
 * function defined after it) counted under the SQL function name sqlname:
 *		IMGTRANS_COUNTED(imgtrans_render, "imgtrans_render", render_body)
 *		static Datum render_body(PG_FUNCTION_ARGS) { ... }
 */
#define IMGTRANS_COUNTED(fn, sqlname, body) \
	static Datum body(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(fn); \
	Datum \
	fn(PG_FUNCTION_ARGS) \
	{ \
		return imgtrans_stats_call(fcinfo, sqlname, body); \
	}

/* a page of w x h pixels was decoded by the SQL function being counted */
extern void imgtrans_stats_page(int64 width, int64 height);

/* translation providers */
extern void imgtrans_stats_provider_request(const char *provider, instr_time start,
											long http_status, bool failed);
extern void imgtrans_stats_provider_texts(const char *provider, int texts,
										  int cache_hits, int cache_misses);

/* jobs; outcome: done, failed, queued (an attempt to be retried), cancelled */
typedef struct JobAttemptStats
{
	const char *kind;			/* ocr, translate_image */
	Oid			owner;
	const char *outcome;
	double		queue_wait_ms;	/* < 0: not known (the worker died) */
	double		run_ms;
	int			pages;			/* pages of a done job */
} JobAttemptStats;

extern void imgtrans_stats_job(const JobAttemptStats *a);

/* counts the calls of a job worker for the job's owner (InvalidOid: no job) */
extern void imgtrans_stats_set_owner(Oid owner);
extern Oid	imgtrans_stats_role(void);

#endif							/* IMGTRANS_STATS_H */
