/*
 * bench/heif_decode.c: decode time of one photo as PNG, JPEG (leptonica, as
 * imgtrans_decode() calls it) and HEIC (libheif, as src/image/heifdec.c
 * calls it: RGB interleaved, transformations ignored, copied into a Pix),
 * and the time to load libheif.  Run by bench/heif_bench.sh; never used by
 * the extension.
 *
 *   heif_decode RUNS FILE.png FILE.jpg FILE.heic
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <leptonica/allheaders.h>
#include <libheif/heif.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static l_uint8 *
slurp(const char *path, size_t *len)
{
	l_uint8    *data = l_binaryRead(path, len);

	if (data == NULL)
	{
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	return data;
}

static PIX *
heif_to_pix(const l_uint8 *data, size_t len)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_decoding_options *opts = heif_decoding_options_alloc();
	struct heif_image_handle *h = NULL;
	struct heif_image *img = NULL;
	PIX		   *pix = NULL;
	int			stride,
				x,
				y,
				w,
				hh;
	const uint8_t *plane;

	opts->ignore_transformations = 1;
	if (heif_context_read_from_memory_without_copy(ctx, data, len, NULL).code == heif_error_Ok &&
		heif_context_get_primary_image_handle(ctx, &h).code == heif_error_Ok &&
		heif_decode_image(h, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, opts).code == heif_error_Ok)
	{
		w = heif_image_get_width(img, heif_channel_interleaved);
		hh = heif_image_get_height(img, heif_channel_interleaved);
		plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
		pix = pixCreate(w, hh, 32);
		for (y = 0; y < hh; y++)
		{
			l_uint32   *line = pixGetData(pix) + y * pixGetWpl(pix);
			const uint8_t *src = plane + (size_t) y * stride;

			for (x = 0; x < w; x++, src += 3)
				composeRGBPixel(src[0], src[1], src[2], line + x);
		}
	}
	if (img)
		heif_image_release(img);
	if (h)
		heif_image_handle_release(h);
	heif_decoding_options_free(opts);
	heif_context_free(ctx);
	return pix;
}

int
main(int argc, char **argv)
{
	int			runs = atoi(argv[1]);
	int			f,
				i;

	for (f = 2; f < argc; f++)
	{
		size_t		len;
		l_uint8    *data = slurp(argv[f], &len);
		int			heif = f == argc - 1;
		double		best = 1e12;
		PIX		   *pix = NULL;

		for (i = 0; i < runs; i++)
		{
			double		t0 = now_ms();

			pix = heif ? heif_to_pix(data, len) : pixReadMem(data, len);
			if (pix == NULL)
				return 1;
			if (now_ms() - t0 < best)
				best = now_ms() - t0;
			if (i < runs - 1)
				pixDestroy(&pix);
		}
		printf("%-40s %8zu bytes  %dx%d  decode %.0f ms (best of %d)\n", argv[f], len,
			   pixGetWidth(pix), pixGetHeight(pix), best, runs);
		pixDestroy(&pix);
		free(data);
	}
	return 0;
}
