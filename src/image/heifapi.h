/*-------------------------------------------------------------------------
 * heifapi.h
 *	  The one function imgtrans_heif.so (libheif) offers imgtrans.so.
 *
 * imgtrans.so never links libheif (it pulls in libde265, libx265, libaom
 * and libdav1d: about 30 MB and tens of milliseconds to load): image.c
 * loads imgtrans_heif.so on the first HEIF image and calls this.  Never
 * call it before the header was read and the limits checked, and never add
 * a libheif type here.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_HEIFAPI_H
#define IMGTRANS_HEIFAPI_H

#include <stddef.h>
#include <stdint.h>

struct Pix;

#define HEIF_LIBRARY "$libdir/imgtrans_heif"
#define HEIF_DECODE_SYMBOL "imgtrans_heif_decode"

/*
 * The primary image as stored (irot/imir not applied: image.c applies
 * them with every other orientation), 32 bpp RGB; ereport()s on failure.
 * NULL, with the decoded size in *width, *height, when that is larger
 * than max_width x max_height (nothing allocated).  The caller owns the
 * Pix.
 */
typedef struct Pix *(*HeifDecodeFn) (const uint8_t *data, size_t len, int64_t max_width,
									 int64_t max_height, int *width, int *height);

#endif							/* IMGTRANS_HEIFAPI_H */
