/*-------------------------------------------------------------------------
 * boxlist.h
 *	  The box list of imgtrans_render(): jsonb in, plain C structs out.
 *
 * Kept apart from leptonica's headers (leptonica and PostgreSQL both
 * define a type named BOX): boxlist.c reads jsonb, render.c draws.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_BOXLIST_H
#define IMGTRANS_BOXLIST_H

#include "postgres.h"

typedef struct RenderBox
{
	int			x;				/* left, pixels from the image's left edge */
	int			y;				/* top */
	int			width;			/* >= 0 */
	int			height;			/* >= 0 */
	double		conf;
	bool		has_conf;		/* false: conf missing or null */
	char	   *text;			/* "translated", else "text"; NULL if neither */
	bool		blank;			/* has a "text" key but no text at all */
	int			page_num;		/* "page_num" of OCR rows, 0 if absent or null */
} RenderBox;

/*
 * Parses a jsonb array of box objects (NULL boxes is an empty list).
 * ERRORs, naming the box and the field, on anything else.
 */
extern RenderBox *imgtrans_parse_boxes(Datum boxes, bool isnull, int *nboxes);

#endif							/* IMGTRANS_BOXLIST_H */
