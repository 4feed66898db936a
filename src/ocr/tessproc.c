/*-------------------------------------------------------------------------
 * tessproc.c
 *	  The OCR process: the child of a backend that runs tesseract for it
 *	  (engine module).
 *
 * Tesseract's page layout cannot be interrupted: its cancel callback is
 * polled only once recognition of the text lines has begun, and laying
 * out a page of dust (400,000 specks on a 9-megapixel page, read as one
 * line) runs for many minutes in Textord.  So no backend calls tesseract
 * itself: engine.c forks this process on the first OCR call
 * (src/util/subproc.c), sends it each image with the call's language,
 * variables and page mode, and asks for what it needs of the reading
 * (its score, box rows, text, hOCR, ALTO, TSV, a page of a searchable
 * PDF, orientation).  An interrupt SIGKILLs the process; a crash in
 * tesseract is an ERROR of the call, not a server restart.
 *
 * The process keeps what a backend kept: up to imgtrans.engine_cache_size
 * initialised engines (least recently used evicted), a spare engine for
 * auto's candidate readings and the OSD engine.  It holds two readings at
 * a time (slots 0 and 1: the LRU engine and the spare engine of the
 * call's language), each with the variables it set, which TP_CLEAR puts
 * back.
 *
 * This process must never return into PostgreSQL code, raise, or touch
 * shared memory, locks or the client connection: it calls only tesseract,
 * leptonica, malloc and read()/write(), answers every request it can read
 * and leaves with _exit().  It must never load a language or set a
 * variable the backend has not checked (the backend's allow-list and
 * language checks run before a request is sent).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/mman.h>
#include <unistd.h>

#include "ocr/preprocess.h"
#include "ocr/tess.h"
#include "ocr/tessproto.h"
#include "util/subproc.h"

#define MAX_ENGINES		16
#define MAX_LANG		255

typedef struct Engine
{
	char		lang[MAX_LANG + 1];
	char	   *datapath;
	TessBaseAPI *api;
	uint64		last_used;
} Engine;

typedef struct SavedVar
{
	char	   *name;
	char	   *value;
} SavedVar;

typedef struct Slot
{
	TessBaseAPI *api;			/* holds a reading; NULL: none (tesseract keeps its own copy of the image) */
	SavedVar   *saved;			/* values before this reading's variables */
	int			nsaved;
} Slot;

/* A growing answer; NULL data after a failed allocation. */
typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;
	bool		too_large;
} Buf;

static Engine engines[MAX_ENGINES];
static int	nengines = 0;
static Engine spare_engine;
static Engine osd_engine;
static uint64 use_clock = 0;
static Slot slots[2];
/* the backend's shared image buffer (engine.c), as far as mapped here */
static char *shm_map = NULL;
static size_t shm_mapped = 0;
static TessResultRenderer *renderer = NULL;

/* ---- answers ---- */

static void
buf_add(Buf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > TP_MAX_MESSAGE)
	{
		b->failed = b->too_large = true;
		return;
	}
	if (b->len + n > b->cap)
	{
		size_t		cap = Max(b->cap * 2, Max(b->len + n, 4096));
		char	   *d = realloc(b->data, cap);

		if (d == NULL)
		{
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void
buf_reply(int fd, Buf *b)
{
	if (b->failed)
		subproc_reply(fd, b->too_large ? TE_TOO_LARGE : TE_NO_MEMORY, NULL, 0);
	else
		subproc_reply(fd, TE_OK, b->data, b->len);
	free(b->data);
}

static void
reply_string(int fd, uint32 code, const char *s)
{
	subproc_reply(fd, code, s, s ? strlen(s) : 0);
}

/* ---- engines ---- */

static void
engine_end(Engine *e)
{
	if (e->api)
	{
		TessBaseAPIEnd(e->api);
		TessBaseAPIDelete(e->api);
	}
	free(e->datapath);
	memset(e, 0, sizeof(*e));
}

static bool
engine_load(Engine *e, const char *lang, const char *datapath)
{
	TessBaseAPI *api = TessBaseAPICreate();

	if (api == NULL)
		return false;
	if (TessBaseAPIInit3(api, datapath, lang) != 0)
	{
		TessBaseAPIDelete(api);
		return false;
	}
	e->api = api;
	strlcpy(e->lang, lang, sizeof(e->lang));
	e->datapath = strdup(datapath);
	e->last_used = ++use_clock;
	return e->datapath != NULL;
}

static void
evict_to(int keep)
{
	while (nengines > keep)
	{
		int			lru = 0;
		int			i;

		for (i = 1; i < nengines; i++)
			if (engines[i].last_used < engines[lru].last_used)
				lru = i;
		engine_end(&engines[lru]);
		engines[lru] = engines[--nengines];
	}
}

static bool
same_engine(const Engine *e, const char *lang, const char *datapath)
{
	return e->api && strcmp(e->lang, lang) == 0 && strcmp(e->datapath, datapath) == 0;
}

/* An engine from the LRU (slot 0), the spare (slot 1) or the OSD slot; NULL: did not load. */
static TessBaseAPI *
engine_get(int slot, const char *lang, const char *datapath, int cache_size)
{
	Engine	   *single = slot == 1 ? &spare_engine : slot == 2 ? &osd_engine : NULL;
	int			keep = Max(1, Min(cache_size, MAX_ENGINES));
	int			i;

	if (single)
	{
		if (!same_engine(single, lang, datapath))
		{
			engine_end(single);
			if (!engine_load(single, lang, datapath))
			{
				engine_end(single);
				return NULL;
			}
		}
		return single->api;
	}
	for (i = 0; i < nengines; i++)
		if (same_engine(&engines[i], lang, datapath))
		{
			TessBaseAPI *api = engines[i].api;

			/* newest now, so a lowered cache size never evicts it */
			engines[i].last_used = ++use_clock;
			evict_to(keep);
			return api;
		}
	evict_to(keep - 1);
	if (!engine_load(&engines[nengines], lang, datapath))
	{
		engine_end(&engines[nengines]);
		return NULL;
	}
	return engines[nengines++].api;
}

/* ---- readings ---- */

static char *
variable_value(TessBaseAPI *api, const char *name)
{
	int			ival;
	BOOL		bval;
	double		dval;
	const char *sval;
	char		num[64];

	if (TessBaseAPIGetIntVariable(api, name, &ival))
		snprintf(num, sizeof(num), "%d", ival);
	else if (TessBaseAPIGetBoolVariable(api, name, &bval))
		snprintf(num, sizeof(num), "%d", bval ? 1 : 0);
	else if (TessBaseAPIGetDoubleVariable(api, name, &dval))
		snprintf(num, sizeof(num), "%.17g", dval);
	else
	{
		sval = TessBaseAPIGetStringVariable(api, name);
		return sval ? strdup(sval) : NULL;
	}
	return strdup(num);
}

/* Puts back the slot's saved values, newest first, and drops its reading. */
static void
slot_clear(Slot *s)
{
	int			i;

	for (i = s->nsaved - 1; i >= 0; i--)
	{
		(void) TessBaseAPISetVariable(s->api, s->saved[i].name, s->saved[i].value);
		free(s->saved[i].name);
		free(s->saved[i].value);
	}
	free(s->saved);
	if (s->api)
		TessBaseAPIClear(s->api);
	memset(s, 0, sizeof(*s));
}

/*
 * Sets each variable after saving its value, so slot_clear() undoes
 * exactly what was done even when this stops half-way; TE_OK or the code
 * of the first that could not be set (its name in *bad).
 */
static uint32
set_vars(Slot *s, const char *vars, uint32 nvars, const char **bad)
{
	const char *p = vars;
	uint32		i;

	s->saved = calloc(Max(nvars, 1), sizeof(SavedVar));
	if (s->saved == NULL)
		return TE_NO_MEMORY;
	for (i = 0; i < nvars; i++)
	{
		const char *name = p;
		const char *value = name + strlen(name) + 1;
		char	   *old = variable_value(s->api, name);

		p = value + strlen(value) + 1;
		*bad = name;
		if (old == NULL)
			return TE_UNKNOWN_VAR;
		s->saved[s->nsaved].name = strdup(name);
		s->saved[s->nsaved].value = old;
		if (s->saved[s->nsaved].name == NULL)
		{
			free(old);
			return TE_NO_MEMORY;
		}
		s->nsaved++;
		if (!TessBaseAPISetVariable(s->api, name, value))
			return TE_READONLY_VAR;
	}
	return TE_OK;
}

/* Reads pix into the slot (SetImage copies it). */
static void
do_recognize(int fd, const TessRequest *rq, const char *strings, PIX *pix)
{
	const char *lang = strings;
	const char *datapath = lang + strlen(lang) + 1;
	Slot	   *s = &slots[rq->slot];
	const char *bad = NULL;
	uint32		code;

	slot_clear(s);
	s->api = engine_get(rq->slot, lang, datapath, rq->cache_size);
	if (s->api == NULL)
	{
		reply_string(fd, TE_LANG, lang);
		return;
	}
	code = set_vars(s, datapath + strlen(datapath) + 1, rq->nvars, &bad);
	if (code != TE_OK)
	{
		slot_clear(s);
		reply_string(fd, code, bad);
		return;
	}
	TessBaseAPISetPageSegMode(s->api, (TessPageSegMode) rq->psm);
	TessBaseAPISetImage2(s->api, pix);
	if (TessBaseAPIRecognize(s->api, NULL) != 0)
	{
		slot_clear(s);
		subproc_reply(fd, TE_RECOGNIZE, NULL, 0);
		return;
	}
	subproc_reply(fd, TE_OK, NULL, 0);
}

/*
 * How the slot's reading read: the words that have text (tesseract's own
 * mean also counts the blank "words" it reports for ruled lines, at high
 * confidence), their mean confidence, and the characters (code points) of
 * those read with confidence >= PREP_SURE_CONF.
 */
static void
do_score(int fd, TessBaseAPI *api)
{
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	TessScore	score = {0};
	double		sum = 0;

	if (it != NULL)
	{
		do
		{
			char	   *s = TessResultIteratorGetUTF8Text(it, RIL_WORD);

			if (s && strspn(s, " \n") < strlen(s))
			{
				float		conf = TessResultIteratorConfidence(it, RIL_WORD);
				const char *c;

				sum += conf;
				score.words++;
				if (conf >= PREP_SURE_CONF)
					for (c = s; *c; c++)
						if ((*c & 0xC0) != 0x80 && *c != ' ' && *c != '\n')
							score.sure_chars++;
			}
			if (s)
				TessDeleteText(s);
		} while (TessPageIteratorNext(TessResultIteratorGetPageIterator(it), RIL_WORD));
		TessResultIteratorDelete(it);
	}
	score.mean_conf = score.words ? sum / score.words : 0;
	subproc_reply(fd, TE_OK, &score, sizeof(score));
}

static void
add_event(Buf *b, TessResultIterator *it, int level, TessPageIteratorLevel ril, uint32 levels)
{
	TessBoxRec	r = {0};
	char	   *s = NULL;

	r.level = level;
	if (levels & TL_BIT(level))
	{
		r.filled = 1;
		TessPageIteratorBoundingBox(TessResultIteratorGetPageIterator(it), ril,
									&r.left, &r.top, &r.right, &r.bottom);
		r.conf = TessResultIteratorConfidence(it, ril);
		s = TessResultIteratorGetUTF8Text(it, ril);
		r.text_len = s ? strlen(s) : 0;
	}
	buf_add(b, &r, sizeof(r));
	buf_add(b, s, r.text_len);
	if (s)
		TessDeleteText(s);
}

/*
 * The reading as the word iterator walks it, in tesseract's TSV order:
 * an event for each block, paragraph and line as it is entered, then the
 * word; the backend numbers and filters them (ocr.c).
 */
static void
do_boxes(int fd, TessBaseAPI *api, uint32 levels)
{
	Buf			b = {0};
	float		mean = TessBaseAPIMeanTextConf(api);
	TessResultIterator *it = TessBaseAPIGetIterator(api);

	buf_add(&b, &mean, sizeof(mean));
	if (it != NULL)
	{
		TessPageIterator *pit = TessResultIteratorGetPageIterator(it);

		do
		{
			int			l,
						t,
						r,
						bt;

			if (!TessPageIteratorBoundingBox(pit, RIL_WORD, &l, &t, &r, &bt))
				continue;		/* a block without words, e.g. an image */
			if (TessPageIteratorIsAtBeginningOf(pit, RIL_BLOCK))
				add_event(&b, it, TL_BLOCK, RIL_BLOCK, levels);
			if (TessPageIteratorIsAtBeginningOf(pit, RIL_PARA))
				add_event(&b, it, TL_PARA, RIL_PARA, levels);
			if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE))
				add_event(&b, it, TL_LINE, RIL_TEXTLINE, levels);
			add_event(&b, it, TL_WORD, RIL_WORD, levels);
		} while (!b.failed && TessPageIteratorNext(pit, RIL_WORD));
		TessResultIteratorDelete(it);
	}
	buf_reply(fd, &b);
}

static void
do_text(int fd, TessBaseAPI *api, uint32 kind, int page)
{
	char	   *s;

	switch (kind)
	{
		case TK_TEXT:
			s = TessBaseAPIGetUTF8Text(api);
			break;
		case TK_HOCR:
			s = TessBaseAPIGetHOCRText(api, page);
			break;
		case TK_ALTO:
			s = TessBaseAPIGetAltoText(api, page);
			break;
		case TK_TSV:
			s = TessBaseAPIGetTsvText(api, page);
			break;
		default:
			subproc_reply(fd, TE_PROTOCOL, NULL, 0);
			return;
	}
	if (s && strlen(s) > TP_MAX_MESSAGE)
		subproc_reply(fd, TE_TOO_LARGE, NULL, 0);
	else
		reply_string(fd, TE_OK, s);
	if (s)
		TessDeleteText(s);
}

static void
drop_renderer(void)
{
	if (renderer)
		TessDeleteResultRenderer(renderer);	/* closes its file */
	renderer = NULL;
}

static void
do_pdf(int fd, const TessRequest *rq, const char *strings)
{
	bool		ok = false;

	if (rq->op == TP_PDF_BEGIN)
	{
		const char *base = strings;

		drop_renderer();
		/* pdf.ttf, the glyphless font of the text layer, is in tessdata */
		renderer = TessPDFRendererCreate(base, base + strlen(base) + 1, false);
		ok = renderer != NULL && TessResultRendererBeginDocument(renderer, "");
		if (!ok)
			drop_renderer();
	}
	else if (rq->op == TP_PDF_ADD)
		ok = renderer != NULL && slots[rq->slot].api != NULL &&
			TessResultRendererAddImage(renderer, slots[rq->slot].api);
	else if (renderer != NULL)
	{
		ok = TessResultRendererEndDocument(renderer);
		drop_renderer();
	}
	subproc_reply(fd, ok ? TE_OK : TE_PDF, NULL, 0);
}

/* "Too few characters" is an answer (ok 0), not an error. */
static void
do_osd(int fd, const TessRequest *rq, const char *strings, PIX *pix)
{
	TessBaseAPI *api = engine_get(2, "osd", strings, 1);
	TessOsd		r = {0};
	const char *script = NULL;

	if (api == NULL)
	{
		reply_string(fd, TE_LANG, "osd");
		return;
	}
	TessBaseAPISetImage2(api, pix);
	r.ok = TessBaseAPIDetectOrientationScript(api, &r.deg, &r.orient_conf, &script, &r.script_conf);
	/* the script name points into tesseract's own tables */
	r.script_len = r.ok && script ? strlen(script) : 0;
	subproc_reply2(fd, TE_OK, &r, sizeof(r), script, r.script_len);
	TessBaseAPIClear(api);
}

static void
do_langs(int fd)
{
	Buf			b = {0};
	uint64		after = UINT64_MAX;
	int			n,
				i;

	/* newest first: selection by last_used, descending */
	for (n = 0; n < nengines; n++)
	{
		int			next = -1;

		for (i = 0; i < nengines; i++)
			if (engines[i].last_used < after &&
				(next < 0 || engines[i].last_used > engines[next].last_used))
				next = i;
		after = engines[next].last_used;
		buf_add(&b, engines[next].lang, strlen(engines[next].lang) + 1);
	}
	buf_reply(fd, &b);
}

/* ---- requests ---- */

/*
 * A Pix over the rows in the backend's shared image buffer (mapped here as
 * far as the request needs; the backend made the buffer that large before
 * it asked), or NULL.  Its data is not its own: release_image() lets go.
 */
static PIX *
shm_image(const TessRequest *rq, uint32 *code)
{
	PIX		   *pix;

	if (!subproc_shm_map(SUBPROC_KEEP_FD, &shm_map, &shm_mapped, rq->data_len, false, PROT_READ))
		return NULL;
	pix = pixCreateHeader(rq->w, rq->h, rq->d);
	if (pix == NULL)
		return NULL;
	pixSetData(pix, (l_uint32 *) shm_map);
	pixSetResolution(pix, rq->xres, rq->yres);
	pixSetSpp(pix, rq->spp);
	*code = TE_OK;
	return pix;
}

static void
release_image(PIX **pix)
{
	if (*pix && (char *) pixGetData(*pix) == shm_map)
		pixSetData(*pix, NULL);	/* the backend's buffer, not leptonica's to free */
	pixDestroy(pix);
}

/* The image of a request, or NULL (its bytes are read and dropped, *code says why). */
static PIX *
read_image(int req, const TessRequest *rq, uint32 *code)
{
	PIX		   *pix = NULL;
	uint64		left = rq->data_len;

	*code = TE_PROTOCOL;
	if ((rq->d == 1 || rq->d == 8 || rq->d == 32) && rq->w > 0 && rq->h > 0 &&
		rq->w <= 1000000 && rq->h <= 1000000 &&
		rq->data_len == (uint64) ((rq->w * (uint64) rq->d + 31) / 32) * 4 * rq->h)
	{
		*code = TE_NO_MEMORY;
		if (rq->in_shm)
			return shm_image(rq, code);
		pix = pixCreateNoInit(rq->w, rq->h, rq->d);
	}
	if (rq->in_shm)
		return NULL;			/* nothing in the pipe to drop */
	if (pix != NULL)
	{
		if (!subproc_read_exact(req, pixGetData(pix), rq->data_len))
			_exit(0);
		pixSetResolution(pix, rq->xres, rq->yres);
		pixSetSpp(pix, rq->spp);
		*code = TE_OK;
		return pix;
	}
	while (left > 0)
	{
		char		sink[65536];
		size_t		n = Min(left, sizeof(sink));

		if (!subproc_read_exact(req, sink, n))
			_exit(0);
		left -= n;
	}
	return NULL;
}

/* The strings of a request: at least need of them, the last NUL-terminated. */
static bool
strings_ok(const char *s, uint32 len, uint32 need)
{
	uint32		n = 0;
	uint32		i;

	if (len == 0 || s[len - 1] != '\0')
		return need == 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0')
			n++;
	return n >= need;
}

/* The OCR process's life: a request at a time until the backend closes the pipe. */
void		tessproc_main(int req, int resp);
void
tessproc_main(int req, int resp)
{
	for (;;)
	{
		TessRequest rq;
		char	   *strings = NULL;
		PIX		   *pix = NULL;
		uint32		code = TE_OK;
		uint32		need;

		if (!subproc_read_exact(req, &rq, sizeof(rq)))
			_exit(0);
		if (rq.strings_len > TP_MAX_STRINGS)
			_exit(1);			/* the backend sees the pipe close */
		strings = malloc(rq.strings_len + 1);
		if (strings == NULL || !subproc_read_exact(req, strings, rq.strings_len))
			_exit(1);
		strings[rq.strings_len] = '\0';
		if (rq.w > 0 || rq.data_len > 0)
			pix = read_image(req, &rq, &code);
		need = rq.op == TP_RECOGNIZE ? 2 + 2 * rq.nvars : rq.op == TP_PDF_BEGIN ? 2 :
			rq.op == TP_OSD ? 1 : 0;
		if (code == TE_OK && (rq.slot < 0 || rq.slot > 1 || rq.nvars > 1000 ||
							  !strings_ok(strings, rq.strings_len, need)))
			code = TE_PROTOCOL;
		if (code == TE_OK && (rq.op == TP_SCORE || rq.op == TP_BOXES || rq.op == TP_TEXT) &&
			slots[rq.slot].api == NULL)
			code = TE_NO_READING;
		if (code == TE_OK && (rq.op == TP_RECOGNIZE || rq.op == TP_OSD) && pix == NULL)
			code = TE_PROTOCOL;

		if (rq.op == TP_CLEAR)
		{
			slot_clear(&slots[0]);
			slot_clear(&slots[1]);
			if (rq.kind)
				drop_renderer();
		}
		else if (code != TE_OK)
			subproc_reply(resp, code, NULL, 0);
		else if (rq.op == TP_RECOGNIZE)
			do_recognize(resp, &rq, strings, pix);
		else if (rq.op == TP_SCORE)
			do_score(resp, slots[rq.slot].api);
		else if (rq.op == TP_BOXES)
			do_boxes(resp, slots[rq.slot].api, rq.levels);
		else if (rq.op == TP_TEXT)
			do_text(resp, slots[rq.slot].api, rq.kind, rq.page);
		else if (rq.op == TP_PDF_BEGIN || rq.op == TP_PDF_ADD || rq.op == TP_PDF_END)
			do_pdf(resp, &rq, strings);
		else if (rq.op == TP_OSD)
			do_osd(resp, &rq, strings, pix);
		else if (rq.op == TP_LANGS)
			do_langs(resp);
		else
			subproc_reply(resp, TE_PROTOCOL, NULL, 0);
		if (pix)
			release_image(&pix);
		free(strings);
	}
}
