/*
 * test/fuzz/fuzz_imgheader.c: libFuzzer harness for src/image/imgheader.c and
 * heifheader.c, the plain-C format sniffing and PNG/GIF/BMP/TIFF/HEIF header
 * readers that see every
 * untrusted upload before leptonica does, and the HEVC SPS and AV1 sequence
 * header readers behind them (hvcC, av1C, item data).  Built with ASan and UBSan
 * (`make fuzz`), so an out-of-bounds read, a signed overflow or a shift past
 * the width is a finding, not just a crash.  See test/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/imgheader.h"

/* the default imgtrans.max_image_pixels and the GUC's extremes */
static const int64_t limits[] = {50000000, 1, INT32_MAX};

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ImgHeader	hdr;
	ImgHeaderStatus status = IMGHDR_INVALID;
	ImgFormat	format = img_sniff_format(data, size);
	size_t		i;

	/* every reader on every input: the sniffer is not their only guard */
	(void) img_parse_png(data, size, &hdr);
	(void) img_parse_gif(data, size, &hdr);
	(void) img_parse_bmp(data, size, &hdr);
	/*
	 * HEIF: its orientation must be one of the eight, its part and coded
	 * sides sane (a coded side below 2^32, the longest at least the largest
	 * frame's)
	 */
	if (img_parse_heif(data, size, &hdr) == IMGHDR_OK &&
		(hdr.orientation < 1 || hdr.orientation > 8 || hdr.part_width < 0 ||
		 hdr.part_height < 0 || hdr.coded_width < 0 || hdr.coded_height < 0 ||
		 hdr.coded_side > UINT32_MAX + (int64_t) 1 ||
		 hdr.coded_side < hdr.coded_width || hdr.coded_side < hdr.coded_height))
		abort();
	/* the hvcC and av1C readers on the raw bytes too (SPS, OBUs, bit reader) */
	memset(&hdr, 0, sizeof(hdr));
	if (img_hevc_config_size(data, size, &hdr) == IMGHDR_OK &&
		(hdr.coded_width > UINT32_MAX || hdr.coded_side < hdr.coded_width))
		abort();
	memset(&hdr, 0, sizeof(hdr));
	if (img_av1_config_size(data, size, &hdr) == IMGHDR_OK &&
		(hdr.coded_width > 65536 || hdr.coded_height > 65536))
		abort();
	hdr.xres = hdr.yres = 0;
	img_tiff_resolution(data, size, &hdr);
	/* the JPEG scan count stops one past its limit */
	if (img_jpeg_scans(data, size, 100) > 101)
		abort();
	/* the EXIF Orientation readers, each whatever the bytes are */
	for (i = IMG_UNKNOWN; i <= IMG_HEIF; i++)
	{
		int			o = img_exif_orientation(data, size, (ImgFormat) i);

		if (o < 1 || o > 8)
			__builtin_trap();
	}

	switch (format)
	{
		case IMG_PNG:
			status = img_parse_png(data, size, &hdr);
			break;
		case IMG_GIF:
			status = img_parse_gif(data, size, &hdr);
			break;
		case IMG_BMP:
			status = img_parse_bmp(data, size, &hdr);
			break;
		case IMG_HEIF:
			status = img_parse_heif(data, size, &hdr);
			break;
		default:
			break;
	}
	if (status == IMGHDR_OK)
	{
		/* what a header the parser accepts must satisfy */
		if (hdr.width <= 0 || hdr.height <= 0 || hdr.xres < 0 || hdr.yres < 0)
			abort();
		for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		{
			int			exceeds = img_pixels_exceed(hdr.width, hdr.height, limits[i]);

			/* cross-check against a product that cannot overflow */
			if (exceeds != ((__int128) hdr.width * hdr.height > limits[i]))
				abort();
		}
	}
	(void) img_format_name(format);
	return 0;
}
