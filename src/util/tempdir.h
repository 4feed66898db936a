/*-------------------------------------------------------------------------
 * tempdir.h
 *	  A private directory under the backend's temporary-file area, for a
 *	  library that can only write to a path (tempdir.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TEMPDIR_H
#define IMGTRANS_TEMPDIR_H

#include "postgres.h"

extern char *imgtrans_tempdir_create(void);
extern bytea *imgtrans_tempdir_read(const char *path);
extern void imgtrans_tempdir_remove(const char *dir);

#endif							/* IMGTRANS_TEMPDIR_H */
