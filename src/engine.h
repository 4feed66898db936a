/*-------------------------------------------------------------------------
 * engine.h
 *	  Per-backend cache of initialised tesseract engines (engine module).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_ENGINE_H
#define IMGTRANS_ENGINE_H

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "tess.h"

/* A tesseract variable's value before a call changed it. */
typedef struct SavedVar
{
	char	   *name;
	char	   *value;
} SavedVar;

extern TessBaseAPI *engine_acquire(const char *lang);
extern TessBaseAPI *engine_acquire_osd(void);
extern void engine_set_vars(TessBaseAPI *api, List *vars, List **saved);
extern void engine_restore_vars(TessBaseAPI *api, List *saved);
extern bool engine_cancel_requested(void *arg, int words);
extern List *engine_cached_languages(void);

#endif							/* IMGTRANS_ENGINE_H */
