/*-------------------------------------------------------------------------
 * decoder.h
 *	  The image decoder process: leptonica's readers out of the backend.
 *	  See decoder.c.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_DECODER_H
#define IMGTRANS_DECODER_H

#include "image/imgheader.h"
#include "util/subproc.h"

struct Pix;

extern int	imgtrans_decoder_pid(void);
extern bool imgtrans_decoder_header(const uint8_t *data, size_t len, ImgFormat format, ImgHeader *hdr);
extern struct Pix *imgtrans_decoder_read(const uint8_t *data, size_t len, ImgFormat format,
										 int64 tiff_offset, int64 max_width, int64 max_height,
										 int *width, int *height);

/* shared with the HEIF decoder (heifdec.c): in its process */
extern void imgtrans_decoder_child_init(void);
extern void imgtrans_decoder_child_request(bool shm);
extern void imgtrans_decoder_reply_pix(int fd, uint32 code, struct Pix *pix);

/* and in the backend */
extern uint64 imgtrans_decoder_max_answer(int64 max_width, int64 max_height);
extern struct Pix *imgtrans_decoder_answer_pix(SubProc *sp, const char *payload, uint64 plen,
											   int64 max_width, int64 max_height,
											   int *width, int *height);
extern void imgtrans_decoder_stopped(SubProc *sp, int status, const char *format,
									 const char *stopper) pg_attribute_noreturn();

#endif							/* IMGTRANS_DECODER_H */
