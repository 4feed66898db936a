/*-------------------------------------------------------------------------
 * joblocks.c
 *	  The heavyweight locks of the job queue, in a lock space no SQL role
 *	  can reach.
 *
 * A worker holds a session lock on the job it runs (a running job whose
 * lock is free has lost its worker: orphan recovery), a transaction lock
 * while it numbers a page's boxes, and a submit holds a transaction lock on
 * its role while it counts the role's queue against its limit.  These were
 * advisory locks with fixed keys until 0.14.0, and pg_advisory_lock() is
 * open to every role: an ordinary role holding (key, id) in an idle session
 * stalled the worker that claimed job id, and both workers with two ids, for
 * every role; holding (key, role) blocked another role's submits.  The tags
 * here are advisory tags whose fourth field is IMGTRANS_LOCK_SPACE + kind:
 * the SQL advisory-lock functions only ever use 1 and 2 there, so only this
 * code can take them.  They show in pg_locks as advisory locks with that
 * objsubid.  Session locks go with LockReleaseSession(USER_LOCKMETHOD).
 *
 * Never: take one of these from a path a user's SQL can repeat without
 * bound while holding it, or wait on a job lock with a row lock another
 * worker needs.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/lock.h"

#include "jobs/joblocks.h"

#define IMGTRANS_LOCK_SPACE 0x696d	/* 'im' */

typedef enum JobLockKind
{
	JOBLOCK_JOB = 1,			/* a running job (session) */
	JOBLOCK_BOXES,				/* numbering a job's boxes (transaction) */
	JOBLOCK_QUOTA				/* counting a role's queue (transaction) */
} JobLockKind;

/* Takes the lock (kind, key): for the session or the transaction, waiting or not. */
static bool
job_lock(JobLockKind kind, uint64 key, bool session, bool wait)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (key >> 32), (uint32) key,
						 IMGTRANS_LOCK_SPACE + kind);
	return LockAcquire(&tag, ExclusiveLock, session, !wait) != LOCKACQUIRE_NOT_AVAIL;
}

/* The job's lock for this session, waiting if a recovery pass holds it. */
void
imgtrans_lock_job(int64 id)
{
	(void) job_lock(JOBLOCK_JOB, (uint64) id, true, true);
}

/* The job's lock till the end of the transaction, if nobody holds it. */
bool
imgtrans_try_lock_job_xact(int64 id)
{
	return job_lock(JOBLOCK_JOB, (uint64) id, false, false);
}

/* Numbering the job's boxes, till the end of the transaction. */
void
imgtrans_lock_job_boxes(int64 id)
{
	(void) job_lock(JOBLOCK_BOXES, (uint64) id, false, true);
}

/* Counting role's queue against its limit, till the end of the transaction. */
void
imgtrans_lock_role_quota(Oid role)
{
	(void) job_lock(JOBLOCK_QUOTA, (uint64) role, false, true);
}
