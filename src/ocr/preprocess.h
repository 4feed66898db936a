/*-------------------------------------------------------------------------
 * preprocess.h
 *	  Image preprocessing before OCR (engine module).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_PREPROCESS_H
#define IMGTRANS_PREPROCESS_H

#include "nodes/pg_list.h"
#include "utils/array.h"

#include "ocr/engine.h"
#include "ocr/tess.h"
#include "ocr/transform.h"

#define PREP_STEP_NAMES "gray, otsu, sauvola, deskew, orient, scale, denoise, border, invert, rules, auto"

/* What auto decided about one step, and the measurements behind it. */
typedef struct PrepDecision
{
	const char *step;
	bool		applied;
	char	   *reason;			/* a sentence with values and thresholds */
	char	   *measurements;	/* a JSON object */
} PrepDecision;

/* An image being preprocessed; pix is owned and replaced step by step. */
typedef struct Prep
{
	PIX		   *pix;
	Affine		fwd;			/* original -> current pixel coordinates */
	int			orig_w,
				orig_h;
	List	   *applied;		/* names of the steps actually applied */
	bool		defer_orient;	/* auto leaves orientation to prep_orient_if_needed */
	bool		orient_pending; /* auto ran with defer_orient set */
	List	   *decisions;		/* of PrepDecision, what auto decided */
	/* the page before a deferred turn, until the turned page reads better */
	PIX		   *before_orient;
	Affine		fwd_before_orient;
	double		conf_before_orient;
} Prep;

/* preprocess.c */
extern List *prep_parse_steps(ArrayType *steps);
extern void prep_init(Prep *p, PIX *pix);
extern void prep_run(Prep *p, List *steps);
extern void prep_free(Prep *p);
extern bool prep_orient_if_needed(Prep *p, int words, double mean_conf);
extern bool prep_orient_keep_if_better(Prep *p, double mean_conf);

#endif							/* IMGTRANS_PREPROCESS_H */
