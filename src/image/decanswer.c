/*-------------------------------------------------------------------------
 * decanswer.c
 *	  The backend's check of the image decoder's answer (decoder.c): every
 *	  field and the length, before the backend allocates what it describes.
 *
 * The decoder runs libpng, libjpeg, libtiff, libwebp and giflib on an
 * attacker's bytes, so its answer is as untrusted as the file.  Plain C
 * (test/unit_tests.c checks it); must never overflow on any field values
 * nor accept a length that does not match the fields exactly.
 *-------------------------------------------------------------------------
 */
#include "image/decanswer.h"

/* A depth leptonica makes and the other steps take. */
static int
valid_depth(int32_t d)
{
	return d == 1 || d == 2 || d == 4 || d == 8 || d == 16 || d == 32;
}

/* Bytes of the raster a describes (valid fields: no overflow). */
uint64_t
dec_raster_bytes(const DecPix *a)
{
	return (uint64_t) a->height * (uint64_t) a->wpl * 4;
}

/*
 * DEC_ANSWER_OK when a (with len bytes of answer in all, a included)
 * describes an image no larger than max_width x max_height with a
 * colormap and raster of exactly the lengths sent; DEC_ANSWER_TOO_LARGE
 * for a well-formed but larger one (the header lied: the caller says so);
 * else DEC_ANSWER_MALFORMED.
 */
DecAnswerCheck
dec_check_answer(const DecPix *a, uint64_t len, int64_t max_width, int64_t max_height)
{
	uint64_t	expect;

	if (len < sizeof(*a) || a->width <= 0 || a->height <= 0 || !valid_depth(a->depth) ||
		(a->spp != 1 && a->spp != 3 && a->spp != 4) ||
		a->ncolors < 0 || a->ncolors > 256 ||
		(a->ncolors > 0 && (a->depth > 8 || a->ncolors > (1 << a->depth))) ||
		(int64_t) a->wpl != ((int64_t) a->width * a->depth + 31) / 32)
		return DEC_ANSWER_MALFORMED;
	if (a->width > max_width || a->height > max_height)
		return DEC_ANSWER_TOO_LARGE;
	expect = sizeof(*a) + (uint64_t) a->ncolors * 4 + (a->in_shm ? 0 : dec_raster_bytes(a));
	return len == expect ? DEC_ANSWER_OK : DEC_ANSWER_MALFORMED;
}
