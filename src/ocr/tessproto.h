/*-------------------------------------------------------------------------
 * tessproto.h
 *	  What a backend and its OCR process (tessproc.c) say to each other
 *	  (engine module).
 *
 * A request is a TessRequest, then strings_len bytes of NUL-terminated
 * strings, then data_len bytes of image rows (when w > 0), which travel in
 * the shared image buffer instead (in_shm: a memfd the backend made before
 * it forked the process, at SUBPROC_KEEP_FD there) when the backend could
 * set that up.  Every request
 * but TP_CLEAR is answered with a SubProcHeader (src/util/subproc.h) whose
 * code is a TE_ value and a payload.  Both sides check every length: the
 * backend because the process runs tesseract on hostile pixels, the
 * process because it is cheap.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_TESSPROTO_H
#define IMGTRANS_TESSPROTO_H

/* requests */
#define TP_RECOGNIZE	1		/* strings: lang, datapath, then name, value of each variable; image */
#define TP_SCORE		2		/* slot's reading: TessScore */
#define TP_BOXES		3		/* slot's reading: float mean conf, then TessBoxRec + text each */
#define TP_TEXT			4		/* slot's reading as kind (TK_), pages numbered from page */
#define TP_PDF_BEGIN	5		/* strings: output base path, datapath (for pdf.ttf) */
#define TP_PDF_ADD		6		/* slot's reading as the next page of the PDF */
#define TP_PDF_END		7		/* finishes and closes the PDF */
#define TP_OSD			8		/* strings: datapath; image: TessOsd + script */
#define TP_CLEAR		9		/* no answer: variables restored, readings dropped; kind 1: the PDF too */
#define TP_LANGS		10		/* the cached engines' languages, newest first, each NUL-terminated */

/* answers */
#define TE_OK			0
#define TE_LANG			1		/* the language did not load */
#define TE_UNKNOWN_VAR	2		/* payload: the name */
#define TE_READONLY_VAR	3		/* payload: the name */
#define TE_RECOGNIZE	4
#define TE_PDF			5		/* the PDF renderer failed */
#define TE_NO_MEMORY	6
#define TE_TOO_LARGE	7		/* the answer would exceed TP_MAX_MESSAGE */
#define TE_PROTOCOL		8		/* a request it could not take */
#define TE_NO_READING	9		/* the slot holds no reading */

/* text kinds */
#define TK_TEXT			0
#define TK_HOCR			1
#define TK_ALTO			2
#define TK_TSV			3

/* box levels, in the order a row's numbering nests */
#define TL_BLOCK		1
#define TL_PARA			2
#define TL_LINE			3
#define TL_WORD			4
#define TL_BIT(l)		(1u << (l))

#define TP_MAX_STRINGS	(64 * 1024)
#define TP_MAX_MESSAGE	(256 * 1024 * 1024)

typedef struct TessRequest
{
	uint32		op;
	int32		slot;			/* 0 or 1: which of two readings */
	int32		psm;
	int32		cache_size;		/* imgtrans.engine_cache_size */
	int32		page;			/* TP_TEXT: the page number tesseract writes, from 0 */
	uint32		kind;			/* TP_TEXT: TK_ */
	uint32		levels;			/* TP_BOXES: TL_BIT()s to fill */
	uint32		nvars;
	uint32		strings_len;
	/* the image: w > 0 */
	int32		w;
	int32		h;
	int32		d;				/* 1, 8 or 32 */
	int32		spp;
	int32		xres;
	int32		yres;
	uint32		in_shm;			/* the rows are in the shared image buffer, not the pipe */
	uint64		data_len;		/* h rows of leptonica's 32-bit words */
} TessRequest;

typedef struct TessScore
{
	int32		words;
	int32		sure_chars;
	double		mean_conf;
} TessScore;

typedef struct TessOsd
{
	int32		ok;
	int32		deg;
	float		orient_conf;
	float		script_conf;
	uint32		script_len;		/* bytes of script name that follow */
	uint32		unused;
} TessOsd;

/* one event of the word iterator: a level begins; its box and text when asked */
typedef struct TessBoxRec
{
	uint8		level;			/* TL_ */
	uint8		filled;			/* box, conf and text follow the caller's levels */
	uint16		unused;
	int32		left;
	int32		top;
	int32		right;
	int32		bottom;
	float		conf;
	uint32		text_len;		/* bytes of UTF-8 that follow */
} TessBoxRec;

#endif							/* IMGTRANS_TESSPROTO_H */
