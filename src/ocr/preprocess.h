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


/* What auto decided about one step, and the measurements behind it. */
typedef struct PrepDecision
{
	const char *step;
	bool		applied;
	char	   *reason;			/* a sentence with values and thresholds */
	char	   *measurements;	/* a JSON object */
} PrepDecision;

/*
 * How a trial reading must beat the reading before it to be kept: by more
 * characters in sure words (it must find more text, not read less of it
 * better: an up-scale, flattening), by a higher mean word confidence (a
 * turn: a page read upside down reads with low confidence throughout), or
 * by both (another model: its confidences are its own, and a model of the
 * wrong script reads fewer words surely).
 */
typedef enum PrepTrialRule
{
	TRIAL_READS_MORE,
	TRIAL_SURER,
	TRIAL_SURER_AND_MORE
} PrepTrialRule;

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
	bool		script_pending; /* and a reading with the script OSD sees */
	double		scale_pending;	/* and an up-scale by this factor (0: none) */
	bool		flatten_pending;	/* and flattening the paper */
	List	   *decisions;		/* of PrepDecision, what auto decided */
	/* recognition (ocr.c): the language the best reading so far was made with */
	const char *lang;
	bool		osd_ran;		/* a trial ran OSD on the page; its script: */
	char	   *osd_script;		/* NULL when OSD named none */
	/* the page before the trial in progress, until the trial reads better */
	PIX		   *trial_saved;
	Affine		trial_fwd;
	int			trial_applied;	/* length of applied before the trial */
	const char *trial_lang;		/* lang before the trial */
	PrepTrialRule trial_rule;
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
extern bool prep_try_script(Prep *p, const PrepScore *best);
extern bool prep_trial_wins(Prep *p, const PrepScore *before, const PrepScore *after);

#endif							/* IMGTRANS_PREPROCESS_H */
