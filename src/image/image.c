/*-------------------------------------------------------------------------
 * image.c
 *	  Image decoding with size limits checked from the header first.
 *
 * Every image passes through imgtrans_decode(): the byte limit is checked,
 * the header is read without touching pixel data (leptonica for formats
 * whose header it reads cheaply, imgheader.c for PNG, GIF and BMP), the
 * pixel and side limits are checked, and only then is the image decoded.
 * Leptonica's messages are captured rather than written to the server log,
 * and end up in the errdetail of the ERROR that follows a failed decode.
 * The decoded image is turned and mirrored as its EXIF Orientation says,
 * so every caller (OCR, preprocessing, rendering) sees the image the way a
 * browser shows it, and boxes are in those coordinates.  Never call a
 * leptonica reader anywhere else.  HEIF (HEIC, AVIF) is decoded by
 * imgtrans_heif.so (libheif), loaded on the first HEIF image; its header
 * is read here (heifheader.c) like every other, and its irot/imir
 * transforms are applied here like an EXIF orientation, exactly once.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "imgtrans.h"
#include "image/decoder.h"
#include "image/heifapi.h"
#include "image/lept.h"
#include "stats/stats.h"

static char lept_error[256];

static void
lept_error_capture(const char *msg)
{
	size_t		n;

	if (lept_error[0] != '\0')
		return;					/* keep the first, most specific message */
	strlcpy(lept_error, msg, sizeof(lept_error));
	n = strlen(lept_error);
	while (n > 0 && (lept_error[n - 1] == '\n' || lept_error[n - 1] == ' '))
		lept_error[--n] = '\0';
}

void
imgtrans_image_init(void)
{
	leptSetStderrHandler(lept_error_capture);
}

/* Forgets leptonica's last message, before a call whose failure is reported. */
void
imgtrans_lept_error_clear(void)
{
	lept_error[0] = '\0';
}

/* leptonica's first message since the last clear, or "" (decoder.c sends it back) */
const char *
imgtrans_lept_error_text(void)
{
	return lept_error;
}

/* Keeps msg as leptonica's message (the image decoder's, decoder.c). */
void
imgtrans_lept_error_set(const char *msg)
{
	lept_error[0] = '\0';
	lept_error_capture(msg);
}

/* errdetail() with leptonica's first message since the last clear, if any. */
int
imgtrans_lept_errdetail(void)
{
	if (lept_error[0] != '\0')
		return errdetail("leptonica: %s", lept_error);
	return 0;
}

static void
report_bad_header(ImgHeaderStatus status, ImgFormat format)
{
	if (status == IMGHDR_UNSUPPORTED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s image does not declare its coded size in its header",
						img_format_name(format)),
				 errdetail("Its HEVC configuration (hvcC) has no sequence parameter set, or its item tables are too large to check."),
				 errhint("Convert the image with a common encoder (an iPhone, libheif's heif-enc) or to JPEG or PNG.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("%s image header is %s", img_format_name(format),
					status == IMGHDR_TRUNCATED ? "truncated" : "invalid"),
			 imgtrans_lept_errdetail(),
			 errhint("Pass the complete, unmodified image file as bytea.")));
}

/*
 * Header fields from leptonica, for formats it reads without decoding; in
 * the image decoder process (decoder.c), as libjpeg and libtiff parse them.
 */
static ImgHeaderStatus
read_header_lept(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	if (!imgtrans_decoder_header(data, len, hdr->format, hdr))
		return IMGHDR_INVALID;
	if (hdr->format == IMG_TIFF)
		img_tiff_resolution(data, len, hdr);
	return IMGHDR_OK;
}

void
imgtrans_read_header(const bytea *image, ImgHeader *hdr)
{
	const uint8_t *data = (const uint8_t *) VARDATA_ANY(image);
	size_t		len = VARSIZE_ANY_EXHDR(image);
	ImgFormat	format;
	ImgHeaderStatus status;

	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("image is empty"),
				 errhint("Pass the bytes of a PNG, JPEG, TIFF, WebP, HEIC, GIF, BMP or PNM file.")));
	if (len > (size_t) imgtrans_max_image_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("image is %zu bytes, more than imgtrans.max_image_bytes (%d)",
						len, imgtrans_max_image_bytes),
				 errhint("Scale the image down, or ask a superuser to raise imgtrans.max_image_bytes.")));

	format = img_sniff_format(data, len);
	memset(hdr, 0, sizeof(*hdr));
	hdr->format = format;
	imgtrans_lept_error_clear();
	switch (format)
	{
		case IMG_UNKNOWN:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("data is not an image in a supported format"),
					 errdetail("The first bytes match none of PNG, JPEG, TIFF, WebP, HEIF, GIF, BMP, PNM or JPEG 2000."),
					 errhint("Pass the bytes of an image file, e.g. pg_read_binary_file() or a bytea column.")));
			break;
		case IMG_PNG:
			status = img_parse_png(data, len, hdr);
			break;
		case IMG_GIF:
			status = img_parse_gif(data, len, hdr);
			break;
		case IMG_BMP:
			status = img_parse_bmp(data, len, hdr);
			break;
		case IMG_HEIF:
			/* orientation from its irot/imir boxes, never from Exif */
			status = img_parse_heif(data, len, hdr);
			break;
		default:
			status = read_header_lept(data, len, hdr);
			break;
	}
	if (status != IMGHDR_OK)
		report_bad_header(status, format);
	if (format != IMG_HEIF)
		hdr->orientation = img_exif_orientation(data, len, format);
}

/*
 * The image as displayed for EXIF Orientation o (1..8): 2 mirrored left to
 * right, 3 turned 180 degrees, 4 mirrored top to bottom, 5 transposed, 6
 * turned 90 degrees clockwise, 7 transversed, 8 turned 90 degrees
 * counter-clockwise.  Takes ownership of pix; NULL if leptonica failed.
 */
static PIX *
orient_as_displayed(PIX *pix, int o)
{
	PIX		   *out;

	switch (o)
	{
		case 2:
			out = pixFlipLR(NULL, pix);
			break;
		case 3:
			out = pixRotateOrth(pix, 2);
			break;
		case 4:
			out = pixFlipTB(NULL, pix);
			break;
		case 5:
		case 7:
			out = pixRotateOrth(pix, 1);
			if (out)
				out = o == 5 ? pixFlipLR(out, out) : pixFlipTB(out, out);
			break;
		case 6:
			out = pixRotateOrth(pix, 1);
			break;
		case 8:
			out = pixRotateOrth(pix, 3);
			break;
		default:
			return pix;
	}
	pixDestroy(&pix);
	return out;
}

void
imgtrans_check_limits(int64 width, int64 height)
{
	if (img_pixels_exceed(width, height, imgtrans_max_image_pixels))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("image of %lld x %lld pixels exceeds imgtrans.max_image_pixels (%d)",
						(long long) width, (long long) height, imgtrans_max_image_pixels),
				 errhint("Scale the image down, or ask a superuser to raise imgtrans.max_image_pixels.")));
	if (width > TESSERACT_MAX_SIDE || height > TESSERACT_MAX_SIDE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("image of %lld x %lld pixels has a side longer than %d pixels",
						(long long) width, (long long) height, TESSERACT_MAX_SIDE),
				 errhint("Tesseract cannot process sides over %d pixels; split or scale the image.",
						 TESSERACT_MAX_SIDE)));
}

/* The largest of some HEIF images (w x h) or their longest side is over the limits. */
static bool
heif_size_exceeds(int64 w, int64 h, int64 side)
{
	return img_pixels_exceed(w, h, imgtrans_max_image_pixels) || side > TESSERACT_MAX_SIDE;
}

/*
 * A HEIF file decodes its grid tiles (and may hold thumbnails) one by one,
 * each as large as its own header says: none may exceed the limits either.
 */
static void
check_heif_parts(const ImgHeader *hdr)
{
	if (heif_size_exceeds(hdr->part_width, hdr->part_height, hdr->part_side))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("heif image declares a part (grid tile or thumbnail) of %lld x %lld pixels (longest side of any part %lld), over imgtrans.max_image_pixels (%d) or %d pixels a side",
						(long long) hdr->part_width, (long long) hdr->part_height,
						(long long) hdr->part_side, imgtrans_max_image_pixels, TESSERACT_MAX_SIDE),
				 errhint("Convert the image to JPEG or PNG at a smaller size, or ask a superuser to raise imgtrans.max_image_pixels.")));
}

/*
 * The decoders (libde265, dav1d) allocate the frame the codec stream
 * declares, whatever ispe says: the largest one may not exceed the limits
 * either.  It is a little larger than ispe in honest files (HEVC codes
 * whole 8x8 blocks and crops them).
 */
static void
check_heif_coded(const ImgHeader *hdr)
{
	if (heif_size_exceeds(hdr->coded_width, hdr->coded_height, hdr->coded_side))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("heif image codes a frame of %lld x %lld pixels (longest side %lld), over imgtrans.max_image_pixels (%d) or %d pixels a side",
						(long long) hdr->coded_width, (long long) hdr->coded_height,
						(long long) hdr->coded_side, imgtrans_max_image_pixels,
						TESSERACT_MAX_SIDE),
				 errdetail("The size is its HEVC sequence parameter set's or AV1 sequence header's, which the decoder allocates."),
				 errhint("Convert the image to JPEG or PNG at a smaller size, or ask a superuser to raise imgtrans.max_image_pixels.")));
}

/* The HEIF decoder of imgtrans_heif.so, loaded on the first HEIF image. */
static PIX *
heif_decode(const uint8_t *data, size_t len, int64 max_width, int64 max_height, int *width, int *height)
{
	static HeifDecodeFn fn = NULL;

	if (fn == NULL)
		fn = (HeifDecodeFn) load_external_function(HEIF_LIBRARY, HEIF_DECODE_SYMBOL, true, NULL);
	return fn(data, len, max_width, max_height, width, height);
}

/*
 * The most scans a JPEG may have.  libjpeg decodes every scan of a
 * progressive JPEG over the whole image and cannot be interrupted, so a
 * 1.2 MB file of 20,000 tiny scans held a backend for 48 s, deaf to
 * statement_timeout; 100 scans of a 50-megapixel image cost under a
 * second.  Encoders write about ten (cjpeg's scan scripts stop at 100).
 */
#define JPEG_MAX_SCANS		100

/*
 * Decodes an image after the header checks.  The caller owns the result
 * and must pixDestroy() it on every path.
 */
struct Pix *
imgtrans_decode(const bytea *image, ImgHeader *hdr)
{
	const uint8_t *data = (const uint8_t *) VARDATA_ANY(image);
	size_t		len = VARSIZE_ANY_EXHDR(image);
	PIX		   *pix;
	bool		lept_oriented,
				turned;
	int			w,
				h;

	imgtrans_read_header(image, hdr);
	imgtrans_check_limits(hdr->width, hdr->height);
	check_heif_parts(hdr);
	check_heif_coded(hdr);
	if (hdr->format == IMG_JPEG && img_jpeg_scans(data, len, JPEG_MAX_SCANS) > JPEG_MAX_SCANS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("JPEG image has more than %d scans", JPEG_MAX_SCANS),
				 errdetail("libjpeg decodes each scan of a progressive JPEG over the whole image; encoders write about ten."),
				 errhint("Re-encode the image, e.g. with jpegtran -optimize or -progressive.")));

	/*
	 * leptonica's TIFF reader applies the Orientation tag itself; for the
	 * other formats it is applied below
	 */
	lept_oriented = hdr->format == IMG_TIFF;
	turned = lept_oriented && hdr->orientation >= 5;
	imgtrans_lept_error_clear();
	w = h = 0;
	if (hdr->format == IMG_HEIF)	/* stored orientation; ERROR if it fails */
		pix = heif_decode(data, len, hdr->width, hdr->height, &w, &h);
	else
		pix = imgtrans_decoder_read(data, len, hdr->format, -1,
									turned ? hdr->height : hdr->width,
									turned ? hdr->width : hdr->height, &w, &h);
	if (pix == NULL && w > 0)
	{
		/* the header lied; never hand tesseract more than was checked */
		imgtrans_check_limits(w, h);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("%s image decodes to %d x %d pixels but its header declares %lld x %lld",
						img_format_name(hdr->format), w, h,
						(long long) hdr->width, (long long) hdr->height)));
	}
	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not decode %s image: the data is truncated or corrupt",
						img_format_name(hdr->format)),
				 imgtrans_lept_errdetail(),
				 errhint("Pass the complete, unmodified image file as bytea.")));
	if (hdr->orientation != 1 && !lept_oriented)
	{
		pix = orient_as_displayed(pix, hdr->orientation);
		if (pix == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("could not apply EXIF orientation %d to the %s image",
							hdr->orientation, img_format_name(hdr->format)),
					 imgtrans_lept_errdetail()));
	}
	imgtrans_stats_page(pixGetWidth(pix), pixGetHeight(pix));
	return pix;
}

IMGTRANS_COUNTED(imgtrans_image_info, "imgtrans_image_info", image_info)

/*
 * imgtrans_image_info(image bytea) returns (format, width, height, depth,
 * xres, yres, orientation) from the header alone; resolution is NULL when
 * not recorded.  Width and height are as displayed (swapped for EXIF
 * orientations 5..8, which turn the stored image by 90 degrees), the size
 * every other function's boxes refer to.
 */
static Datum
image_info(PG_FUNCTION_ARGS)
{
	bytea	   *image = PG_GETARG_BYTEA_PP(0);
	ImgHeader	hdr;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false};
	bool		turned;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	imgtrans_read_header(image, &hdr);
	turned = hdr.orientation >= 5;

	values[0] = CStringGetTextDatum(img_format_name(hdr.format));
	values[1] = Int64GetDatum(turned ? hdr.height : hdr.width);
	values[2] = Int64GetDatum(turned ? hdr.width : hdr.height);
	values[3] = Int32GetDatum(hdr.depth);
	values[4] = Int32GetDatum(turned ? hdr.yres : hdr.xres);
	values[5] = Int32GetDatum(turned ? hdr.xres : hdr.yres);
	values[6] = Int32GetDatum(hdr.orientation);
	nulls[3] = hdr.depth <= 0;
	nulls[4] = nulls[5] = hdr.xres <= 0 || hdr.yres <= 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
