/*-------------------------------------------------------------------------
 * engine.h
 *	  Per-backend cache of initialised tesseract engines, per-call variables,
 *	  the cancel callback and orientation detection (engine module).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_ENGINE_H
#define IMGTRANS_ENGINE_H

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "ocr/tess.h"

/* A tesseract variable's value before a call changed it. */
typedef struct SavedVar
{
	char	   *name;
	char	   *value;
} SavedVar;

typedef struct OsdResult
{
	bool		ok;				/* false: too little text to decide */
	int			orientation;	/* 0, 90, 180, 270: how the page is turned */
	int			rotate;			/* clockwise degrees that make it upright */
	float		orient_conf;
	char	   *script;
	float		script_conf;
} OsdResult;

extern TessBaseAPI *engine_acquire(const char *lang);
extern TessBaseAPI *engine_acquire_osd(void);
extern TessBaseAPI *engine_acquire_spare(const char *lang);
extern void engine_set_vars(TessBaseAPI *api, List *vars, List **saved);
extern void engine_restore_vars(TessBaseAPI *api, List *saved);
extern bool engine_cancel_requested(void *arg, int words);
extern List *engine_cached_languages(void);
extern void engine_osd(PIX *pix, OsdResult *r);

#endif							/* IMGTRANS_ENGINE_H */
