/*-------------------------------------------------------------------------
 * worker.c
 *	  The background-job processes: a launcher and imgtrans.workers job
 *	  workers, set up when the library is in shared_preload_libraries.
 *
 * The launcher (a static worker the postmaster restarts) connects to no
 * database: it looks up imgtrans.database in the shared catalog and, once
 * it exists, starts the job workers as dynamic workers and restarts them
 * when they exit.  A job worker connects to that database and, while the
 * extension is installed there, runs jobs (jobrun.c); otherwise it sleeps
 * on its latch with a bounded timeout.  Nothing here loops without
 * sleeping, and no error ends a worker: each is caught, logged, and the
 * loop goes on after a pause.
 *
 * DROP DATABASE of the workers' database must not wait for them: every
 * backend has the library (it is preloaded), and its utility hook stops
 * the workers and pauses the launcher before the drop runs.  Every stop
 * bumps the restart generation; a worker is launched with the generation
 * the launcher saw and exits as it takes its slot if that is no longer
 * current, so a worker still starting when the stop came cannot escape it.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_database.h"
#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "jobs/worker.h"
#include "util/rolescope.h"

#define IDLE_TIMEOUT_MS 10000		/* longest sleep of launcher and workers */
#define ERROR_PAUSE_MS 1000			/* pause after an unexpected error */
#define RECHECK_MS 100				/* a second look for the extension after a wake-up */
#define DROPDB_PAUSE_MS 15000		/* no workers while DROP DATABASE runs */
#define START_TIMEOUT_MS IDLE_TIMEOUT_MS	/* a worker not in its slot by then is lost */

int			imgtrans_workers = 2;
int			imgtrans_owner_code_timeout = 300000;
int			imgtrans_job_page_timeout = 600000;
bool		imgtrans_page_estimates = true;
char	   *imgtrans_database = NULL;
int			imgtrans_job_retry_delay = 10000;
char	   *imgtrans_farm = NULL;
int			imgtrans_max_queued_jobs_per_role = 0;
bool		imgtrans_workers_preloaded = false;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static ProcessUtility_hook_type prev_utility_hook = NULL;

static void
define_worker_gucs(void)
{
	DefineCustomIntVariable("imgtrans.workers",
							"Number of background job workers.",
							"0 starts no workers (jobs stay queued).",
							&imgtrans_workers,
							2, 0, IMGTRANS_MAX_WORKERS,
							PGC_POSTMASTER, 0,
							NULL, NULL, NULL);
	DefineCustomStringVariable("imgtrans.database",
							   "Database whose imgtrans.jobs queue the background workers process.",
							   "Jobs can be queued only in this database.",
							   &imgtrans_database,
							   "postgres",
							   PGC_POSTMASTER, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.job_retry_delay",
							"Wait before the second attempt of a failed job; doubles for each further attempt.",
							NULL,
							&imgtrans_job_retry_delay,
							10000, 0, 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomStringVariable("imgtrans.farm",
							   "PL/Proxy cluster of the OCR farm that the background workers send their OCR to.",
							   "Empty: the workers OCR locally.  Needs CREATE EXTENSION imgtrans_farm in the workers' database.",
							   &imgtrans_farm,
							   "",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);
	/* superuser only: a role must not raise its own limit (ALTER ROLE ... SET) */
	DefineCustomBoolVariable("imgtrans.page_estimates",
							 "With several workers, count the glyphs of a TIFF's pages first and read the dearest first.",
							 "Off: a document's pages are read in page order.",
							 &imgtrans_page_estimates,
							 true,
							 PGC_SIGHUP, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.owner_code_timeout",
							"Longest a job owner's code may run in a worker at a time (0: no limit).",
							"Reading the source row (the owner's key type, domain checks and policies) and writing the results tables (their triggers), each as a whole; longer is cancelled as by statement_timeout and the attempt fails.",
							&imgtrans_owner_code_timeout,
							300000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.job_page_timeout",
							"Longest a job worker may spend reading one page (or one image) of a job (0: no limit).",
							"Decoding or rasterising, preprocessing and recognition, as by statement_timeout: a page whose content never ends (a PDF drawing a billion strokes) fails its attempt instead of holding the worker.",
							&imgtrans_job_page_timeout,
							600000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("imgtrans.max_queued_jobs_per_role",
							"Most unfinished (queued or running) jobs one role may have; 0: no limit.",
							"Set per role with ALTER ROLE ... SET (superuser); the job owner's own setting wins.",
							&imgtrans_max_queued_jobs_per_role,
							0, 0, INT_MAX,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
}

static void
shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	imgtrans_shmem_request();
}

static void
shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	imgtrans_shmem_startup();
}

/*
 * DROP DATABASE of the workers' database: make them disconnect first.
 * CREATE EXTENSION imgtrans: wake them at commit (a worker waiting for the
 * extension would otherwise look again only after IDLE_TIMEOUT_MS).
 */
static void
utility_hook(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
			 ProcessUtilityContext context, ParamListInfo params,
			 QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;

	if (IsA(stmt, DropdbStmt) &&
		strcmp(((DropdbStmt *) stmt)->dbname, imgtrans_database) == 0)
		imgtrans_stop_workers(true, DROPDB_PAUSE_MS);

	if (prev_utility_hook)
		prev_utility_hook(pstmt, queryString, readOnlyTree, context, params,
						  queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);

	if (IsA(stmt, CreateExtensionStmt) &&
		strcmp(((CreateExtensionStmt *) stmt)->extname, "imgtrans") == 0)
		imgtrans_wake_at_commit();
}

static void
register_launcher(void)
{
	BackgroundWorker bgw = {0};

	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = 10;
	strlcpy(bgw.bgw_library_name, "imgtrans", BGW_MAXLEN);
	strlcpy(bgw.bgw_function_name, "imgtrans_launcher_main", BGW_MAXLEN);
	strlcpy(bgw.bgw_name, "imgtrans launcher", BGW_MAXLEN);
	strlcpy(bgw.bgw_type, "imgtrans launcher", BGW_MAXLEN);
	RegisterBackgroundWorker(&bgw);
}

/*
 * Called from _PG_init.  Does nothing unless the library is being
 * preloaded: only then can it have shared memory and background workers.
 */
void
imgtrans_worker_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	define_worker_gucs();
	imgtrans_workers_preloaded = true;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = shmem_startup;
	prev_utility_hook = ProcessUtility_hook;
	ProcessUtility_hook = utility_hook;

	if (imgtrans_workers > 0)
		register_launcher();
}

/*
 * ERROR on a hot standby: the queue is written on the primary only (a
 * standby serves the OCR functions, which read and write nothing).
 */
void
imgtrans_require_primary(void)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("imgtrans jobs cannot be queued, waited for or managed on a standby server"),
				 errhint("Call the job functions on the primary; a hot standby serves the OCR functions (imgtrans_ocr, imgtrans_ocr_text, ...) only.")));
}

/* ERROR unless jobs queued in this database will be processed. */
void
imgtrans_require_workers(void)
{
	char	   *db;

	imgtrans_require_primary();
	if (!imgtrans_workers_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("imgtrans background jobs need the imgtrans library in shared_preload_libraries"),
				 errhint("Add imgtrans to shared_preload_libraries in postgresql.conf and restart the server.")));
	db = get_database_name(MyDatabaseId);
	if (db == NULL || strcmp(db, imgtrans_database) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("imgtrans background jobs run in database \"%s\", not \"%s\"",
						imgtrans_database, db ? db : "?"),
				 errhint("Set imgtrans.database = '%s' in postgresql.conf and restart the server, or queue jobs in database \"%s\".",
						 db ? db : "?", imgtrans_database)));
}

static void
setup_signals(bool job_worker)
{
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	if (job_worker)
		pqsignal(SIGINT, imgtrans_worker_cancel_handler);	/* imgtrans_cancel() */
	BackgroundWorkerUnblockSignals();
}

/* Sleeps until the latch is set or timeout_ms; true if the latch was set. */
static bool
wait_latch(long timeout_ms)
{
	int			rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							   Max(timeout_ms, 1), PG_WAIT_EXTENSION);

	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
	}
	return (rc & WL_LATCH_SET) != 0;
}

/* ------------------------------------------------------------------------
 * Launcher
 * ------------------------------------------------------------------------
 */

/*
 * The OID of imgtrans.database, or InvalidOid.  A heap scan of the shared
 * catalog, as the autovacuum launcher does: with no database selected,
 * index lookups (get_database_oid) may need pg_class.
 */
static Oid
lookup_database(void)
{
	Oid			dboid = InvalidOid;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;

	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);

		if (strcmp(NameStr(db->datname), imgtrans_database) == 0 &&
			db->datconnlimit != DATCONNLIMIT_INVALID_DB)
			dboid = db->oid;
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
	return dboid;
}

/* A job worker the launcher started: its handle, and when it asked for it. */
typedef struct LaunchedWorker
{
	BackgroundWorkerHandle *handle;
	TimestampTz registered;
	bool		attached;		/* seen in its slot */
} LaunchedWorker;

static BackgroundWorkerHandle *
start_worker(int i, Oid dboid, uint32 generation)
{
	BackgroundWorker bgw = {0};
	BackgroundWorkerHandle *handle;
	WorkerStart ws = {dboid, generation};

	StaticAssertStmt(sizeof(WorkerStart) <= BGW_EXTRALEN, "WorkerStart must fit in bgw_extra");
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(bgw.bgw_library_name, "imgtrans", BGW_MAXLEN);
	strlcpy(bgw.bgw_function_name, "imgtrans_worker_main", BGW_MAXLEN);
	snprintf(bgw.bgw_name, BGW_MAXLEN, "imgtrans worker %d", i);
	strlcpy(bgw.bgw_type, "imgtrans worker", BGW_MAXLEN);
	bgw.bgw_main_arg = Int32GetDatum(i);
	memcpy(bgw.bgw_extra, &ws, sizeof(ws));
	bgw.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&bgw, &handle))
	{
		ereport(WARNING,
				(errmsg("imgtrans launcher could not start job worker %d", i),
				 errhint("Raise max_worker_processes to at least imgtrans.workers + 1 plus what other extensions use.")));
		return NULL;
	}
	return handle;
}

/*
 * Whether the worker launched for slot i still counts: false once it has
 * exited, or when it has not taken its slot within START_TIMEOUT_MS (then
 * it is told to stop, as a worker that never starts must not keep its slot
 * empty for good).  *wake_ms is lowered to when the latter is due.
 */
static bool
worker_pending_or_running(int i, LaunchedWorker *w, TimestampTz now, long *wake_ms)
{
	pid_t		pid = 0;
	BgwHandleStatus status;
	long		waited;

	if (w->handle == NULL)
		return false;
	status = GetBackgroundWorkerPid(w->handle, &pid);
	if (status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED)
	{
		pfree(w->handle);
		w->handle = NULL;
		return false;
	}
	if (status == BGWH_STARTED && imgtrans_slot_pid(i) == pid)
	{
		w->attached = true;
		return true;			/* running in its slot */
	}
	if (w->attached)
	{
		/* it has left its slot and is exiting: the slot is free */
		pfree(w->handle);
		w->handle = NULL;
		return false;
	}

	waited = TimestampDifferenceMilliseconds(w->registered, now);
	if (waited < START_TIMEOUT_MS)
	{
		*wake_ms = Min(*wake_ms, START_TIMEOUT_MS - waited + 1);
		return true;			/* starting */
	}
	ereport(LOG,
			(errmsg("imgtrans launcher: job worker %d did not take its slot within %d ms; starting another",
					i, START_TIMEOUT_MS)));
	TerminateBackgroundWorker(w->handle);
	pfree(w->handle);
	w->handle = NULL;
	return false;
}

/*
 * Starts the workers that are not running; returns how long to sleep.
 *
 * Every slot is looked at on every call, whatever woke the launcher, and
 * the launcher never sleeps longer than IDLE_TIMEOUT_MS: an exit notice
 * that is lost or goes to an earlier launcher delays a restart by one
 * timeout at most.  The generation is read with the pause, before the
 * database is looked up: if a restart or DROP DATABASE comes after that,
 * the workers started here exit as they attach (imgtrans_slot_attach).
 */
static long
launcher_tick(LaunchedWorker *workers, bool *warned)
{
	TimestampTz paused_until;
	TimestampTz now;
	uint32		generation;
	Oid			dboid;
	long		wake_ms = IDLE_TIMEOUT_MS;
	int			i;

	generation = imgtrans_launcher_state(&paused_until);
	now = GetCurrentTimestamp();
	if (paused_until > now)
		return TimestampDifferenceMilliseconds(now, paused_until) + 1;

	dboid = lookup_database();
	if (!OidIsValid(dboid))
	{
		if (!*warned)
			ereport(LOG,
					(errmsg("imgtrans launcher: database \"%s\" does not exist yet; waiting",
							imgtrans_database)));
		*warned = true;
		return IDLE_TIMEOUT_MS;
	}
	*warned = false;
	now = GetCurrentTimestamp();
	for (i = 0; i < imgtrans_workers; i++)
	{
		if (worker_pending_or_running(i, &workers[i], now, &wake_ms))
			continue;
		if (imgtrans_slot_pid(i) != 0)
			continue;			/* a worker of an earlier launcher */
		workers[i].handle = start_worker(i, dboid, generation);
		workers[i].registered = now;
		workers[i].attached = false;
		if (workers[i].handle != NULL)
			wake_ms = Min(wake_ms, START_TIMEOUT_MS + 1);
	}
	return wake_ms;
}

void
imgtrans_launcher_main(Datum arg)
{
	LaunchedWorker workers[IMGTRANS_MAX_WORKERS] = {0};
	bool		warned = false;

	setup_signals(false);
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("imgtrans launcher");

	SpinLockAcquire(&imgtrans_shared->mutex);
	imgtrans_shared->launcher_latch = MyLatch;
	SpinLockRelease(&imgtrans_shared->mutex);

	for (;;)
	{
		long		timeout = IDLE_TIMEOUT_MS;

		PG_TRY();
		{
			timeout = launcher_tick(workers, &warned);
		}
		PG_CATCH();
		{
			EmitErrorReport();
			FlushErrorState();
			AbortCurrentTransaction();
			timeout = ERROR_PAUSE_MS;
		}
		PG_END_TRY();
		(void) wait_latch(Min(timeout, IDLE_TIMEOUT_MS));
	}
}

/* ------------------------------------------------------------------------
 * Job worker
 * ------------------------------------------------------------------------
 */

/*
 * One pass: run a job if the extension is there; returns the sleep, or 0.
 * woken: the last sleep ended because the latch was set.
 */
static long
worker_tick(bool woken)
{
	long		wait_ms = IDLE_TIMEOUT_MS;

	if (!imgtrans_extension_ready())
	{
		imgtrans_slot_set(0, "waiting for CREATE EXTENSION imgtrans");
		/*
		 * Woken by the commit of CREATE EXTENSION, whose catalog
		 * invalidations are sent only after the wake-up: look again soon.
		 */
		return woken ? RECHECK_MS : IDLE_TIMEOUT_MS;
	}
	imgtrans_recover_orphans();
	role_scope_timeout_ms = imgtrans_owner_code_timeout;	/* read at SIGHUP */
	if (imgtrans_run_next_job(&wait_ms) != 0 || imgtrans_help_with_page())
	{
		QueryCancelPending = false; /* a cancel of the job (or page) that has ended */
		return 0;
	}
	imgtrans_slot_set(0, "waiting for jobs");
	return wait_ms;
}

void
imgtrans_worker_main(Datum arg)
{
	int			slot = DatumGetInt32(arg);
	WorkerStart ws;
	MemoryContext loop_context;
	bool		woken = false;

	setup_signals(true);
	memcpy(&ws, MyBgworkerEntry->bgw_extra, sizeof(ws));
	BackgroundWorkerInitializeConnectionByOid(ws.dboid, InvalidOid, 0);
	pgstat_report_appname("imgtrans worker");
	if (!imgtrans_slot_attach(slot, ws.generation))
		proc_exit(0);
	(void) set_config_option("search_path", WORKER_SEARCH_PATH, PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	loop_context = AllocSetContextCreate(TopMemoryContext, "imgtrans worker loop",
										 ALLOCSET_DEFAULT_SIZES);

	while (imgtrans_generation() == ws.generation)
	{
		long		timeout;

		MemoryContextSwitchTo(loop_context);
		PG_TRY();
		{
			timeout = worker_tick(woken);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(loop_context);
			EmitErrorReport();
			FlushErrorState();
			AbortCurrentTransaction();
			LockReleaseSession(USER_LOCKMETHOD);
			imgtrans_slot_set(0, "pausing after an error");
			QueryCancelPending = false;
			timeout = ERROR_PAUSE_MS;
		}
		PG_END_TRY();
		MemoryContextSwitchTo(TopMemoryContext);
		MemoryContextReset(loop_context);
		woken = false;
		if (timeout > 0)
			woken = wait_latch(timeout);
		else
			CHECK_FOR_INTERRUPTS();
	}
	imgtrans_slot_set(0, "restarting");
	proc_exit(0);
}
