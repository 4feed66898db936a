/*-------------------------------------------------------------------------
 * engine.c
 *	  A backend's side of its OCR process (engine module).
 *
 * Tesseract runs in a child of the backend, the OCR process (tessproc.c),
 * forked on the first OCR call and kept: it holds the initialised engines
 * (loading a language costs about 200 ms), so later calls cost what they
 * cost in the backend, plus the image's trip through a pipe (about 1 ms
 * for a 300-dpi page).  Each call here is one request and its answer
 * (src/util/subproc.c): the backend waits on its latch and the pipe, so
 * statement_timeout, pg_cancel_backend, pg_terminate_backend and
 * imgtrans.job_page_timeout stop any OCR at once, wherever tesseract is
 * (its page layout polls nothing); the process is then SIGKILLed and the
 * next call forks a new one.  A crash in tesseract ends the process, not
 * the server: it is an ERROR of the call.
 *
 * The process holds two readings (slots 0 and 1) so that auto's candidate
 * image is read while the first reading is kept; ocr.c says which slot
 * holds the reading it keeps.  engine_clear() drops both and puts back the
 * variables a call set.
 *
 * This file must never send a language the backend has not checked
 * (imgtrans_check_lang) or a variable off the allow-list (the caller's
 * vars are checked by ocrvars.c), and must never trust an answer: every
 * length is checked, text must be valid UTF-8 without NULs.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"

#include "imgtrans.h"
#include "ocr/engine.h"
#include "ocr/ocrargs.h"
#include "ocr/preprocess.h"
#include "util/subproc.h"

/*
 * replaced after this many requests (a page is 3 to 6), bounding what
 * tesseract may leak; never while it holds a reading or an unfinished PDF
 * that the call still needs (ocr_process.holding)
 */
#define OCR_PROCESS_MAX_REQUESTS	20000
/* address space it may use over the backend's: images up to imgtrans.max_image_pixels and their copies */
#define OCR_PROCESS_MEMORY_BUDGET	((uint64) 4 << 30)

extern void tessproc_main(int req, int resp);
static void ocr_process_lost(SubProc *sp, int status, int context);

/*
 * The shared image buffer: a memfd made before the OCR process is forked,
 * mapped by both, through which images travel (a pipe copies a 12-megapixel
 * colour photo's 48 MB twice, into fresh pages: 0.2 s on a 2-core VM).
 * Its first SHM_KEEP bytes keep their pages between calls, so a session's
 * pages reuse them (a 300-dpi gray page is 8.7 MB); the rest is given back
 * when the call ends, so an idle backend holds at most that much of it.
 */
#define SHM_KEEP	((size_t) 16 << 20)

static bool pdf_open = false;

static SubProc ocr_process = {
	.name = "OCR process",
	.title = "imgtrans ocr",
	.max_requests = OCR_PROCESS_MAX_REQUESTS,
	.memory_budget = OCR_PROCESS_MEMORY_BUDGET,
	.shm_name = "imgtrans-ocr-image",
	.serve = tessproc_main,
	.lost = ocr_process_lost,
};

static void
ocr_process_lost(SubProc *sp, int st, int context)
{
	if (WIFSIGNALED(st))
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("tesseract stopped on the image: the OCR process was ended by signal %d (%s)",
						WTERMSIG(st), strsignal(WTERMSIG(st))),
				 errhint("The image may be malformed or too large for the OCR process's %d GB of memory; "
						 "the server log may say more.", (int) (OCR_PROCESS_MEMORY_BUDGET >> 30))));
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
			 errmsg("the OCR process ended without an answer (exit status %d)",
					WIFEXITED(st) ? WEXITSTATUS(st) : -1),
			 errhint("The server log may say more.")));
}

/*
 * Copies an image's rows into the shared image buffer, growing it as
 * needed; false (the pipe then carries them) when it cannot.
 */
static bool
shm_put(const void *data, uint64 len)
{
	if (ocr_process.keep_fd <= 2 ||
		!subproc_shm_map(ocr_process.keep_fd, &ocr_process.map, &ocr_process.mapped, len, true,
						 PROT_READ | PROT_WRITE))
		return false;
	memcpy(ocr_process.map, data, len);
	return true;
}

/*
 * Sends rq with its strings and image, returns the answer's payload
 * (palloc'd, *len bytes, at most max_len) when it is TE_OK; TE_PDF returns
 * NULL (the caller names the step); any other answer is raised here.
 */
static char *
call(TessRequest *rq, StringInfo strings, PIX *pix, uint64 max_len, uint64 *len)
{
	StringInfoData msg;
	char	   *payload;
	uint64		plen;
	uint32		code;

	/* the process and its shared buffer, before the image goes into the buffer */
	subproc_ensure(&ocr_process);
	initStringInfo(&msg);
	rq->strings_len = strings ? strings->len : 0;
	if (pix)
	{
		rq->w = pixGetWidth(pix);
		rq->h = pixGetHeight(pix);
		rq->d = pixGetDepth(pix);
		rq->spp = pixGetSpp(pix);
		rq->xres = pixGetXRes(pix);
		rq->yres = pixGetYRes(pix);
		rq->data_len = (uint64) pixGetWpl(pix) * 4 * rq->h;
		rq->in_shm = shm_put(pixGetData(pix), rq->data_len);
	}
	appendBinaryStringInfo(&msg, (char *) rq, sizeof(*rq));
	if (strings)
		appendBinaryStringInfo(&msg, strings->data, strings->len);
	code = subproc_call(&ocr_process, msg.data, msg.len, pix && !rq->in_shm ? pixGetData(pix) : NULL,
						pix && !rq->in_shm ? rq->data_len : 0, max_len, &payload, &plen, 0);
	pfree(msg.data);
	switch (code)
	{
		case TE_OK:
			if (len)
				*len = plen;
			return payload;
		case TE_LANG:
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("tesseract could not load language \"%s\" from \"%s\"", subproc_ascii(payload),
							imgtrans_tessdata_path()),
					 errhint("Check that the traineddata files are complete and readable by the server.")));
			break;
		case TE_UNKNOWN_VAR:
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("unknown tesseract variable \"%s\"", subproc_ascii(payload)),
					 errhint("See \"tesseract --print-parameters\" for the variable names.")));
			break;
		case TE_READONLY_VAR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tesseract variable \"%s\" cannot be set per call", subproc_ascii(payload)),
					 errhint("It is read only when a language is loaded.")));
			break;
		case TE_RECOGNIZE:
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("tesseract could not recognise the image"),
					 errhint("Check the server log for tesseract's own message.")));
			break;
		case TE_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("the OCR process ran out of memory"),
					 errhint("Its limit is %d GB over the backend's; pass a smaller image.",
							 (int) (OCR_PROCESS_MEMORY_BUDGET >> 30))));
			break;
		case TE_TOO_LARGE:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the OCR output of one page is larger than %d MB", TP_MAX_MESSAGE / (1024 * 1024)),
					 errhint("Ask for fewer levels, or split the image.")));
			break;
		case TE_PDF:
			return NULL;		/* the caller says which step failed */
		default:
			subproc_misbehaved(&ocr_process, "an unknown answer code");
	}
	return NULL;				/* not reached */
}

/* What tesseract can take in a pipe: 1, 8 or 32 bits a pixel, no colormap. */
static PIX *
wire_pix(PIX *pix)
{
	int			d = pixGetDepth(pix);

	if (pixGetColormap(pix) == NULL && (d == 1 || d == 8 || d == 32))
		return pixClone(pix);
	if (pixGetColormap(pix))
		return pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
	return pixConvertTo8(pix, false);
}

/* Sends a request with an image; the image travels as 1, 8 or 32 bits a pixel. */
static char *
call_with_image(TessRequest *rq, StringInfo strings, PIX *pix, uint64 max_len, uint64 *len)
{
	PIX		   *volatile wire = wire_pix(pix);
	char	   *result;

	if (wire == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not convert the image for tesseract")));
	PG_TRY();
	{
		result = call(rq, strings, wire, max_len, len);
	}
	PG_FINALLY();
	{
		pixDestroy((PIX **) &wire);
	}
	PG_END_TRY();
	return result;
}

static void
add_string(StringInfo s, const char *str)
{
	appendBinaryStringInfo(s, str, strlen(str) + 1);
}

/*
 * Reads pix into slot (0 or 1) with lang (checked here), the call's
 * checked variables and page mode.  An error leaves the slot empty.
 */
void
engine_recognize(int slot, const char *lang, List *vars, int psm, PIX *pix)
{
	TessRequest rq = {0};
	StringInfoData strings;
	ListCell   *lc;

	imgtrans_check_lang(lang);
	initStringInfo(&strings);
	add_string(&strings, lang);
	add_string(&strings, imgtrans_tessdata_path());
	foreach(lc, vars)
	{
		OcrVar	   *var = lfirst(lc);

		add_string(&strings, var->name);
		add_string(&strings, var->value);
	}
	rq.op = TP_RECOGNIZE;
	rq.slot = slot;
	rq.psm = psm;
	rq.cache_size = imgtrans_engine_cache_size;
	rq.nvars = list_length(vars);
	(void) call_with_image(&rq, &strings, pix, 0, NULL);
	ocr_process.holding = true;
}

void
engine_score(int slot, struct PrepScore *score)
{
	TessRequest rq = {0};
	TessScore	s;
	uint64		len;
	char	   *p;

	rq.op = TP_SCORE;
	rq.slot = slot;
	p = call(&rq, NULL, NULL, sizeof(s), &len);
	if (len != sizeof(s))
		subproc_misbehaved(&ocr_process, "a short answer");
	memcpy(&s, p, sizeof(s));
	score->words = s.words;
	score->sure_chars = s.sure_chars;
	score->mean_conf = s.mean_conf;
}

void
engine_boxes(int slot, uint32 levels, EngineBoxes *boxes)
{
	TessRequest rq = {0};

	rq.op = TP_BOXES;
	rq.slot = slot;
	rq.levels = levels;
	boxes->data = call(&rq, NULL, NULL, TP_MAX_MESSAGE, &boxes->len);
	if (boxes->len < sizeof(float))
		subproc_misbehaved(&ocr_process, "a short answer");
	memcpy(&boxes->mean_conf, boxes->data, sizeof(float));
	boxes->pos = sizeof(float);
}

/* Checks text from the OCR process: UTF-8 without NULs; returns it palloc'd. */
static char *
checked_text(const char *s, uint64 len)
{
	if (memchr(s, '\0', len) != NULL || !pg_verify_mbstr(PG_UTF8, s, (int) len, true))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("the OCR process sent text that is not UTF-8")));
	return pnstrdup(s, len);
}

/*
 * The next event of a reading (TessBoxRec), with its text (palloc'd) when
 * it is filled; false at the end.
 */
bool
engine_next_box(EngineBoxes *b, TessBoxRec *rec, char **text)
{
	if (b->pos == b->len)
		return false;
	if (b->len - b->pos < sizeof(*rec))
		subproc_misbehaved(&ocr_process, "a short answer");
	memcpy(rec, b->data + b->pos, sizeof(*rec));
	b->pos += sizeof(*rec);
	if (rec->level < TL_BLOCK || rec->level > TL_WORD || rec->text_len > b->len - b->pos)
		subproc_misbehaved(&ocr_process, "a malformed answer");
	*text = rec->filled ? checked_text(b->data + b->pos, rec->text_len) : NULL;
	b->pos += rec->text_len;
	return true;
}

/* The slot's reading as text, hOCR, ALTO or TSV (TK_), pages numbered from page 0. */
char *
engine_text(int slot, uint32 kind, int page)
{
	TessRequest rq = {0};
	uint64		len;
	char	   *p;

	rq.op = TP_TEXT;
	rq.slot = slot;
	rq.kind = kind;
	rq.page = page;
	p = call(&rq, NULL, NULL, TP_MAX_MESSAGE, &len);
	return checked_text(p, len);
}

/* tesseract's PDF renderer, writing base.pdf; pdf.ttf comes from tessdata. */
void
engine_pdf_begin(const char *base)
{
	TessRequest rq = {0};
	StringInfoData strings;

	initStringInfo(&strings);
	add_string(&strings, base);
	add_string(&strings, imgtrans_tessdata_path());
	rq.op = TP_PDF_BEGIN;
	if (call(&rq, &strings, NULL, 0, NULL) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("tesseract could not start a PDF"),
				 errhint("Check that pdf.ttf is in the tessdata directory (package tesseract-ocr).")));
	ocr_process.holding = true;
	pdf_open = true;
}

void
engine_pdf_add(int slot, int page_num)
{
	TessRequest rq = {0};

	rq.op = TP_PDF_ADD;
	rq.slot = slot;
	if (call(&rq, NULL, NULL, 0, NULL) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("tesseract could not add page %d to the PDF", page_num),
				 errhint("Check the server log for tesseract's own message.")));
}

/* Finishes the PDF and closes its file. */
void
engine_pdf_end(void)
{
	TessRequest rq = {0};

	rq.op = TP_PDF_END;
	pdf_open = false;			/* the process drops it, finished or not */
	if (call(&rq, NULL, NULL, 0, NULL) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("tesseract could not finish the PDF"),
				 errhint("Check the server log for tesseract's own message.")));
}

/*
 * Drops both readings, putting back the variables the call set, and with
 * drop_pdf any unfinished PDF (closing its file).  Never raises: the
 * request has no answer, and a process that cannot take it at once is
 * killed (the next call forks a new one).
 */
void
engine_clear(bool drop_pdf)
{
	TessRequest rq = {0};

	if (drop_pdf)
		pdf_open = false;
	ocr_process.holding = pdf_open;
	subproc_shm_release(ocr_process.keep_fd, SHM_KEEP, ocr_process.mapped);
	if (!subproc_running(&ocr_process))
		return;
	rq.op = TP_CLEAR;
	rq.kind = drop_pdf;
	if (write(ocr_process.req, &rq, sizeof(rq)) != sizeof(rq))
		subproc_kill(&ocr_process);
}

/*
 * Orientation and script of pix with the OSD engine.  "Too few
 * characters" is a result (r->ok = false), not an error.
 */
void
engine_osd(PIX *pix, OsdResult *r)
{
	TessRequest rq = {0};
	StringInfoData strings;
	TessOsd		o;
	uint64		len;
	char	   *p;

	imgtrans_check_lang("osd");
	initStringInfo(&strings);
	add_string(&strings, imgtrans_tessdata_path());
	rq.op = TP_OSD;
	p = call_with_image(&rq, &strings, pix, sizeof(o) + 256, &len);
	subproc_shm_release(ocr_process.keep_fd, SHM_KEEP, ocr_process.mapped);
	if (len < sizeof(o))
		subproc_misbehaved(&ocr_process, "a short answer");
	memcpy(&o, p, sizeof(o));
	if (o.script_len != len - sizeof(o))
		subproc_misbehaved(&ocr_process, "a malformed answer");
	memset(r, 0, sizeof(*r));
	r->ok = o.ok != 0;
	if (r->ok)
	{
		r->orientation = o.deg;
		r->rotate = (360 - o.deg) % 360;
		r->orient_conf = o.orient_conf;
		r->script_conf = o.script_conf;
		r->script = o.script_len ? checked_text(p + sizeof(o), o.script_len) : NULL;
	}
}

/* Languages of the engines the OCR process holds, most recently used first. */
List *
engine_cached_languages(void)
{
	TessRequest rq = {0};
	List	   *result = NIL;
	uint64		len;
	uint64		pos = 0;
	char	   *p;

	if (!subproc_running(&ocr_process))
		return NIL;
	rq.op = TP_LANGS;
	p = call(&rq, NULL, NULL, 64 * 1024, &len);
	while (pos < len)
	{
		char	   *end = memchr(p + pos, '\0', len - pos);

		if (end == NULL)
			subproc_misbehaved(&ocr_process, "a malformed answer");
		result = lappend(result, checked_text(p + pos, end - (p + pos)));
		pos = end - p + 1;
	}
	return result;
}

/* The OCR process's PID, 0 when there is none. */
int
engine_process_pid(void)
{
	return subproc_running(&ocr_process) ? ocr_process.pid : 0;
}
