/*-------------------------------------------------------------------------
 * decoder.h
 *	  The image decoder process: leptonica's readers out of the backend.
 *	  See decoder.c.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_DECODER_H
#define IMGTRANS_DECODER_H

#include "image/imgheader.h"

struct Pix;

extern int	imgtrans_decoder_pid(void);
extern bool imgtrans_decoder_header(const uint8_t *data, size_t len, ImgFormat format, ImgHeader *hdr);
extern struct Pix *imgtrans_decoder_read(const uint8_t *data, size_t len, ImgFormat format,
										 int64 tiff_offset, int64 max_width, int64 max_height,
										 int *width, int *height);

#endif							/* IMGTRANS_DECODER_H */
