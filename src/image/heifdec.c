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
 * address-space limit) and sends it each file; it answers with the RGB
 * rows or libheif's error.  A crash in a codec is an ERROR of that call,
 * not a server restart.
 *
 * Never: apply irot/imir here (image.c does, so the orientation is applied
 * exactly once); in the decoder, call PostgreSQL code, raise, or write to
 * stderr; in the backend, trust a length the decoder sends.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include <libheif/heif.h>

#include "imgtrans.h"
#include "image/heifapi.h"
#include "image/lept.h"
#include "util/subproc.h"

PG_MODULE_MAGIC;

extern PGDLLEXPORT struct Pix *imgtrans_heif_decode(const uint8_t *data, size_t len);
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

typedef struct HeifAnswer
{
	int32		width;
	int32		height;
	uint32		in_shm;			/* the rows are in the shared buffer, not after this */
	uint32		unused;
} HeifAnswer;

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

/*
 * The shared buffer the RGB rows come back through (subproc.c: a memfd
 * made before the fork, sealed against shrinking): a pipe copies a
 * 12-megapixel photo's 36 MB twice.  Mapped here as far as read.
 */
static char *shm_map = NULL;
static size_t shm_mapped = 0;

/* ---- in the decoder ---- */

/*
 * The decoder's own writable mapping of it (never the backend's variables
 * above: a decoder forked later inherits the backend's read-only mapping)
 */
static char *dec_map = NULL;
static size_t dec_mapped = 0;

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

/* The interleaved RGB plane of img, row by row, in the shared buffer when it can. */
static void
reply_rgb(int fd, const struct heif_image *img, bool shm)
{
	int			w = heif_image_get_width(img, heif_channel_interleaved);
	int			h = heif_image_get_height(img, heif_channel_interleaved);
	int			stride = 0;
	const uint8_t *plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
	SubProcHeader hd = {0};
	HeifAnswer	a;
	uint8_t    *buf;
	int			rows,
				y;

	if (plane == NULL || w <= 0 || h <= 0 || stride < w * 3)
	{
		subproc_reply(fd, HEIF_NO_PLANE, NULL, 0);
		return;
	}
	a.width = w;
	a.height = h;
	a.in_shm = 0;
	a.unused = 0;
	if (shm && subproc_shm_map(SUBPROC_KEEP_FD, &dec_map, &dec_mapped, (uint64) w * h * 3, true,
							   PROT_READ | PROT_WRITE))
	{
		for (y = 0; y < h; y++)
			memcpy(dec_map + (size_t) y * w * 3, plane + (size_t) y * stride, (size_t) w * 3);
		a.in_shm = 1;
		subproc_reply(fd, HEIF_OK, &a, sizeof(a));
		return;
	}
	hd.code = HEIF_OK;
	hd.len = sizeof(a) + (uint64) w * h * 3;
	subproc_write_exact(fd, &hd, sizeof(hd));
	subproc_write_exact(fd, &a, sizeof(a));
	if (stride == w * 3)
	{
		subproc_write_exact(fd, plane, (size_t) w * h * 3);
		return;
	}
	/* rows with padding: gathered into writes of about a megabyte (a write a row wakes the backend a row) */
	rows = Max(1, (1024 * 1024) / (w * 3));
	buf = malloc((size_t) rows * w * 3);
	if (buf == NULL)
		_exit(1);				/* the backend sees the pipe close */
	for (y = 0; y < h; y += rows)
	{
		int			n = Min(rows, h - y);
		int			r;

		for (r = 0; r < n; r++)
			memcpy(buf + (size_t) r * w * 3, plane + (size_t) (y + r) * stride, (size_t) w * 3);
		subproc_write_exact(fd, buf, (size_t) n * w * 3);
	}
	free(buf);
}

static void
decode_reply(int fd, const uint8_t *data, size_t len, bool shm)
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
				reply_rgb(fd, img, shm);
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
	for (;;)
	{
		HeifRequest rq;
		uint8_t    *data;

		if (!subproc_read_exact(req, &rq, sizeof(rq)))
			_exit(0);
		data = malloc(Max(rq.len, 1));
		if (data == NULL || !subproc_read_exact(req, data, rq.len))
			_exit(1);			/* the backend sees the pipe close */
		decode_reply(resp, data, rq.len, rq.shm != 0);
		free(data);
	}
}

/* ---- in the backend ---- */

static void
heif_lost(SubProc *sp, int st, int context)
{
	if (WIFSIGNALED(st))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not decode heif image: libheif stopped on it"),
				 errdetail("The HEIF decoder process was ended by signal %d (%s).", WTERMSIG(st),
						   strsignal(WTERMSIG(st))),
				 errhint("Pass the complete, unmodified image file as bytea.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("could not decode heif image: its decoder process ended without an answer"),
			 errhint("Pass the complete, unmodified image file as bytea.")));
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

/* The decoder's RGB rows (checked: width x height x 3 bytes) as a 32 bpp Pix. */
static PIX *
rgb_to_pix(const char *payload, uint64 len)
{
	HeifAnswer	a;
	const uint8_t *src;
	PIX		   *pix;
	l_uint32   *data;
	int			wpl,
				x,
				y;

	if (len < sizeof(a))
		subproc_misbehaved(&decoder, "a short answer");
	memcpy(&a, payload, sizeof(a));
	if (a.width <= 0 || a.height <= 0 || a.width > TESSERACT_MAX_SIDE || a.height > TESSERACT_MAX_SIDE ||
		(uint64) a.width * a.height > (uint64) imgtrans_max_image_pixels ||
		len - sizeof(a) != (a.in_shm ? 0 : (uint64) a.width * a.height * 3))
		subproc_misbehaved(&decoder, "a malformed image");
	/* the buffer cannot shrink (sealed): mapped as long as the rows, it is safe to read */
	if (a.in_shm && !subproc_shm_map(decoder.keep_fd, &shm_map, &shm_mapped, (uint64) a.width * a.height * 3, false,
									 PROT_READ))
		elog(ERROR, "imgtrans: could not map the HEIF decoder's rows: %m");
	pix = pixCreate(a.width, a.height, 32);
	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not allocate a %d x %d image", a.width, a.height)));
	data = pixGetData(pix);
	wpl = pixGetWpl(pix);
	src = a.in_shm ? (const uint8_t *) shm_map : (const uint8_t *) payload + sizeof(a);
	for (y = 0; y < a.height; y++)
	{
		l_uint32   *line = data + (size_t) y * wpl;

		for (x = 0; x < a.width; x++, src += 3)
			composeRGBPixel(src[0], src[1], src[2], line + x);
	}
	return pix;
}

/*
 * The primary image of a HEIF file, decoded by the backend's HEIF decoder
 * process; an ERROR names what libheif could not read.
 */
struct Pix *
imgtrans_heif_decode(const uint8_t *data, size_t len)
{
	HeifRequest rq;
	char	   *payload;
	uint64		plen;
	uint64		max_len = Min((uint64) imgtrans_max_image_pixels * 3 + sizeof(HeifAnswer),
							  (uint64) MaxAllocSize - 1);
	uint32		code;
	PIX		   *pix;

	/* the decoder and its shared buffer; without a buffer, the pipe carries the rows */
	subproc_ensure(&decoder);
	rq.len = len;
	rq.shm = decoder.keep_fd > 2;
	rq.unused = 0;
	code = subproc_call(&decoder, &rq, sizeof(rq), data, len, max_len, &payload, &plen, 0);
	switch (code)
	{
		case HEIF_OK:
			pix = rgb_to_pix(payload, plen);
			pfree(payload);
			/* its pages go back: the next photo's rows are written afresh */
			subproc_shm_release(decoder.keep_fd, 0, shm_mapped);
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
					 errmsg("could not allocate a libheif context")));
			break;
		default:
			subproc_misbehaved(&decoder, "an unknown answer code");
	}
	return NULL;				/* not reached */
}
