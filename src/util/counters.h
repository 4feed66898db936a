/*-------------------------------------------------------------------------
 * counters.h
 *	  Named sets of uint64 counters shared by all backends (counters.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_COUNTERS_H
#define IMGTRANS_COUNTERS_H

#include "port/atomics.h"

#define COUNTERS_MAX 4

/*
 * A set of counters: in shared memory (all sessions since server start)
 * when imgtrans is in shared_preload_libraries, else in the session.
 * Declare it static with its name and size, register it from _PG_init.
 */
typedef struct Counters
{
	const char *name;			/* the shared memory segment's name */
	int			n;				/* counters, at most COUNTERS_MAX */
	pg_atomic_uint64 *shared;	/* set at shared memory startup */
	uint64		local[COUNTERS_MAX];
} Counters;

extern void counters_register(Counters *c);
extern void counters_add(Counters *c, int i, uint64 v);
extern uint64 counters_get(const Counters *c, int i);

#endif							/* IMGTRANS_COUNTERS_H */
