/*-------------------------------------------------------------------------
 * imgheader.h
 *	  Format sniffing and header parsing for encoded images, in plain C.
 *
 * Nothing here allocates or decodes pixels, and nothing here depends on
 * PostgreSQL, leptonica or tesseract, so the unit tests in test/ link it
 * directly.  Callers turn the status codes into ereport()s.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_IMGHEADER_H
#define IMGTRANS_IMGHEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ImgFormat
{
	IMG_UNKNOWN = 0,
	IMG_PNG,
	IMG_JPEG,
	IMG_TIFF,
	IMG_WEBP,
	IMG_GIF,
	IMG_BMP,
	IMG_PNM,
	IMG_JP2,
	IMG_HEIF					/* HEIC, AVIF: ISOBMFF 'ftyp' with a HEIF brand */
} ImgFormat;

typedef struct ImgHeader
{
	ImgFormat	format;
	int64_t		width;
	int64_t		height;
	int			depth;			/* bits per pixel, 0 if unknown */
	int			xres;			/* pixels per inch, 0 if not recorded */
	int			yres;
	int			orientation;	/* EXIF Orientation 1..8; 1 when absent (HEIF:
								 * its irot/imir transforms as that value) */
	int64_t		part_width;		/* HEIF: the largest other image the file
								 * declares (grid tile, thumbnail, alpha); */
	int64_t		part_height;	/* 0 when none */
	int64_t		part_side;		/* HEIF: the longest side of any of those */
	int64_t		coded_width;	/* HEIF: the largest frame a codec stream */
	int64_t		coded_height;	/* declares (HEVC SPS, AV1 sequence header),
								 * 0 when none */
	int64_t		coded_side;		/* HEIF: the longest side of any of those */
} ImgHeader;

typedef enum ImgHeaderStatus
{
	IMGHDR_OK = 0,
	IMGHDR_TRUNCATED,			/* header ends before the fields we need */
	IMGHDR_INVALID,				/* fields present but impossible */
	IMGHDR_UNSUPPORTED			/* HEIF: the size a decoder would allocate
								 * cannot be read from the header */
} ImgHeaderStatus;

extern ImgFormat img_sniff_format(const uint8_t *data, size_t len);
extern const char *img_format_name(ImgFormat format);

/* Formats whose header this file parses itself. */
extern ImgHeaderStatus img_parse_png(const uint8_t *data, size_t len, ImgHeader *hdr);
extern ImgHeaderStatus img_parse_gif(const uint8_t *data, size_t len, ImgHeader *hdr);
extern ImgHeaderStatus img_parse_bmp(const uint8_t *data, size_t len, ImgHeader *hdr);
/* heifheader.c: the primary image's ispe, irot and imir, from the boxes */
extern ImgHeaderStatus img_parse_heif(const uint8_t *data, size_t len, ImgHeader *hdr);
extern bool img_is_heif_brand(const uint8_t *brand);

/*
 * heifheader.c: the coded frame size of an hvcC (its SPS NAL units) or an
 * av1C (a sequence header among its configOBUs) box body, noted into
 * hdr->coded_*.  IMGHDR_UNSUPPORTED: an hvcC without an SPS.
 */
extern ImgHeaderStatus img_hevc_config_size(const uint8_t *hvcc, size_t len, ImgHeader *hdr);
extern ImgHeaderStatus img_av1_config_size(const uint8_t *av1c, size_t len, ImgHeader *hdr);

static inline uint32_t
img_rd_be32(const uint8_t *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
		((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

/* Overflow-safe width * height > max_pixels, for any header's sizes. */
extern bool img_pixels_exceed(int64_t width, int64_t height, int64_t max_pixels);

/* Resolution fields only; leave hdr->xres/yres at 0 when absent. */
extern void img_tiff_resolution(const uint8_t *data, size_t len, ImgHeader *hdr);

/*
 * EXIF Orientation (1..8) of a JPEG (APP1 Exif), TIFF (IFD0), PNG (eXIf
 * chunk) or WebP (EXIF chunk); 1 when the file records none or an invalid
 * value.  Reads chunk and segment headers only, never pixel data.
 */
extern int	img_exif_orientation(const uint8_t *data, size_t len, ImgFormat format);
extern int	img_jpeg_scans(const uint8_t *data, size_t len, int stop_after);

#endif							/* IMGTRANS_IMGHEADER_H */
