/*-------------------------------------------------------------------------
 * ft.h
 *	  The one place imgtrans includes FreeType.
 *
 * Include after postgres.h.  Only src/render/font.c (the faces) and
 * src/render/shape.c (HarfBuzz reads the font's tables through FT_Face) need it: the rest of the renderer
 * sees fonts through font.h and shape.h.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_FT_H
#define IMGTRANS_FT_H

#include <ft2build.h>
#include FT_FREETYPE_H

/* The face of a font slot (font.h) at em size px; NULL if it cannot be sized. */
extern FT_Face imgtrans_font_face(int slot, int px);

#endif							/* IMGTRANS_FT_H */
