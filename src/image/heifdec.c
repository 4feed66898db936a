/*-------------------------------------------------------------------------
 * heifdec.c
 *	  imgtrans_heif.so: HEIF (HEIC, AVIF) decoding with libheif.
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
 * Never: ereport() while a libheif call is on the stack (libheif is C++;
 * errors are raised after it returned), keep a libheif object past the
 * call (all freed in PG_FINALLY), apply irot/imir here (image.c does, so
 * the orientation is applied exactly once), or write to stderr.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include <libheif/heif.h>

#include "imgtrans.h"
#include "image/heifapi.h"
#include "image/lept.h"

PG_MODULE_MAGIC;

extern PGDLLEXPORT struct Pix *imgtrans_heif_decode(const uint8_t *data, size_t len);
extern PGDLLEXPORT void _PG_init(void);

/* libheif's decoders are registered once per backend, when it loads this. */
void
_PG_init(void)
{
	(void) heif_init(NULL);
}

static void
heif_failed(const char *what, struct heif_error err)
{
	char		msg[256];
	size_t		n;

	strlcpy(msg, err.message ? err.message : "unknown error", sizeof(msg));
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("could not decode heif image: %s", what),
			 errdetail("libheif: %s", msg),
			 errhint("Pass the complete, unmodified image file as bytea.")));
}

/* The interleaved RGB plane of img as a 32 bpp Pix. */
static PIX *
rgb_to_pix(const struct heif_image *img)
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

	if (plane == NULL || w <= 0 || h <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not decode heif image: no RGB plane")));
	pix = pixCreate(w, h, 32);
	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not allocate a %d x %d image", w, h)));
	data = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (y = 0; y < h; y++)
	{
		const uint8_t *src = plane + (size_t) y * stride;
		l_uint32   *line = data + (size_t) y * wpl;

		for (x = 0; x < w; x++, src += 3)
			composeRGBPixel(src[0], src[1], src[2], line + x);
	}
	return pix;
}

struct Pix *
imgtrans_heif_decode(const uint8_t *data, size_t len)
{
	struct heif_context *volatile ctx = NULL;
	struct heif_image_handle *volatile handle = NULL;
	struct heif_image *volatile img = NULL;
	struct heif_decoding_options *volatile opts = NULL;
	PIX		   *volatile pix = NULL;
	volatile bool done = false;

	PG_TRY();
	{
		struct heif_error err;
		struct heif_image_handle *h = NULL;
		struct heif_image *i = NULL;

		ctx = heif_context_alloc();
		opts = heif_decoding_options_alloc();
		if (ctx == NULL || opts == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not allocate a libheif context")));
		heif_context_set_maximum_image_size_limit(ctx, TESSERACT_MAX_SIDE);
		err = heif_context_read_from_memory_without_copy(ctx, data, len, NULL);
		if (err.code != heif_error_Ok)
			heif_failed("the container is truncated or corrupt", err);
		err = heif_context_get_primary_image_handle(ctx, &h);
		handle = h;
		if (err.code != heif_error_Ok)
			heif_failed("no primary image", err);
		opts->ignore_transformations = 1;
		err = heif_decode_image(handle, &i, heif_colorspace_RGB, heif_chroma_interleaved_RGB, opts);
		img = i;
		if (err.code != heif_error_Ok)
			heif_failed("the image data is truncated or corrupt", err);
		CHECK_FOR_INTERRUPTS();
		pix = rgb_to_pix(img);
		done = true;
	}
	PG_FINALLY();
	{
		if (!done && pix)
			pixDestroy((PIX **) &pix);
		if (img)
			heif_image_release(img);
		if (handle)
			heif_image_handle_release(handle);
		if (opts)
			heif_decoding_options_free(opts);
		if (ctx)
			heif_context_free(ctx);
	}
	PG_END_TRY();
	return pix;
}
