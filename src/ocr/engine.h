/*-------------------------------------------------------------------------
 * engine.h
 *	  A backend's side of its OCR process: recognition, its outputs and
 *	  orientation detection, run by tesseract in a child process that an
 *	  interrupt kills (engine module; see engine.c, tessproc.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_ENGINE_H
#define IMGTRANS_ENGINE_H

#include "nodes/pg_list.h"

#include "image/lept.h"
#include "ocr/tessproto.h"

typedef struct OsdResult
{
	bool		ok;				/* false: too little text to decide */
	int			orientation;	/* 0, 90, 180, 270: how the page is turned */
	int			rotate;			/* clockwise degrees that make it upright */
	float		orient_conf;
	char	   *script;
	float		script_conf;
} OsdResult;

/* A reading's box events (TP_BOXES), walked with engine_next_box(). */
typedef struct EngineBoxes
{
	char	   *data;
	uint64		len;
	uint64		pos;
	float		mean_conf;
} EngineBoxes;

extern void engine_recognize(int slot, const char *lang, List *vars, int psm, PIX *pix);
struct PrepScore;
extern void engine_score(int slot, struct PrepScore *score);
extern void engine_boxes(int slot, uint32 levels, EngineBoxes *boxes);
extern bool engine_next_box(EngineBoxes *boxes, TessBoxRec *rec, char **text);
extern char *engine_text(int slot, uint32 kind, int page);
extern void engine_pdf_begin(const char *base);
extern void engine_pdf_add(int slot, int page_num);
extern void engine_pdf_end(void);
extern void engine_clear(bool drop_pdf);
extern void engine_osd(PIX *pix, OsdResult *r);
extern List *engine_cached_languages(void);
extern int	engine_process_pid(void);

#endif							/* IMGTRANS_ENGINE_H */
