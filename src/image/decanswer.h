/*-------------------------------------------------------------------------
 * decanswer.h
 *	  What the image decoder process answers with a decoded image, and the
 *	  backend's check of it before anything is allocated (decanswer.c).
 *
 * Plain C, no PostgreSQL or leptonica, so test/unit_tests.c links it.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_DECANSWER_H
#define IMGTRANS_DECANSWER_H

#include <stdint.h>

/* a decoded image: this, then ncolors x (r, g, b, a), then the raster unless in_shm */
typedef struct DecPix
{
	int32_t		width;
	int32_t		height;
	int32_t		depth;
	int32_t		spp;
	int32_t		wpl;			/* 32-bit words per raster line */
	int32_t		xres;
	int32_t		yres;
	int32_t		ncolors;		/* colormap entries (r, g, b, a bytes) after this */
	uint32_t	in_shm;			/* the raster is in the shared buffer, not after the colormap */
	uint32_t	unused;
} DecPix;

typedef enum DecAnswerCheck
{
	DEC_ANSWER_OK = 0,
	DEC_ANSWER_TOO_LARGE,		/* well formed, larger than the header declared */
	DEC_ANSWER_MALFORMED		/* a field or length the decoder may not send */
} DecAnswerCheck;

extern DecAnswerCheck dec_check_answer(const DecPix *a, uint64_t len, int64_t max_width,
									   int64_t max_height);
extern uint64_t dec_raster_bytes(const DecPix *a);

#endif							/* IMGTRANS_DECANSWER_H */
