/*-------------------------------------------------------------------------
 * ft.h
 *	  The one place imgtrans includes FreeType.
 *
 * Include after postgres.h.  Only src/render/font.c should need it: the rest of
 * the renderer sees fonts through font.h.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_FT_H
#define IMGTRANS_FT_H

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H

#endif							/* IMGTRANS_FT_H */
