/*-------------------------------------------------------------------------
 * render.h
 *	  Drawing a box list onto an image: outlines, erased text, translated
 *	  text.
 *
 * The C entry point behind imgtrans_render(), for other C callers.  Takes
 * plain RenderBox structs (boxlist.h), never leptonica's BOX.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_RENDER_H
#define IMGTRANS_RENDER_H

#include "render/boxlist.h"

typedef enum RenderMode
{
	RENDER_BOXES,				/* outline each box, colour by confidence */
	RENDER_TRANSLATE,			/* erase each box, draw its text inside */
	RENDER_ERASE				/* only erase */
} RenderMode;

typedef enum RenderFormat
{
	RENDER_PNG,
	RENDER_JPEG,
	RENDER_WEBP,
	RENDER_TIFF
} RenderFormat;

/*
 * Decodes page 'page' of image, a document or an image (size limits apply;
 * dpi 0 for imgtrans.pdf_dpi), draws the boxes, and encodes in format.
 */
extern bytea *imgtrans_render_image(const bytea *image, int page, int dpi,
									const RenderBox *boxes, int nboxes,
									RenderMode mode, RenderFormat format);

#endif							/* IMGTRANS_RENDER_H */
