/*-------------------------------------------------------------------------
 * preprocess.h
 *	  Image preprocessing before OCR, and orientation detection (engine
 *	  module).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_PREPROCESS_H
#define IMGTRANS_PREPROCESS_H

#include "nodes/pg_list.h"
#include "utils/array.h"

#include "tess.h"
#include "transform.h"

#define PREP_STEP_NAMES "gray, otsu, sauvola, deskew, orient, scale, denoise, border, invert, rules, auto"

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
} Prep;

typedef struct OsdResult
{
	bool		ok;				/* false: too little text to decide */
	int			orientation;	/* 0, 90, 180, 270: how the page is turned */
	int			rotate;			/* clockwise degrees that make it upright */
	float		orient_conf;
	char	   *script;
	float		script_conf;
} OsdResult;

/* preprocess.c */
extern List *prep_parse_steps(ArrayType *steps);
extern void prep_init(Prep *p, PIX *pix);
extern void prep_run(Prep *p, List *steps);
extern void prep_free(Prep *p);
extern bool prep_orient_if_needed(Prep *p, int words, double mean_conf);

/* osd.c */
extern void osd_detect(PIX *pix, OsdResult *r);

#endif							/* IMGTRANS_PREPROCESS_H */
