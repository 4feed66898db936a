/*-------------------------------------------------------------------------
 * worker.h
 *	  Background jobs: GUCs, shared state, worker processes, job execution.
 *
 * worker.c   the launcher and the job worker processes (and the GUCs and
 *            hooks installed when the library is preloaded)
 * shmem.c    the shared-memory registry of workers, wake-ups at commit
 * jobrun.c   one job's claim, execution and outcome, in SQL through SPI
 * jobs.c     the SQL-callable submit/enqueue/admin functions
 * sourcekey.c  a source row's primary key, single or composite
 * results.c  a job's results into the source table's results tables
 * sqlexec.c  parameterised SPI statements, optionally as another role
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_WORKER_H
#define IMGTRANS_WORKER_H

#include "postgres.h"

#include "access/attnum.h"
#include "datatype/timestamp.h"
#include "storage/latch.h"
#include "storage/spin.h"

/* the job workers' search_path: nothing a user creates can capture a name */
#define WORKER_SEARCH_PATH "pg_catalog, pg_temp"

#define IMGTRANS_PHASE_LEN 48
#define IMGTRANS_MAX_WORKERS 64

/* GUCs (worker.c) */
extern int	imgtrans_workers;
extern int	imgtrans_owner_code_timeout;
extern int	imgtrans_job_page_timeout;
extern bool imgtrans_page_estimates;

extern bool imgtrans_in_job_worker(void);
extern char *imgtrans_database;
extern int	imgtrans_job_retry_delay;
extern char *imgtrans_farm;
extern int	imgtrans_max_queued_jobs_per_role;
extern bool imgtrans_workers_preloaded;

typedef struct WorkerSlot
{
	pid_t		pid;			/* 0 = free */
	uint32		generation;		/* the restart generation it was started for */
	Latch	   *latch;
	int64		job;			/* 0 = none */
	Oid			owner;			/* the job's owner: who may see it */
	char		phase[IMGTRANS_PHASE_LEN];
	TimestampTz since;
	int64		cancel_job;		/* a committed imgtrans_cancel() of this job signalled us */
} WorkerSlot;

typedef struct ImgtransShared
{
	slock_t		mutex;
	Oid			dboid;			/* database the workers connect to */
	Latch	   *launcher_latch;
	uint32		generation;		/* bumped by every stop: restart, DROP DATABASE */
	TimestampTz paused_until;	/* no new workers before (DROP DATABASE) */
	int			nslots;
	WorkerSlot	slots[FLEXIBLE_ARRAY_MEMBER];
} ImgtransShared;

/*
 * What the launcher passes to a job worker (in bgw_extra): the database and
 * the restart generation it saw when it decided to start the worker.  A
 * worker whose generation is no longer current when it attaches was meant
 * for a world that is gone (a restart or DROP DATABASE came in between) and
 * exits at once.
 */
typedef struct WorkerStart
{
	Oid			dboid;
	uint32		generation;
} WorkerStart;

/* worker.c */
extern void imgtrans_worker_init(void);
extern void imgtrans_require_workers(void);
extern void imgtrans_require_primary(void);
extern PGDLLEXPORT void imgtrans_launcher_main(Datum arg);
extern PGDLLEXPORT void imgtrans_worker_main(Datum arg);

/* shmem.c */
extern ImgtransShared *imgtrans_shared;
extern void imgtrans_shmem_request(void);
extern void imgtrans_shmem_startup(void);
extern bool imgtrans_slot_attach(int slot, uint32 generation);
extern void imgtrans_slot_set(int64 job, const char *phase);
extern void imgtrans_slot_set_owner(Oid owner);
extern void imgtrans_wake_workers(void);
extern void imgtrans_wake_at_commit(void);
extern void imgtrans_stop_workers(bool terminate, int pause_ms);
extern uint32 imgtrans_generation(void);
extern uint32 imgtrans_launcher_state(TimestampTz *paused_until);
extern pid_t imgtrans_slot_pid(int slot);
extern void imgtrans_worker_cancel_handler(SIGNAL_ARGS);
extern void imgtrans_job_ended_at_commit(int64 job);
extern void imgtrans_cancel_at_commit(int64 job);
extern void imgtrans_wait_register(int64 job);
extern void imgtrans_wait_unregister(void);

/* jobrun.c */
struct RelationData;
extern void imgtrans_recover_orphans(void);
extern int64 imgtrans_run_next_job(long *wait_ms);
extern bool imgtrans_help_with_page(void);
extern bool imgtrans_extension_ready(void);
extern void imgtrans_notify_job_ended(int64 id);
extern void imgtrans_require_translation(const char *schema);

#endif							/* IMGTRANS_WORKER_H */
