/*-------------------------------------------------------------------------
 * counters.c
 *	  Hit/miss counters of the caches (translation, OCR), in shared memory
 *	  when imgtrans is preloaded, else per session.
 *
 * One shmem_request/shmem_startup hook pair serves every registered set.
 * Counting never takes a lock (atomics) and never raises an ERROR.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"

#include "util/counters.h"

#define MAX_SETS 4

static Counters *sets[MAX_SETS];
static int	nsets = 0;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
counters_shmem_request(void)
{
	int			i;

	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	for (i = 0; i < nsets; i++)
		RequestAddinShmemSpace(MAXALIGN(sizeof(pg_atomic_uint64) * sets[i]->n));
}

static void
counters_shmem_startup(void)
{
	int			i,
				j;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	for (i = 0; i < nsets; i++)
	{
		bool		found;

		sets[i]->shared = ShmemInitStruct(sets[i]->name,
										  sizeof(pg_atomic_uint64) * sets[i]->n, &found);
		if (!found)
			for (j = 0; j < sets[i]->n; j++)
				pg_atomic_init_u64(&sets[i]->shared[j], 0);
	}
	LWLockRelease(AddinShmemInitLock);
}

/* from _PG_init: shared counters if we are being preloaded */
void
counters_register(Counters *c)
{
	Assert(c->n <= COUNTERS_MAX);
	if (!process_shared_preload_libraries_in_progress || nsets == MAX_SETS)
		return;
	if (nsets == 0)
	{
		prev_shmem_request_hook = shmem_request_hook;
		shmem_request_hook = counters_shmem_request;
		prev_shmem_startup_hook = shmem_startup_hook;
		shmem_startup_hook = counters_shmem_startup;
	}
	sets[nsets++] = c;
}

void
counters_add(Counters *c, int i, uint64 v)
{
	if (c->shared)
		pg_atomic_fetch_add_u64(&c->shared[i], v);
	else
		c->local[i] += v;
}

uint64
counters_get(const Counters *c, int i)
{
	return c->shared ? pg_atomic_read_u64(&c->shared[i]) : c->local[i];
}
