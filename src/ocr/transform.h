/*-------------------------------------------------------------------------
 * transform.h
 *	  2-D affine maps from original-image to processed-image coordinates.
 *
 * Each preprocessing step that moves pixels (orientation, deskew, crop,
 * scale) composes its map onto the running one; boxes found on the
 * processed image go back through the inverse.  Plain C: unit-tested.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TRANSFORM_H
#define IMGTRANS_TRANSFORM_H

#include <stdbool.h>

/* x' = a x + b y + c;  y' = d x + e y + f  (pixel-edge coordinates) */
typedef struct Affine
{
	double		a,
				b,
				c,
				d,
				e,
				f;
} Affine;

extern Affine affine_identity(void);
extern bool affine_is_identity(const Affine *m);
/* first `inner`, then `outer` */
extern Affine affine_then(const Affine *inner, const Affine *outer);
extern bool affine_invert(const Affine *m, Affine *inv);
extern void affine_apply(const Affine *m, double x, double y, double *xo, double *yo);

/* clockwise rotation by quads * 90 degrees of a w x h image */
extern Affine affine_rotate_orth(int quads, int w, int h);
/* clockwise rotation by radians about the centre, same canvas size */
extern Affine affine_rotate_center(double radians, int w, int h);
extern Affine affine_scale(double s);
extern Affine affine_translate(double dx, double dy);

/*
 * Maps a box [left, right) x [top, bottom) through m to the axis-aligned
 * box around its four corners, clipped to [0, w] x [0, h].
 */
extern void affine_map_box(const Affine *m, int w, int h,
						   int *left, int *top, int *right, int *bottom);

#endif							/* IMGTRANS_TRANSFORM_H */
