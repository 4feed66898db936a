/*-------------------------------------------------------------------------
 * imgheader.c
 *	  Recognise an encoded image's format and read its header fields.
 *
 * Leptonica 1.82 answers pixReadHeaderMem() for GIF and BMP by decoding the
 * whole image, which defeats a size check made before decoding.  So PNG,
 * GIF and BMP headers are read here, byte by byte, without allocating.
 * Every read is bounds-checked against len: input is untrusted.
 *-------------------------------------------------------------------------
 */
#include "image/imgheader.h"

#include <string.h>

#define rd_be32 img_rd_be32

static uint32_t
rd_le32(const uint8_t *p)
{
	return ((uint32_t) p[3] << 24) | ((uint32_t) p[2] << 16) |
		((uint32_t) p[1] << 8) | (uint32_t) p[0];
}

static uint16_t
rd_le16(const uint8_t *p)
{
	return (uint16_t) (p[0] | (p[1] << 8));
}

static int
has_prefix(const uint8_t *data, size_t len, const char *magic, size_t mlen)
{
	return len >= mlen && memcmp(data, magic, mlen) == 0;
}

ImgFormat
img_sniff_format(const uint8_t *data, size_t len)
{
	if (has_prefix(data, len, "\x89PNG\r\n\x1a\n", 8))
		return IMG_PNG;
	if (has_prefix(data, len, "\xff\xd8\xff", 3))
		return IMG_JPEG;
	if (has_prefix(data, len, "II*\0", 4) || has_prefix(data, len, "MM\0*", 4))
		return IMG_TIFF;
	if (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)
		return IMG_WEBP;
	if (has_prefix(data, len, "GIF87a", 6) || has_prefix(data, len, "GIF89a", 6))
		return IMG_GIF;
	if (has_prefix(data, len, "BM", 2) && len >= 14)
		return IMG_BMP;
	if (len >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6' &&
		(data[2] == ' ' || data[2] == '\t' || data[2] == '\n' || data[2] == '\r'))
		return IMG_PNM;
	if (has_prefix(data, len, "\0\0\0\x0cjP  \r\n\x87\n", 12) ||
		has_prefix(data, len, "\xff\x4f\xff\x51", 4))
		return IMG_JP2;
	/* ISOBMFF: a first box 'ftyp' whose major brand is a HEIF one */
	if (len >= 12 && memcmp(data + 4, "ftyp", 4) == 0 && img_is_heif_brand(data + 8))
		return IMG_HEIF;
	return IMG_UNKNOWN;
}

const char *
img_format_name(ImgFormat format)
{
	switch (format)
	{
		case IMG_PNG:
			return "png";
		case IMG_JPEG:
			return "jpeg";
		case IMG_TIFF:
			return "tiff";
		case IMG_WEBP:
			return "webp";
		case IMG_GIF:
			return "gif";
		case IMG_BMP:
			return "bmp";
		case IMG_PNM:
			return "pnm";
		case IMG_JP2:
			return "jp2";
		case IMG_HEIF:
			return "heif";
		case IMG_UNKNOWN:
			break;
	}
	return "unknown";
}

/*
 * Pixels per metre to pixels per inch, rounded to the nearest.  In 64 bits:
 * a 32-bit field times 254 does not fit in 32 (20,000,000 px/m is 508,000
 * dpi, not the 78,503 a uint32 product wraps to).  Negative or absurd
 * values (over INT32_MAX dpi, impossible from a 32-bit field) give 0.
 */
static int
ppm_to_dpi(int64_t ppm)
{
	int64_t		dpi;

	if (ppm <= 0)
		return 0;
	dpi = (ppm * 254 + 5000) / 10000;
	return dpi <= INT32_MAX ? (int) dpi : 0;
}

/*
 * True if width x height exceeds max_pixels, without computing the product
 * (two 32-bit header fields can multiply past INT64_MAX).  A non-positive
 * side never exceeds; the header parsers refuse those as invalid.
 */
bool
img_pixels_exceed(int64_t width, int64_t height, int64_t max_pixels)
{
	if (width <= 0 || height <= 0)
		return false;
	if (max_pixels < 0)
		return true;
	return width > max_pixels / height;
}

/* Resolution from a PNG pHYs chunk, if one precedes the image data. */
static void
png_read_phys(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	size_t		pos = 8;

	while (pos + 8 <= len)
	{
		uint32_t	clen = rd_be32(data + pos);
		const uint8_t *type = data + pos + 4;

		if (clen > len - pos - 8)
			return;
		if (memcmp(type, "IDAT", 4) == 0 || memcmp(type, "IEND", 4) == 0)
			return;
		if (memcmp(type, "pHYs", 4) == 0 && clen >= 9 && data[pos + 16] == 1)
		{
			/* unit 1 = metre; round to the nearest pixel per inch */
			hdr->xres = ppm_to_dpi(rd_be32(data + pos + 8));
			hdr->yres = ppm_to_dpi(rd_be32(data + pos + 12));
			return;
		}
		pos += (size_t) clen + 12;
	}
}

ImgHeaderStatus
img_parse_png(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	static const int channels[7] = {1, 0, 3, 1, 2, 0, 4};
	int			bitdepth,
				colortype;

	memset(hdr, 0, sizeof(*hdr));
	hdr->format = IMG_PNG;
	if (len < 33)
		return IMGHDR_TRUNCATED;
	if (memcmp(data + 12, "IHDR", 4) != 0)
		return IMGHDR_INVALID;
	hdr->width = rd_be32(data + 16);
	hdr->height = rd_be32(data + 20);
	bitdepth = data[24];
	colortype = data[25];
	if (colortype > 6 || channels[colortype] == 0)
		return IMGHDR_INVALID;
	hdr->depth = colortype == 3 ? bitdepth : bitdepth * channels[colortype];
	png_read_phys(data, len, hdr);
	return (hdr->width == 0 || hdr->height == 0) ? IMGHDR_INVALID : IMGHDR_OK;
}

/*
 * GIF: the logical screen gives the canvas; frames may not exceed it in
 * leptonica (it reads the first frame), but a hostile file can declare a
 * first frame larger than the screen.  Report the larger of the two.
 */
ImgHeaderStatus
img_parse_gif(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	size_t		pos;
	uint8_t		flags;

	memset(hdr, 0, sizeof(*hdr));
	hdr->format = IMG_GIF;
	if (len < 13)
		return IMGHDR_TRUNCATED;
	hdr->width = rd_le16(data + 6);
	hdr->height = rd_le16(data + 8);
	flags = data[10];
	hdr->depth = (flags & 0x07) + 1;
	pos = 13;
	if (flags & 0x80)
		pos += (size_t) 3 << ((flags & 0x07) + 1);

	/* skip extension blocks until the first image descriptor */
	while (pos < len && data[pos] == 0x21)
	{
		pos += 2;
		while (pos < len && data[pos] != 0)
			pos += (size_t) data[pos] + 1;
		pos++;
	}
	if (pos + 10 <= len && data[pos] == 0x2c)
	{
		int64_t		fw = rd_le16(data + pos + 1) + (int64_t) rd_le16(data + pos + 5);
		int64_t		fh = rd_le16(data + pos + 3) + (int64_t) rd_le16(data + pos + 7);

		if (fw > hdr->width)
			hdr->width = fw;
		if (fh > hdr->height)
			hdr->height = fh;
	}
	return (hdr->width == 0 || hdr->height == 0) ? IMGHDR_INVALID : IMGHDR_OK;
}

ImgHeaderStatus
img_parse_bmp(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	uint32_t	infosize;
	int32_t		w,
				h;

	memset(hdr, 0, sizeof(*hdr));
	hdr->format = IMG_BMP;
	if (len < 26)
		return IMGHDR_TRUNCATED;
	infosize = rd_le32(data + 14);
	if (infosize == 12)
	{
		/* OS/2 BITMAPCOREHEADER: 16-bit sizes */
		hdr->width = rd_le16(data + 18);
		hdr->height = rd_le16(data + 20);
		hdr->depth = rd_le16(data + 24);
	}
	else
	{
		if (infosize < 40)
			return IMGHDR_INVALID;
		if (len < 54)
			return IMGHDR_TRUNCATED;
		w = (int32_t) rd_le32(data + 18);
		h = (int32_t) rd_le32(data + 22);
		/* negative height means top-down rows; negative width is invalid */
		if (w <= 0 || h == 0 || h == INT32_MIN)
			return IMGHDR_INVALID;
		hdr->width = w;
		hdr->height = h < 0 ? -(int64_t) h : h;
		hdr->depth = rd_le16(data + 28);
		/* pixels per metre to pixels per inch */
		hdr->xres = ppm_to_dpi((int32_t) rd_le32(data + 38));
		hdr->yres = ppm_to_dpi((int32_t) rd_le32(data + 42));
	}
	return (hdr->width == 0 || hdr->height == 0) ? IMGHDR_INVALID : IMGHDR_OK;
}

/* Reads a 16- or 32-bit TIFF field in the file's byte order. */
static uint32_t
tiff_rd(const uint8_t *p, int big, int size)
{
	if (size == 2)
		return big ? (uint32_t) ((p[0] << 8) | p[1]) : rd_le16(p);
	return big ? rd_be32(p) : rd_le32(p);
}

/* XResolution/YResolution (RATIONAL) and ResolutionUnit of the first IFD. */
void
img_tiff_resolution(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	int			big;
	uint32_t	ifd,
				n,
				i;
	double		res[2] = {0, 0};
	int			unit = 2;		/* inch, TIFF's default */

	if (len < 8)
		return;
	big = data[0] == 'M';
	ifd = tiff_rd(data + 4, big, 4);
	if (ifd > len - 2 || ifd < 8)
		return;
	n = tiff_rd(data + ifd, big, 2);
	for (i = 0; i < n && ifd + 2 + (size_t) (i + 1) * 12 <= len; i++)
	{
		const uint8_t *e = data + ifd + 2 + (size_t) i * 12;
		uint32_t	tag = tiff_rd(e, big, 2);
		uint32_t	type = tiff_rd(e + 2, big, 2);

		if ((tag == 282 || tag == 283) && type == 5)
		{
			uint32_t	off = tiff_rd(e + 8, big, 4);
			uint32_t	den;

			if (off > len - 8)
				continue;
			den = tiff_rd(data + off + 4, big, 4);
			if (den != 0)
				res[tag - 282] = (double) tiff_rd(data + off, big, 4) / den;
		}
		else if (tag == 296 && type == 3)
			unit = (int) tiff_rd(e + 8, big, 2);
	}
	if (unit == 3)
	{
		res[0] *= 2.54;
		res[1] *= 2.54;
	}
	else if (unit != 2)
		return;
	if (res[0] > 0 && res[0] < 1e6 && res[1] > 0 && res[1] < 1e6)
	{
		hdr->xres = (int) (res[0] + 0.5);
		hdr->yres = (int) (res[1] + 0.5);
	}
}

/* Orientation (tag 274, SHORT) in IFD0 of a TIFF structure, or 0. */
static int
tiff_orientation(const uint8_t *t, size_t len)
{
	int			big;
	uint32_t	ifd,
				n,
				i;

	if (len < 8 || !(memcmp(t, "II*\0", 4) == 0 || memcmp(t, "MM\0*", 4) == 0))
		return 0;
	big = t[0] == 'M';
	ifd = tiff_rd(t + 4, big, 4);
	if (ifd < 8 || ifd > len - 2)
		return 0;
	n = tiff_rd(t + ifd, big, 2);
	for (i = 0; i < n && ifd + 2 + (size_t) (i + 1) * 12 <= len; i++)
	{
		const uint8_t *e = t + ifd + 2 + (size_t) i * 12;

		if (tiff_rd(e, big, 2) == 274 && tiff_rd(e + 2, big, 2) == 3)
			return (int) tiff_rd(e + 8, big, 2);
	}
	return 0;
}

/* A TIFF structure, after an optional "Exif\0\0" prefix. */
static int
exif_orientation(const uint8_t *p, size_t len)
{
	if (len >= 6 && memcmp(p, "Exif\0\0", 6) == 0)
		return tiff_orientation(p + 6, len - 6);
	return tiff_orientation(p, len);
}

/* APP1 "Exif" segment before the first scan. */
static int
jpeg_orientation(const uint8_t *data, size_t len)
{
	size_t		pos = 2;

	while (pos + 4 <= len)
	{
		uint8_t		marker;
		size_t		seglen;

		if (data[pos] != 0xff)
			return 0;
		marker = data[pos + 1];
		if (marker == 0xff)
		{
			pos++;				/* fill byte */
			continue;
		}
		if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
		{
			pos += 2;
			continue;
		}
		if (marker == 0xda || marker == 0xd9)
			return 0;
		seglen = ((size_t) data[pos + 2] << 8) | data[pos + 3];
		if (seglen < 2 || seglen > len - pos - 2)
			return 0;
		if (marker == 0xe1 && seglen >= 8 && memcmp(data + pos + 4, "Exif\0\0", 6) == 0)
			return tiff_orientation(data + pos + 10, seglen - 8);
		pos += 2 + seglen;
	}
	return 0;
}

/*
 * The scans (SOS segments) of a JPEG, counted up to stop_after + 1: a
 * walk of the marker segments that skips each scan's entropy-coded data
 * (to the next marker that is not a stuffed 0xFF00 or a restart).  A
 * progressive JPEG has about ten; libjpeg decodes every scan over the
 * whole image, so thousands of tiny scans in a small file cost minutes
 * (img_jpeg_scans() is asked before anything is decoded).  Damaged data
 * ends the walk: the decoder reports it.
 */
int
img_jpeg_scans(const uint8_t *data, size_t len, int stop_after)
{
	size_t		pos = 2;
	int			scans = 0;

	while (pos + 2 <= len && scans <= stop_after)
	{
		uint8_t		marker;
		size_t		seglen;

		if (data[pos] != 0xff)
			break;
		marker = data[pos + 1];
		if (marker == 0xff)
		{
			pos++;				/* fill byte */
			continue;
		}
		if (marker == 0xd9)
			break;				/* EOI */
		if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
		{
			pos += 2;
			continue;
		}
		if (pos + 4 > len)
			break;
		seglen = ((size_t) data[pos + 2] << 8) | data[pos + 3];
		if (seglen < 2 || seglen > len - pos - 2)
			break;
		pos += 2 + seglen;
		if (marker != 0xda)
			continue;
		scans++;
		/* the entropy-coded data: to the next real marker */
		while (pos + 1 < len)
		{
			const uint8_t *ff = memchr(data + pos, 0xff, len - pos - 1);

			if (ff == NULL)
				return scans;
			pos = ff - data;
			if (data[pos + 1] != 0x00 && !(data[pos + 1] >= 0xd0 && data[pos + 1] <= 0xd7) &&
				data[pos + 1] != 0xff)
				break;
			pos += data[pos + 1] == 0xff ? 1 : 2;
		}
	}
	return scans;
}

/* eXIf chunk, anywhere before IEND (chunk headers only). */
static int
png_orientation(const uint8_t *data, size_t len)
{
	size_t		pos = 8;

	while (pos + 8 <= len)
	{
		uint32_t	clen = rd_be32(data + pos);
		const uint8_t *type = data + pos + 4;

		if (clen > len - pos - 8 || memcmp(type, "IEND", 4) == 0)
			return 0;
		if (memcmp(type, "eXIf", 4) == 0)
			return exif_orientation(data + pos + 8, clen);
		pos += (size_t) clen + 12;
	}
	return 0;
}

/* RIFF "EXIF" chunk of an extended WebP (chunk headers only). */
static int
webp_orientation(const uint8_t *data, size_t len)
{
	size_t		pos = 12;

	while (pos + 8 <= len)
	{
		uint32_t	clen = rd_le32(data + pos + 4);

		if (clen > len - pos - 8)
			return 0;
		if (memcmp(data + pos, "EXIF", 4) == 0)
			return exif_orientation(data + pos + 8, clen);
		pos += 8 + (size_t) clen + (clen & 1);
	}
	return 0;
}

int
img_exif_orientation(const uint8_t *data, size_t len, ImgFormat format)
{
	int			o = 0;

	switch (format)
	{
		case IMG_JPEG:
			o = jpeg_orientation(data, len);
			break;
		case IMG_TIFF:
			o = tiff_orientation(data, len);
			break;
		case IMG_PNG:
			o = png_orientation(data, len);
			break;
		case IMG_WEBP:
			o = webp_orientation(data, len);
			break;
		default:
			break;
	}
	return (o >= 1 && o <= 8) ? o : 1;
}
