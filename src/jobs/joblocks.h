/*-------------------------------------------------------------------------
 * joblocks.h
 *	  The job queue's locks, out of reach of SQL (joblocks.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_JOBLOCKS_H
#define IMGTRANS_JOBLOCKS_H

extern void imgtrans_lock_job(int64 id);
extern bool imgtrans_try_lock_job_xact(int64 id);
extern void imgtrans_lock_job_boxes(int64 id);
extern void imgtrans_lock_role_quota(Oid role);

#endif
