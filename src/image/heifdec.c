/*-------------------------------------------------------------------------
 * heifdec.c
 *	  imgtrans_heif.so: HEIF (HEIC, AVIF) decoding with libheif, in a child
 *	  process of the backend.
 *
 * What it is for: turning the primary image of a HEIF file into a
 * leptonica Pix, for image.c, which read the header and checked the limits
 * before calling.  The only file that includes libheif.  libheif's own
 * limit is set to the side limit too, and the decoded size is checked
 * against the header in image.c.  That limit is libheif 1.15's only one
 * (heif_context_set_maximum_image_size_limit) and covers ispe and grid
 * sizes, never the frame the codec stream declares: libde265 has no limit,
 * dav1d is given 32768 x 32768.  The coded size is checked by heifheader.c
 * and image.c before this is called.
 *
 * libheif and its codecs (libde265, dav1d, libaom) parse hostile bytes in
 * C and C++ and cannot be interrupted, so they never run in the backend:
 * the backend forks a HEIF decoder on its first HEIF image
 * (src/util/subproc.c: killed on any interrupt, no shared memory, its own
 * address-space limit) and sends it each file; it answers with the image
 * as the image decoder does (decoder.c: a 32 bpp raster in a sealed shared
 * buffer, checked by decanswer.c in the backend) or with libheif's error.
 * A crash in a codec is an ERROR of that call,
 * not a server restart.
 *
 * Never: apply irot/imir here (image.c does, so the orientation is applied
 * exactly once); in the decoder, call PostgreSQL code, raise, or write to
 * stderr; in the backend, trust a length the decoder sends.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/mman.h>
#include <unistd.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include <libheif/heif.h>

#include "imgtrans.h"
#include "image/decoder.h"
#include "image/heifapi.h"
#include "image/lept.h"
#include "util/subproc.h"

PG_MODULE_MAGIC;

extern PGDLLEXPORT struct Pix *imgtrans_heif_decode(const uint8_t *data, size_t len, int64 max_width,
													int64 max_height, int *width, int *height);
extern PGDLLEXPORT void _PG_init(void);

/* libheif's decoders are registered once per backend, when it loads this. */
void
_PG_init(void)
{
	(void) heif_init(NULL);
}

/* the decoder's answers */
#define HEIF_OK				0	/* HeifAnswer, then height rows of width * 3 bytes (RGB) */
#define HEIF_CONTAINER		1	/* payload: libheif's message */
#define HEIF_NO_PRIMARY		2	/* payload: libheif's message */
#define HEIF_DATA			3	/* payload: libheif's message */
#define HEIF_NO_PLANE		4
#define HEIF_NO_MEMORY		5

/* replaced after this many images; its memory is its own */
#define HEIF_MAX_REQUESTS	1000
#define HEIF_MEMORY_BUDGET	((uint64) 2 << 30)

typedef struct HeifRequest
{
	uint64		len;			/* bytes of the file that follow */
	uint32		shm;			/* the RGB rows may go into the shared buffer */
	uint32		unused;
} HeifRequest;

static void heif_serve(int req, int resp);
static void heif_lost(SubProc *sp, int status, int context);

static SubProc decoder = {
	.name = "HEIF decoder",
	.title = "imgtrans heif",
	.max_requests = HEIF_MAX_REQUESTS,
	.memory_budget = HEIF_MEMORY_BUDGET,
	.serve = heif_serve,
	.lost = heif_lost,
	.shm_name = "imgtrans-heif-image",
};

/* ---- in the decoder ---- */

/* Answers with libheif's message, without its trailing newlines. */
static void
reply_heif_error(int fd, uint32 code, struct heif_error err)
{
	char		msg[256];
	size_t		n;

	strlcpy(msg, err.message ? err.message : "unknown error", sizeof(msg));
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	subproc_reply(fd, code, msg, n);
}

/*
 * The interleaved RGB plane of img as a 32 bpp Pix (its raster in the
 * shared buffer, see decoder.c), answered as the image decoder answers.
 */
static void
reply_rgb(int fd, const struct heif_image *img)
{
	int			w = heif_image_get_width(img, heif_channel_interleaved);
	int			h = heif_image_get_height(img, heif_channel_interleaved);
	int			stride = 0;
	const uint8_t *plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
	PIX		   *pix;
	l_uint32   *data;
	int			wpl,
				x,
				y;

	if (plane == NULL || w <= 0 || h <= 0 || stride < w * 3)
	{
		subproc_reply(fd, HEIF_NO_PLANE, NULL, 0);
		return;
	}
	pix = pixCreateNoInit(w, h, 32);
	if (pix == NULL)
	{
		subproc_reply(fd, HEIF_NO_MEMORY, NULL, 0);
		return;
	}
	data = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < h; y++)
	{
		const uint8_t *src = plane + (size_t) y * stride;
		l_uint32   *line = data + (size_t) y * wpl;

		for (x = 0; x < w; x++, src += 3)
			composeRGBPixel(src[0], src[1], src[2], line + x);
	}
	imgtrans_decoder_reply_pix(fd, HEIF_OK, pix);
	pixDestroy(&pix);
}

static void
decode_reply(int fd, const uint8_t *data, size_t len)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_decoding_options *opts = heif_decoding_options_alloc();
	struct heif_image_handle *handle = NULL;
	struct heif_image *img = NULL;
	struct heif_error err;

	if (ctx == NULL || opts == NULL)
		subproc_reply(fd, HEIF_NO_MEMORY, NULL, 0);
	else
	{
		heif_context_set_maximum_image_size_limit(ctx, TESSERACT_MAX_SIDE);
		err = heif_context_read_from_memory_without_copy(ctx, data, len, NULL);
		if (err.code != heif_error_Ok)
			reply_heif_error(fd, HEIF_CONTAINER, err);
		else if ((err = heif_context_get_primary_image_handle(ctx, &handle)).code != heif_error_Ok)
			reply_heif_error(fd, HEIF_NO_PRIMARY, err);
		else
		{
			opts->ignore_transformations = 1;
			err = heif_decode_image(handle, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, opts);
			if (err.code != heif_error_Ok)
				reply_heif_error(fd, HEIF_DATA, err);
			else
				reply_rgb(fd, img);
		}
	}
	if (img)
		heif_image_release(img);
	if (handle)
		heif_image_handle_release(handle);
	if (opts)
		heif_decoding_options_free(opts);
	if (ctx)
		heif_context_free(ctx);
}

/* The decoder's life: a file at a time until the backend closes the pipe. */
static void
heif_serve(int req, int resp)
{
	imgtrans_decoder_child_init();
	for (;;)
	{
		HeifRequest rq;
		uint8_t    *data;

		if (!subproc_read_exact(req, &rq, sizeof(rq)))
			_exit(0);
		data = malloc(Max(rq.len, 1));
		if (data == NULL || !subproc_read_exact(req, data, rq.len))
			_exit(1);			/* the backend sees the pipe close */
		imgtrans_decoder_child_request(rq.shm != 0);
		decode_reply(resp, data, rq.len);
		free(data);
	}
}

/* ---- in the backend ---- */

static void
heif_lost(SubProc *sp, int st, int context)
{
	imgtrans_decoder_stopped(sp, st, "heif", "libheif");
}

static void
heif_failed(const char *what, char *msg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("could not decode heif image: %s", what),
			 errdetail("libheif: %s", subproc_ascii(msg)),
			 errhint("Pass the complete, unmodified image file as bytea.")));
}

/*
 * The primary image of a HEIF file, decoded by the backend's HEIF decoder
 * process; an ERROR names what libheif could not read.  NULL, with the
 * decoded size in *width, *height, when that is larger than max_width x
 * max_height (the header's: nothing allocated).
 */
struct Pix *
imgtrans_heif_decode(const uint8_t *data, size_t len, int64 max_width, int64 max_height,
					 int *width, int *height)
{
	HeifRequest rq;
	char	   *payload;
	uint64		plen;
	uint32		code;
	PIX		   *pix;

	/* the decoder and its shared buffer; without a buffer, the pipe carries the raster */
	subproc_ensure(&decoder);
	rq.len = len;
	rq.shm = decoder.keep_fd > 2;
	rq.unused = 0;
	code = subproc_call(&decoder, &rq, sizeof(rq), data, len,
						imgtrans_decoder_max_answer(max_width, max_height), &payload, &plen, 0);
	switch (code)
	{
		case HEIF_OK:
			pix = imgtrans_decoder_answer_pix(&decoder, payload, plen, max_width, max_height, width, height);
			pfree(payload);
			/* its pages go back: the next photo's raster is written afresh */
			subproc_shm_release(decoder.keep_fd, 0, decoder.mapped);
			return pix;
		case HEIF_CONTAINER:
			heif_failed("the container is truncated or corrupt", payload);
			break;
		case HEIF_NO_PRIMARY:
			heif_failed("no primary image", payload);
			break;
		case HEIF_DATA:
			heif_failed("the image data is truncated or corrupt", payload);
			break;
		case HEIF_NO_PLANE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("could not decode heif image: no RGB plane")));
			break;
		case HEIF_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("the HEIF decoder ran out of memory")));
			break;
		default:
			subproc_misbehaved(&decoder, "an unknown answer code");
	}
	return NULL;				/* not reached */
}
