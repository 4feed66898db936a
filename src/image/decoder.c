/*-------------------------------------------------------------------------
 * decoder.c
 *	  The image decoder: leptonica's readers (libpng, libjpeg, libtiff,
 *	  libwebp, giflib, openjpeg) in a child process of the backend.
 *
 * What it is for: reading the header of a JPEG, TIFF, WebP, PNM or JPEG
 * 2000 file (image.c parses PNG, GIF, BMP and HEIF headers itself) and
 * decoding any image but HEIF (heifdec.c) or one page of a multi-page TIFF
 * (document.c) into a leptonica Pix, after image.c has checked the header
 * against the limits.
 *
 * Those libraries parse hostile bytes in C and cannot be interrupted: a
 * crash in one of them would be a server restart, and decoding a
 * 50-megapixel PNG holds the caller for a second, deaf to
 * statement_timeout.  So they never decode in the backend: on its first
 * image the backend forks a decoder (src/util/subproc.c: killed on any
 * interrupt, no shared memory of the server, its own address-space
 * limit, replaced after DEC_MAX_REQUESTS files) and sends it each file;
 * it answers with the header fields or the Pix's raster, through a sealed
 * shared buffer (the pipe when there is none), or with leptonica's
 * message.  A crash in a library is an ERROR of that call.
 *
 * Never: in the decoder, call PostgreSQL code, raise, or write to stderr;
 * in the backend, allocate a Pix before its size was checked against what
 * the caller expects (the header's), or trust any length or field the
 * decoder sends.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "imgtrans.h"
#include "image/decanswer.h"
#include "image/decoder.h"
#include "image/lept.h"
#include "util/subproc.h"

/* requests */
#define DEC_HEADER		1		/* pixReadHeaderMem (+ the JPEG's resolution) */
#define DEC_IMAGE		2		/* pixReadMem */
#define DEC_TIFF_PAGE	3		/* pixReadMemFromMultipageTiff at offset */

/* answers */
#define DEC_OK			0		/* DecHeader, or DecPix [+ colormap] [+ raster] */
#define DEC_FAILED		1		/* payload: leptonica's first message, if any */

/* replaced after this many files; its memory is its own */
#define DEC_MAX_REQUESTS	10000
#define DEC_MEMORY_BUDGET	((uint64) 4 << 30)

/*
 * Rasters of at least DEC_SHM_DIRECT bytes are decoded straight into the
 * shared buffer.  Its pages stay between the calls of a transaction (a
 * fresh page costs more than the copy) and at its end all but the first
 * DEC_SHM_KEEP bytes are given back; the decoder keeps as much of freed
 * heap.
 */
#define DEC_SHM_DIRECT		((size_t) 64 << 10)
#define DEC_SHM_KEEP		((size_t) 16 << 20)

typedef struct DecRequest
{
	uint32		kind;
	uint32		shm;			/* the raster may go into the shared buffer */
	uint32		jpeg;			/* DEC_HEADER: also read the JPEG's resolution */
	uint32		unused;
	uint64		offset;			/* DEC_TIFF_PAGE: the page's directory */
	uint64		len;			/* bytes of the file that follow */
} DecRequest;

typedef struct DecHeader
{
	int32		width;
	int32		height;
	int32		bps;
	int32		spp;
	int32		xres;			/* 0: not recorded */
	int32		yres;
} DecHeader;


static void dec_serve(int req, int resp);
static void dec_lost(SubProc *sp, int status, int context);

static SubProc decoder = {
	.name = "image decoder",
	.title = "imgtrans decode",
	.max_requests = DEC_MAX_REQUESTS,
	.memory_budget = DEC_MEMORY_BUDGET,
	.serve = dec_serve,
	.lost = dec_lost,
	.shm_name = "imgtrans-decoded-image",
};

/*
 * Faults in the pages of [p, p + len) at once (MADV_POPULATE_*, Linux 5.14):
 * on a virtual machine a page fault costs microseconds, and a 12-megapixel
 * raster is 12,000 pages on each side.  Only a hint: on an older kernel
 * the pages fault in one by one as before.
 */
static void
populate(const void *p, size_t len, bool write)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t	start = TYPEALIGN(4096, (uintptr_t) p);
	uintptr_t	end = TYPEALIGN_DOWN(4096, (uintptr_t) p + len);

	if (end > start)
		(void) madvise((void *) start, end - start, write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
#endif
}

/* ---- in the decoder ---- */

/*
 * The decoder's own writable mapping (never the backend's variables above:
 * a decoder forked later inherits the backend's read-only mapping)
 */
static char *dec_map = NULL;
static size_t dec_mapped = 0;
static bool dec_shm = false;	/* this request may use it */
static bool dec_shm_used = false;	/* a Pix's raster is in it */

/*
 * leptonica's allocator for rasters, in the decoder: a large raster is put
 * straight into the shared buffer when it is free, so the decoded image
 * (usually the only large raster) is never copied there; the rest is
 * malloc's.
 */
static void *
dec_raster_alloc(size_t size)
{
	if (dec_shm && !dec_shm_used && size >= DEC_SHM_DIRECT &&
		subproc_shm_map(SUBPROC_KEEP_FD, &dec_map, &dec_mapped, size, true, PROT_READ | PROT_WRITE))
	{
		dec_shm_used = true;
		populate(dec_map, size, true);
		return dec_map;
	}
	return malloc(size);
}

static void
dec_raster_free(void *p)
{
	if (p != NULL && p == (void *) dec_map && dec_shm_used)
		dec_shm_used = false;
	else
		free(p);
}

/* leptonica's first message since the request began (image.c's handler, inherited) */
static void
reply_failed(int fd)
{
	const char *msg = imgtrans_lept_error_text();

	subproc_reply(fd, DEC_FAILED, msg, strlen(msg));
}

static void
reply_header(int fd, const DecRequest *rq, const uint8_t *data)
{
	DecHeader	a = {0};
	l_int32		fmt,
				w,
				h,
				bps,
				spp,
				iscmap,
				xres = 0,
				yres = 0;

	/* leptonica 1.82 can answer 0 with no size, after its message (a bad WebP) */
	if (pixReadHeaderMem(data, rq->len, &fmt, &w, &h, &bps, &spp, &iscmap) != 0 || w <= 0 || h <= 0)
	{
		reply_failed(fd);
		return;
	}
	if (rq->jpeg && readResolutionMemJpeg(data, rq->len, &xres, &yres) != 0)
		xres = yres = 0;
	a.width = w;
	a.height = h;
	a.bps = bps;
	a.spp = spp;
	a.xres = xres;
	a.yres = yres;
	subproc_reply(fd, DEC_OK, &a, sizeof(a));
}

/*
 * Answers code with pix: a DecPix (src/image/decanswer.h), its colormap,
 * and its raster in the shared buffer (no copy when it was decoded there,
 * see dec_raster_alloc) or, without a buffer, after them.  Shared by the
 * HEIF decoder (heifdec.c).
 */
void
imgtrans_decoder_reply_pix(int fd, uint32 code, PIX *pix)
{
	DecPix		a = {0};
	PIXCMAP    *cmap = pixGetColormap(pix);
	uint8_t		colors[256 * 4];
	size_t		raster;
	size_t		ncol;
	SubProcHeader hd = {0};
	l_int32		xres,
				yres;
	int			i;

	a.width = pixGetWidth(pix);
	a.height = pixGetHeight(pix);
	a.depth = pixGetDepth(pix);
	a.spp = pixGetSpp(pix);
	a.wpl = pixGetWpl(pix);
	pixGetResolution(pix, &xres, &yres);
	a.xres = xres;
	a.yres = yres;
	a.ncolors = cmap ? Min(pixcmapGetCount(cmap), 256) : 0;
	for (i = 0; i < a.ncolors; i++)
	{
		l_int32		r = 0,
					g = 0,
					b = 0,
					al = 255;

		pixcmapGetRGBA(cmap, i, &r, &g, &b, &al);
		colors[4 * i] = r;
		colors[4 * i + 1] = g;
		colors[4 * i + 2] = b;
		colors[4 * i + 3] = al;
	}
	ncol = (size_t) a.ncolors * 4;
	raster = (size_t) a.height * a.wpl * 4;
	if (dec_shm_used && (char *) pixGetData(pix) == dec_map)
	{
		/* decoded straight into the buffer */
		a.in_shm = 1;
		subproc_reply2(fd, code, &a, sizeof(a), colors, ncol);
		return;
	}
	if (dec_shm && !dec_shm_used &&
		subproc_shm_map(SUBPROC_KEEP_FD, &dec_map, &dec_mapped, raster, true, PROT_READ | PROT_WRITE))
	{
		memcpy(dec_map, pixGetData(pix), raster);
		a.in_shm = 1;
		subproc_reply2(fd, code, &a, sizeof(a), colors, ncol);
		return;
	}
	hd.code = code;
	hd.len = sizeof(a) + ncol + raster;
	subproc_write_exact(fd, &hd, sizeof(hd));
	subproc_write_exact(fd, &a, sizeof(a));
	subproc_write_exact(fd, colors, ncol);
	subproc_write_exact(fd, pixGetData(pix), raster);
}

static void
decode_reply(int fd, const DecRequest *rq, const uint8_t *data)
{
	PIX		   *pix;
	size_t		offset = rq->offset;

	if (rq->kind == DEC_HEADER)
	{
		reply_header(fd, rq, data);
		return;
	}
	pix = rq->kind == DEC_TIFF_PAGE ?
		pixReadMemFromMultipageTiff(data, rq->len, &offset) :
		pixReadMem(data, rq->len);
	if (pix == NULL)
	{
		reply_failed(fd);
		return;
	}
	imgtrans_decoder_reply_pix(fd, DEC_OK, pix);
	pixDestroy(&pix);
}

/* The decoder's life: a file at a time until the backend closes the pipe. */
/*
 * A decoder process's first step (this one's and the HEIF decoder's):
 * freed memory stays for the next file (up to DEC_SHM_KEEP: on a virtual
 * machine a fresh page costs microseconds to fault in), and large rasters
 * go straight into the shared buffer.
 */
void
imgtrans_decoder_child_init(void)
{
	mallopt(M_MMAP_THRESHOLD, DEC_SHM_KEEP);
	mallopt(M_TRIM_THRESHOLD, DEC_SHM_KEEP);
	setPixMemoryManager(dec_raster_alloc, dec_raster_free);
}

/* Before each request in a decoder process: whether it may use the buffer. */
void
imgtrans_decoder_child_request(bool shm)
{
	dec_shm = shm;
}

static void
dec_serve(int req, int resp)
{
	imgtrans_decoder_child_init();
	for (;;)
	{
		DecRequest	rq;
		uint8_t    *data;

		if (!subproc_read_exact(req, &rq, sizeof(rq)))
			_exit(0);
		data = malloc(Max(rq.len, 1));
		if (data == NULL || !subproc_read_exact(req, data, rq.len))
			_exit(1);			/* the backend sees the pipe close */
		imgtrans_lept_error_clear();
		imgtrans_decoder_child_request(rq.shm != 0);
		decode_reply(resp, &rq, data);
		free(data);
	}
}

/* ---- in the backend ---- */

/* context: the ImgFormat being read */
static void
dec_lost(SubProc *sp, int st, int context)
{
	imgtrans_decoder_stopped(sp, st, img_format_name((ImgFormat) context), "its decoder");
}

/*
 * The ERROR of a decoder process (this one or the HEIF decoder, sp) that
 * ended during a request with wait status status: stopper ("its decoder",
 * "libheif") stopped on the format's image, or it ended without an answer.
 */
void
imgtrans_decoder_stopped(SubProc *sp, int status, const char *format, const char *stopper)
{
	if (WIFSIGNALED(status))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("could not decode %s image: %s stopped on it", format, stopper),
				 errdetail("The %s process was ended by signal %d (%s).", sp->name,
						   WTERMSIG(status), strsignal(WTERMSIG(status))),
				 errhint("Pass the complete, unmodified image file as bytea.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("could not decode %s image: its decoder process ended without an answer", format),
			 errhint("Pass the complete, unmodified image file as bytea.")));
}

/*
 * At the end of a transaction: the buffer's pages past DEC_SHM_KEEP go
 * back, as far as the decoder grew it (which may be past what was mapped
 * here, for a raster refused as too large).
 */
static void
dec_xact_end(XactEvent event, void *arg)
{
	struct stat st;

	if ((event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		 event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		 event == XACT_EVENT_PREPARE) &&
		decoder.keep_fd > 2 && fstat(decoder.keep_fd, &st) == 0)
		subproc_shm_release(decoder.keep_fd, DEC_SHM_KEEP, (size_t) st.st_size);
}

static uint32
dec_call(DecRequest *rq, const uint8_t *data, size_t len, uint64 max_len, ImgFormat format,
		 char **payload, uint64 *plen)
{
	uint32		code;
	static bool callback = false;

	if (!callback)
	{
		RegisterXactCallback(dec_xact_end, NULL);
		callback = true;
	}
	subproc_ensure(&decoder);
	rq->shm = decoder.keep_fd > 2;
	rq->len = len;
	code = subproc_call(&decoder, rq, sizeof(*rq), data, len, max_len, payload, plen, (int) format);
	if (code == DEC_FAILED)
		imgtrans_lept_error_set(subproc_ascii(*payload));
	else if (code != DEC_OK)
		subproc_misbehaved(&decoder, "an unknown answer code");
	return code;
}

/* The image decoder's PID, 0 when there is none (imgtrans_engine_info()). */
int
imgtrans_decoder_pid(void)
{
	return subproc_running(&decoder) ? decoder.pid : 0;
}

/*
 * The header fields leptonica reads for JPEG, TIFF, WebP, PNM and JPEG
 * 2000 (the resolution too, for a JPEG).  False when leptonica could not
 * read it (its message is kept for imgtrans_lept_errdetail()).
 */
bool
imgtrans_decoder_header(const uint8_t *data, size_t len, ImgFormat format, ImgHeader *hdr)
{
	DecRequest	rq = {0};
	DecHeader	a;
	char	   *payload;
	uint64		plen;

	rq.kind = DEC_HEADER;
	rq.jpeg = format == IMG_JPEG;
	if (dec_call(&rq, data, len, sizeof(a), format, &payload, &plen) != DEC_OK)
		return false;
	if (plen != sizeof(a))
		subproc_misbehaved(&decoder, "a malformed image");
	memcpy(&a, payload, sizeof(a));
	pfree(payload);
	hdr->width = a.width;
	hdr->height = a.height;
	hdr->depth = a.bps * a.spp;
	if (a.xres > 0 && a.yres > 0)
	{
		hdr->xres = a.xres;
		hdr->yres = a.yres;
	}
	return a.width > 0 && a.height > 0;
}

/*
 * The Pix that sp (this decoder or the HEIF decoder) described in payload
 * (imgtrans_decoder_reply_pix), checked field by field (decanswer.c),
 * its raster read from sp's shared buffer (mapped read-only at sp->map);
 * NULL with *width, *height set when it is larger than
 * max_width x max_height (nothing allocated).  A malformed answer kills sp.
 */
struct Pix *
imgtrans_decoder_answer_pix(SubProc *sp, const char *payload, uint64 plen,
							int64 max_width, int64 max_height, int *width, int *height)
{
	DecPix		a;
	const uint8_t *colors;
	const char *src;
	size_t		raster;
	PIX		   *pix;
	int			i;

	if (plen < sizeof(a))
		subproc_misbehaved(sp, "a short answer");
	memcpy(&a, payload, sizeof(a));
	switch (dec_check_answer(&a, plen, max_width, max_height))
	{
		case DEC_ANSWER_OK:
			break;
		case DEC_ANSWER_TOO_LARGE:
			*width = a.width;
			*height = a.height;
			return NULL;
		case DEC_ANSWER_MALFORMED:
			subproc_misbehaved(sp, "a malformed image");
	}
	*width = a.width;
	*height = a.height;
	raster = dec_raster_bytes(&a);
	colors = (const uint8_t *) payload + sizeof(a);
	/* the buffer cannot shrink (sealed): mapped as long as the raster, it is safe to read */
	if (a.in_shm && !subproc_shm_map(sp->keep_fd, &sp->map, &sp->mapped, raster, false, PROT_READ))
		elog(ERROR, "imgtrans: could not map the %s's raster: %m", sp->name);
	src = a.in_shm ? sp->map : (const char *) colors + (size_t) a.ncolors * 4;
	pix = pixCreateNoInit(a.width, a.height, a.depth);
	if (pix == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not allocate a %d x %d image", a.width, a.height)));
	if (pixGetWpl(pix) != a.wpl)
	{
		pixDestroy(&pix);
		subproc_misbehaved(sp, "a malformed image");
	}
	if (a.in_shm)
		populate(src, raster, false);
	populate(pixGetData(pix), raster, true);
	memcpy(pixGetData(pix), src, raster);
	pixSetSpp(pix, a.spp);
	pixSetResolution(pix, a.xres, a.yres);
	if (a.ncolors > 0)
	{
		PIXCMAP    *cmap = pixcmapCreate(a.depth);

		for (i = 0; cmap != NULL && i < a.ncolors; i++)
			pixcmapAddRGBA(cmap, colors[4 * i], colors[4 * i + 1], colors[4 * i + 2], colors[4 * i + 3]);
		if (cmap == NULL || pixSetColormap(pix, cmap) != 0)
		{
			pixDestroy(&pix);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not allocate the colormap of a %d x %d image", a.width, a.height)));
		}
	}
	return pix;
}

/*
 * The longest answer with an image of at most max_width x max_height
 * (its raster through the pipe, when there is no shared buffer).
 */
uint64
imgtrans_decoder_max_answer(int64 max_width, int64 max_height)
{
	return Min((uint64) max_width * max_height * 4 + (uint64) (max_width + 32) * 4 * 2 +
			   sizeof(DecPix) + 256 * 4, (uint64) MaxAllocSize - 1);
}

/*
 * Decodes a whole image (tiff_offset < 0) or the TIFF page whose directory
 * is at tiff_offset.  Returns the Pix (the caller owns it and must
 * pixDestroy() it on every path), or NULL: with *width = 0 when leptonica
 * could not decode it (its message is kept for imgtrans_lept_errdetail()),
 * else with the decoded size, larger than max_width x max_height, and
 * nothing allocated.  Raises for a decoder that crashed or misbehaved.
 */
struct Pix *
imgtrans_decoder_read(const uint8_t *data, size_t len, ImgFormat format, int64 tiff_offset,
					  int64 max_width, int64 max_height, int *width, int *height)
{
	DecRequest	rq = {0};
	char	   *payload;
	uint64		plen;
	uint64		max_len = imgtrans_decoder_max_answer(max_width, max_height);
	PIX		   *pix;

	*width = *height = 0;
	rq.kind = tiff_offset < 0 ? DEC_IMAGE : DEC_TIFF_PAGE;
	rq.offset = tiff_offset < 0 ? 0 : tiff_offset;
	if (dec_call(&rq, data, len, max_len, format, &payload, &plen) != DEC_OK)
		return NULL;
	pix = imgtrans_decoder_answer_pix(&decoder, payload, plen, max_width, max_height, width, height);
	pfree(payload);
	return pix;
}
