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

#define PREP_STEP_NAMES "gray, otsu, sauvola, deskew, orient, scale, denoise, border, invert, rules, flatten, auto"

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
	bool		defer;			/* auto leaves its trials to the recogniser */
	bool		orient_pending; /* auto ran with defer set: a turn may be tried */
	double		scale_pending;	/* and an up-scale by this factor (0: none) */
	bool		flatten_pending;	/* and flattening the paper */
	List	   *decisions;		/* of PrepDecision, what auto decided */
	/* the page before the trial in progress, until the trial reads better */
	PIX		   *trial_saved;
	Affine		trial_fwd;
	int			trial_applied;	/* length of applied before the trial */
	bool		trial_by_conf;	/* compare by mean confidence (a turn) */
	const char *trial_what;		/* the trial, for the DEBUG1 message */
} Prep;

/*
 * How a recognition pass read: words with text, their mean confidence, and
 * the characters of the words read with confidence >= PREP_SURE_CONF.
 */
#define PREP_SURE_CONF 70.0
typedef struct PrepScore
{
	int			words;
	double		mean_conf;
	int			sure_chars;
} PrepScore;

/* preprocess.c */
extern List *prep_parse_steps(ArrayType *steps);
extern void prep_init(Prep *p, PIX *pix);
extern void prep_run(Prep *p, List *steps);
extern void prep_free(Prep *p);
extern bool prep_try_scale(Prep *p, const PrepScore *first);
extern bool prep_try_orient(Prep *p, const PrepScore *best);
extern bool prep_try_flatten(Prep *p, const PrepScore *best);
extern bool prep_trial_wins(Prep *p, const PrepScore *before, const PrepScore *after);

#endif							/* IMGTRANS_PREPROCESS_H */
