/*-------------------------------------------------------------------------
 * transform.c
 *	  2-D affine maps from original-image to processed-image coordinates.
 *
 * Coordinates are pixel edges: a w x h image spans [0, w] x [0, h], y grows
 * downwards, and "clockwise" is clockwise as seen on screen.
 *-------------------------------------------------------------------------
 */
#include "ocr/transform.h"

#include <math.h>

Affine
affine_identity(void)
{
	Affine		m = {1, 0, 0, 0, 1, 0};

	return m;
}

bool
affine_is_identity(const Affine *m)
{
	return m->a == 1 && m->b == 0 && m->c == 0 && m->d == 0 && m->e == 1 && m->f == 0;
}

Affine
affine_then(const Affine *in, const Affine *out)
{
	Affine		m;

	m.a = out->a * in->a + out->b * in->d;
	m.b = out->a * in->b + out->b * in->e;
	m.c = out->a * in->c + out->b * in->f + out->c;
	m.d = out->d * in->a + out->e * in->d;
	m.e = out->d * in->b + out->e * in->e;
	m.f = out->d * in->c + out->e * in->f + out->f;
	return m;
}

bool
affine_invert(const Affine *m, Affine *inv)
{
	double		det = m->a * m->e - m->b * m->d;

	if (fabs(det) < 1e-12)
		return false;
	inv->a = m->e / det;
	inv->b = -m->b / det;
	inv->d = -m->d / det;
	inv->e = m->a / det;
	inv->c = -(inv->a * m->c + inv->b * m->f);
	inv->f = -(inv->d * m->c + inv->e * m->f);
	return true;
}

void
affine_apply(const Affine *m, double x, double y, double *xo, double *yo)
{
	*xo = m->a * x + m->b * y + m->c;
	*yo = m->d * x + m->e * y + m->f;
}

Affine
affine_rotate_orth(int quads, int w, int h)
{
	Affine		m = affine_identity();

	switch (((quads % 4) + 4) % 4)
	{
		case 1:					/* (x, y) -> (h - y, x) */
			m = (Affine) {0, -1, h, 1, 0, 0};
			break;
		case 2:					/* (x, y) -> (w - x, h - y) */
			m = (Affine) {-1, 0, w, 0, -1, h};
			break;
		case 3:					/* (x, y) -> (y, w - x) */
			m = (Affine) {0, 1, 0, -1, 0, w};
			break;
	}
	return m;
}

Affine
affine_rotate_center(double t, int w, int h)
{
	double		cx = w / 2.0,
				cy = h / 2.0;
	double		cs = cos(t),
				sn = sin(t);
	Affine		m;

	/* y points down, so the standard matrix turns clockwise on screen */
	m.a = cs;
	m.b = -sn;
	m.d = sn;
	m.e = cs;
	m.c = cx - cs * cx + sn * cy;
	m.f = cy - sn * cx - cs * cy;
	return m;
}

Affine
affine_scale(double s)
{
	Affine		m = {s, 0, 0, 0, s, 0};

	return m;
}

Affine
affine_translate(double dx, double dy)
{
	Affine		m = {1, 0, dx, 0, 1, dy};

	return m;
}

static int
clampi(double v, int lo, int hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return (int) lround(v);
}

void
affine_map_box(const Affine *m, int w, int h, int *left, int *top, int *right, int *bottom)
{
	double		xs[4] = {*left, *right, *right, *left};
	double		ys[4] = {*top, *top, *bottom, *bottom};
	double		x0 = INFINITY,
				y0 = INFINITY,
				x1 = -INFINITY,
				y1 = -INFINITY;
	int			i;

	for (i = 0; i < 4; i++)
	{
		double		x,
					y;

		affine_apply(m, xs[i], ys[i], &x, &y);
		x0 = fmin(x0, x);
		y0 = fmin(y0, y);
		x1 = fmax(x1, x);
		y1 = fmax(y1, y);
	}
	*left = clampi(x0, 0, w);
	*top = clampi(y0, 0, h);
	*right = clampi(x1, 0, w);
	*bottom = clampi(y1, 0, h);
}
