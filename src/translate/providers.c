/*-------------------------------------------------------------------------
 * providers.c
 *	  The translation provider kinds: how each wants its request, how each
 *	  answers, and which language codes it uses.
 *
 *	  apertium        APy: POST /translate, form langpair=eng|spa, q, and
 *	                  markUnknown=no.  One text per request, but APy keeps
 *	                  line breaks, so a batch travels as one text: the
 *	                  pieces, each followed by a line holding only ".",
 *	                  which ends a sentence (Apertium moves words across
 *	                  bare line breaks: "The red\nhouse" gives "La
 *	                  casa\nroja") and shows where each piece ends and
 *	                  that the answer is whole (APy drops what lies beyond
 *	                  about 40,960 characters).  On a mismatch, one request
 *	                  per piece; a piece whose end mark is lost is an ERROR.
 *	                  Measured: 1000 lines in one POST 0.56 s, per line
 *	                  13.3 s, concurrent on a multi handle 9.8..11.2 s.
 *	  libretranslate  POST /translate, JSON {"q": [...], "source", "target",
 *	                  "format": "text", "api_key"}.
 *	  deepl           POST /v2/translate, JSON {"text": [...], "target_lang",
 *	                  "source_lang"}, header Authorization: DeepL-Auth-Key,
 *	                  at most 50 texts per request.
 *	  google          Translation v2: POST /language/translate/v2, form with
 *	                  q repeated (at most 128), target, source, format=text
 *	                  (its default html mangles newlines and entities), key.
 *
 * Every provider is sent pieces, never whole texts: each line without the
 * blanks at its ends, lines longer than the provider's max_chars split at
 * sentence ends, spaces or characters (tr_segment).  Line breaks, blank
 * lines and the blanks between pieces are never sent; they are put back
 * verbatim around the translated pieces, so a text keeps its exact line
 * structure and no provider limit cuts it.
 *
 * Texts travel as UTF-8 whatever the database encoding.  Answers must be
 * valid UTF-8 and JSON, else a clean ERROR naming the provider.  API keys
 * travel in a header or the body, never in a URL, and are scrubbed from
 * any provider message before it reaches an ERROR, in every encoding they
 * travelled in (tr_scrub).  This file must never
 * send anything except through imgtrans_http_request(), and never that
 * except within the provider's rate limits (send_limited).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "translate/http.h"
#include "translate/providers.h"
#include "stats/stats.h"
#include "translate/ratelimit.h"

#define MAX_ERROR_MESSAGE 300

/* what follows every piece in an APy batch: a line that ends a sentence */
#define APERTIUM_MARK "\n.\n"

/* where each kind keeps its translations: keys down to an array, then a field */
typedef struct ResultPath
{
	const char *keys[2];
	const char *field;			/* NULL: the array holds strings */
} ResultPath;

static const ResultPath result_paths[TR_NKINDS] = {
	[TR_APERTIUM] = {{"responseData", NULL}, "translatedText"},
	[TR_LIBRETRANSLATE] = {{"translatedText", NULL}, NULL},
	[TR_DEEPL] = {{"translations", NULL}, "text"},
	[TR_GOOGLE] = {{"data", "translations"}, "translatedText"},
};

/* ---------------------------------------------------------------------
 * Language codes
 * ---------------------------------------------------------------------
 */

/*
 * The provider's code for code (ISO 639-1 or the provider's own); NULL
 * for source 'auto' when the provider detects the language itself.
 */
char *
provider_lang(const Provider *p, const char *code, bool target)
{
	char		out[64];

	if (!target && pg_strcasecmp(code, "auto") == 0)
	{
		if (!tr_kind_info(p->kind)->detects_source)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("translation provider \"%s\" cannot detect the source language", p->name),
					 errhint("Pass source => 'en' (ISO 639-1) or the provider's own code.")));
		return NULL;
	}
	if (!tr_lang_for_provider(p->kind, code, target, out, sizeof(out)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s language \"%s\" for translation provider \"%s\"",
						target ? "target" : "source", code, p->name),
				 errhint("Use an ISO 639-1 code such as 'en' or one of imgtrans_provider_languages('%s').",
						 p->name)));
	return pstrdup(out);
}

/* ---------------------------------------------------------------------
 * Request building
 * ---------------------------------------------------------------------
 */

static char *
to_utf8(const char *s)
{
	return pg_server_to_any(s, strlen(s), PG_UTF8);
}

static void
append_form(StringInfo buf, const char *key, const char *value)
{
	size_t		len = strlen(value);
	size_t		enc = tr_form_encode(NULL, value, len);

	if (buf->len > 0)
		appendStringInfoChar(buf, '&');
	appendStringInfo(buf, "%s=", key);
	enlargeStringInfo(buf, enc);
	tr_form_encode(buf->data + buf->len, value, len);
	buf->len += enc;
	buf->data[buf->len] = '\0';
}

static void
append_json_string(StringInfo buf, const char *value)
{
	size_t		len = strlen(value);
	size_t		enc = tr_json_escape(NULL, value, len);

	appendStringInfoChar(buf, '"');
	enlargeStringInfo(buf, enc + 1);
	tr_json_escape(buf->data + buf->len, value, len);
	buf->len += enc;
	appendStringInfoChar(buf, '"');
}

/* ,"key":"value" (skipped when value is NULL) */
static void
append_json_member(StringInfo buf, const char *key, const char *value)
{
	if (value == NULL)
		return;
	appendStringInfo(buf, ",\"%s\":", key);
	append_json_string(buf, value);
}

static char *
endpoint(const Provider *p, const char *path)
{
	return psprintf("%s%s", p->url, path);
}

/* fills req for a POST of texts[0..n) to an array-taking provider */
static void
build_array_request(const Provider *p, const char *source, const char *target,
					int n, char **texts, HttpRequest *req, StringInfo body)
{
	int			i;

	req->auth_header = NULL;
	if (p->kind == TR_GOOGLE)
	{
		for (i = 0; i < n; i++)
			append_form(body, "q", texts[i]);
		append_form(body, "target", target);
		if (source)
			append_form(body, "source", source);
		append_form(body, "format", "text");
		append_form(body, "key", p->api_key ? p->api_key : "");
		req->url = endpoint(p, "/language/translate/v2");
		req->content_type = "application/x-www-form-urlencoded";
	}
	else
	{
		bool		deepl = (p->kind == TR_DEEPL);

		appendStringInfo(body, "{\"%s\":[", deepl ? "text" : "q");
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoChar(body, ',');
			append_json_string(body, texts[i]);
		}
		appendStringInfoChar(body, ']');
		append_json_member(body, deepl ? "target_lang" : "target", target);
		append_json_member(body, deepl ? "source_lang" : "source",
						   deepl ? source : (source ? source : "auto"));
		if (!deepl)
		{
			append_json_member(body, "format", "text");
			append_json_member(body, "api_key", p->api_key);
		}
		else
			req->auth_header = psprintf("Authorization: DeepL-Auth-Key %s",
										p->api_key ? p->api_key : "");
		appendStringInfoChar(body, '}');
		req->url = endpoint(p, deepl ? "/v2/translate" : "/translate");
		req->content_type = "application/json";
	}
	req->body = body->data;
	req->body_len = body->len;
}

/* bytes a text adds to a request body of this kind (for chunking) */
static size_t
encoded_len(TrKind kind, const char *text)
{
	size_t		len = strlen(text);

	if (kind == TR_APERTIUM)
		return tr_form_encode(NULL, text, len) + 7;	/* %0A.%0A */
	if (kind == TR_GOOGLE)
		return tr_form_encode(NULL, text, len) + 3;
	return tr_json_escape(NULL, text, len) + 3;
}

/* ---------------------------------------------------------------------
 * Responses
 * ---------------------------------------------------------------------
 */

/* the body in the server encoding; ERROR if it is not UTF-8 */
static char *
server_body(const Provider *p, const HttpResponse *r)
{
	if (!pg_verify_mbstr(PG_UTF8, r->body, r->len, true))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("translation provider \"%s\" answered HTTP %ld with invalid UTF-8",
						p->name, r->status)));
	return pg_any_to_server(r->body, r->len, PG_UTF8);
}

/*
 * The body as jsonb, or NULL (with jsonb_in's *detail, if detail is not
 * NULL) if jsonb_in refuses it: malformed JSON, or a number beyond
 * numeric's range.  jsonb_in only parses into memory, so its error can be
 * flushed here and reported as the provider's.
 */
static JsonbContainer *
body_jsonb(const char *body, char **detail)
{
	MemoryContext cxt = CurrentMemoryContext;
	Jsonb	   *volatile jb = NULL;

	PG_TRY();
	{
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(body)));
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		if (detail)
			*detail = CopyErrorData()->detail;
		FlushErrorState();
	}
	PG_END_TRY();
	return jb ? &jb->root : NULL;
}

/* masks the key in s (palloc'd) in every encoding it may have been sent in */
static char *
scrub_key(const Provider *p, char *s)
{
	char	   *keys[3];
	size_t		len;
	void	   *work;
	int			i;

	if (s == NULL || p->api_key == NULL || p->api_key[0] == '\0')
		return s;
	keys[0] = p->api_key;
	keys[1] = to_utf8(p->api_key);	/* the same unless the database is not UTF-8 */
	/* a header's UTF-8 read as Latin-1 (as Python's http.server does) */
	len = strlen(keys[1]);
	keys[2] = palloc(tr_latin1_to_utf8(NULL, keys[1], len) + 1);
	keys[2][tr_latin1_to_utf8(keys[2], keys[1], len)] = '\0';
	/* a key that starts in the part of s we show ends in here, however encoded */
	len = strlen(s);
	len = pg_mbcliplen(s, len, Min(len, MAX_ERROR_MESSAGE + 32 * strlen(keys[1]) + 16));
	s[len] = '\0';
	work = palloc(tr_scrub_workspace(len));
	for (i = 0; i < 3; i++)
		tr_scrub(s, keys[i], work);
	pfree(work);
	return s;
}

static JsonbContainer *
parse_json(const Provider *p, const HttpResponse *r)
{
	char	   *detail = NULL;
	JsonbContainer *root = body_jsonb(server_body(p, r), &detail);

	detail = scrub_key(p, detail);	/* jsonb_in quotes the token it refused */

	if (root == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_JSON_TEXT),
				 errmsg("translation provider \"%s\" answered HTTP %ld with malformed JSON",
						p->name, r->status),
				 detail ? errdetail("%s", detail) : 0));
	return root;
}

/* a member of an object container, or NULL */
static JsonbValue *
json_get(JsonbContainer *c, const char *key)
{
	if (c == NULL || !JsonContainerIsObject(c))
		return NULL;
	return getKeyJsonValueFromContainer(c, key, strlen(key), NULL);
}

static JsonbContainer *
json_container(JsonbValue *v)
{
	return (v != NULL && v->type == jbvBinary) ? v->val.binary.data : NULL;
}

static char *
json_string(JsonbValue *v)
{
	return (v != NULL && v->type == jbvString) ? pnstrdup(v->val.string.val, v->val.string.len) : NULL;
}

static void
unexpected_response(const Provider *p, const HttpResponse *r, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
			 errmsg("translation provider \"%s\" answered HTTP %ld with an unexpected response: %s",
					p->name, r->status, what)));
}

/* the provider's own message in an error answer; scrubbed, short */
static char *
error_message(const Provider *p, const HttpResponse *r)
{
	char	   *msg = NULL;
	int			len;

	if (pg_verify_mbstr(PG_UTF8, r->body, r->len, true))
	{
		char	   *body = pg_any_to_server(r->body, r->len, PG_UTF8);

		JsonbContainer *root = body_jsonb(body, NULL);

		if (root)
		{
			msg = json_string(json_get(root, "explanation"));	/* apertium */
			if (msg == NULL)
				msg = json_string(json_get(root, "message"));	/* deepl, apertium */
			if (msg == NULL)
				msg = json_string(json_get(root, "error"));	/* libretranslate */
			if (msg == NULL)	/* google */
				msg = json_string(json_get(json_container(json_get(root, "error")), "message"));
		}
		if (msg == NULL)
			msg = pnstrdup(body, strcspn(body, "\r\n"));
	}
	if (msg == NULL || msg[0] == '\0')
		msg = pstrdup("(no message)");
	msg = scrub_key(p, msg);
	len = pg_mbcliplen(msg, strlen(msg), MAX_ERROR_MESSAGE);
	msg[len] = '\0';
	return msg;
}

/* ERROR unless the answer is 2xx */
static void
check_status(const Provider *p, const HttpResponse *r)
{
	int			code = ERRCODE_EXTERNAL_ROUTINE_EXCEPTION;
	char	   *hint = NULL;
	char	   *msg;

	if (r->status >= 200 && r->status < 300)
		return;
	switch (r->status)
	{
		case 400:
		case 422:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			hint = psprintf("Check the language codes (imgtrans_provider_languages('%s')) and the API key.", p->name);
			break;
		case 401:
		case 403:
			code = ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
			hint = psprintf("Check the API key of provider \"%s\" (imgtrans_add_provider).", p->name);
			break;
		case 404:
			hint = psprintf("Check the URL of provider \"%s\".", p->name);
			break;
		case 413:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			hint = pstrdup("Lower the provider's max_batch option.");
			break;
		case 429:
			code = ERRCODE_CONFIGURATION_LIMIT_EXCEEDED;
			hint = r->retry_after >= 0
				? psprintf("The provider asks to slow down; retry after %d s.", r->retry_after)
				: pstrdup("The provider asks to slow down; retry later.");
			break;
		case 456:
			code = ERRCODE_CONFIGURATION_LIMIT_EXCEEDED;
			hint = pstrdup("The provider's quota is used up.");
			break;
	}
	msg = error_message(p, r);
	ereport(ERROR,
			(errcode(code),
			 errmsg("translation provider \"%s\" answered HTTP %ld: %s",
					p->name, r->status, msg),
			 hint ? errhint("%s", hint) : 0));
}

/*
 * Sends req within the provider's shared limits (ratelimit.c).  A 429
 * with Retry-After holds every session off the provider for that long;
 * a direct call waits it out and sends again while its statement has the
 * time (statement_timeout, else the provider's request timeout for the
 * whole call), and raises a clear ERROR when it has not.  A job's worker
 * does not wait: the 429's ERROR leads to a backoff of at least
 * Retry-After (jobrun.c).
 */
static void
send_limited(const Provider *p, HttpRequest *req, HttpResponse *resp)
{
	RateLimits	lim = {p->name, p->requests_per_second, p->max_concurrent};
	TimestampTz start = GetCurrentTimestamp();
	long		budget = p->timeout_ms > 0 ? p->timeout_ms : imgtrans_http_timeout_ms;

	for (;;)
	{
		long		wait_ms;
		long		left;

		rate_acquire(&lim);
		PG_TRY();
		{
			imgtrans_http_request(req, resp);
		}
		PG_FINALLY();
		{
			rate_release();
		}
		PG_END_TRY();
		if (resp->status != 429 || resp->retry_after < 0)
			return;
		wait_ms = resp->retry_after * 1000L;
		rate_hold_off(p->name, (int) Min(wait_ms, INT_MAX));
		if (IsBackgroundWorker)
			return;				/* the 429's ERROR; the job backs off */
		left = rate_statement_ms_left();
		if (left < 0)
			left = budget - TimestampDifferenceMilliseconds(start, GetCurrentTimestamp());
		if (wait_ms >= left)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
					 errmsg("translation provider \"%s\" asks to wait %d s before the next request (HTTP 429), longer than the statement has left",
							p->name, resp->retry_after),
					 errdetail("The statement has %ld ms left.", Max(left, 0)),
					 errhint("Try again in %d s, or allow the statement more time (statement_timeout, or the provider's timeout_ms without one); background jobs wait by themselves.",
							 resp->retry_after)));
		ereport(DEBUG1,
				(errmsg_internal("imgtrans: provider \"%s\" answered 429; retrying after %d s",
								 p->name, resp->retry_after)));
	}
}

/* one request, counted in imgtrans.provider_stats (failed ones by HTTP status) */
static JsonbContainer *
request_json(const Provider *p, HttpRequest *req, HttpResponse *resp)
{
	JsonbContainer *volatile root = NULL;
	instr_time	start;

	req->provider = p->name;
	req->timeout_ms = p->timeout_ms;
	resp->status = 0;			/* no answer, until there is one */
	INSTR_TIME_SET_CURRENT(start);
	PG_TRY();
	{
		send_limited(p, req, resp);
		check_status(p, resp);
		root = parse_json(p, resp);
	}
	PG_CATCH();
	{
		imgtrans_stats_provider_request(p->name, start, resp->status, true);
		PG_RE_THROW();
	}
	PG_END_TRY();
	imgtrans_stats_provider_request(p->name, start, resp->status, false);
	return root;
}

/* translations of an array answer into out[0..n) */
static void
extract_array(const Provider *p, const HttpResponse *r, JsonbContainer *root,
			  int n, char **out)
{
	const ResultPath *path = &result_paths[p->kind];
	JsonbContainer *arr = root;
	int			i;

	for (i = 0; i < 2 && path->keys[i]; i++)
		arr = json_container(json_get(arr, path->keys[i]));
	if (arr == NULL || !JsonContainerIsArray(arr))
		unexpected_response(p, r, "no array of translations");
	if ((int) JsonContainerSize(arr) != n)
		unexpected_response(p, r, psprintf("%d translations for %d texts",
										   (int) JsonContainerSize(arr), n));
	for (i = 0; i < n; i++)
	{
		JsonbValue *v = getIthJsonbValueFromContainer(arr, i);

		if (path->field)
			v = json_get(json_container(v), path->field);
		out[i] = json_string(v);
		if (out[i] == NULL)
			unexpected_response(p, r, "a translation is not a string");
	}
}

/* ---------------------------------------------------------------------
 * Array providers: libretranslate, deepl, google
 * ---------------------------------------------------------------------
 */

static void
translate_chunk(const Provider *p, const char *source, const char *target,
				int n, char **texts, char **out)
{
	HttpRequest req = {0};
	HttpResponse resp;
	StringInfoData body;
	JsonbContainer *root;

	initStringInfo(&body);
	build_array_request(p, source, target, n, texts, &req, &body);
	root = request_json(p, &req, &resp);
	extract_array(p, &resp, root, n, out);
}

typedef void (*ChunkFn) (const Provider *p, const char *source, const char *target,
						 int n, char **texts, char **out);

/* characters of one text we send: the provider's max_chars, else its kind's */
static int
max_chars_of(const Provider *p)
{
	return p->max_chars > 0 ? p->max_chars : tr_kind_info(p->kind)->max_chars;
}

/*
 * texts[0..n) in as few requests as the provider's limits allow; for APy,
 * whose batch is one text, max_chars bounds the whole request too.
 */
static void
translate_chunked(const Provider *p, const char *source, const char *target,
				  int n, char **texts, char **out, ChunkFn fn)
{
	const TrKindInfo *ki = tr_kind_info(p->kind);
	int			max = Min(p->max_batch, ki->max_batch);
	size_t	   *lens = palloc(sizeof(size_t) * Max(n, 1));
	size_t	   *chars = NULL;
	int			start;
	int			end;

	if (p->kind == TR_APERTIUM)
		chars = palloc(sizeof(size_t) * Max(n, 1));
	for (start = 0; start < n; start++)
	{
		lens[start] = encoded_len(p->kind, texts[start]);
		if (chars)
			chars[start] = tr_utf8_chars(texts[start], strlen(texts[start])) +
				strlen(APERTIUM_MARK);
	}
	for (start = 0; start < n; start = end)
	{
		end = tr_next_chunk(lens, chars, start, n, Max(max, 1), ki->max_request_bytes,
							(size_t) max_chars_of(p));
		fn(p, source, target, end - start, texts + start, out + start);
		CHECK_FOR_INTERRUPTS();
	}
	pfree(lens);
}

/* ---------------------------------------------------------------------
 * Apertium: pieces joined, each followed by a "." line
 * ---------------------------------------------------------------------
 */

static char *
apertium_request(const Provider *p, const char *source, const char *target, const char *q)
{
	HttpRequest req = {0};
	HttpResponse resp;
	StringInfoData body;
	JsonbContainer *root;
	char	   *text;

	initStringInfo(&body);
	append_form(&body, "langpair", psprintf("%s|%s", source, target));
	append_form(&body, "markUnknown", "no");
	append_form(&body, "q", q);
	req.url = endpoint(p, "/translate");
	req.content_type = "application/x-www-form-urlencoded";
	req.body = body.data;
	req.body_len = body.len;
	root = request_json(p, &req, &resp);
	text = json_string(json_get(json_container(json_get(root, "responseData")),
								result_paths[TR_APERTIUM].field));
	if (text == NULL)
		unexpected_response(p, &resp, "no responseData.translatedText");
	return text;
}

/* the translation of one piece, without the blanks APy adds around it */
static char *
trimmed(const char *s, size_t start, size_t len)
{
	TrSpan		line = {start, len};
	TrSpan		core;

	tr_trim_span(s, &line, &core);
	return pnstrdup(s + core.start, core.len);
}

static bool
is_mark(const char *s, const TrSpan *line)
{
	TrSpan		core;

	tr_trim_span(s, line, &core);
	return core.len == 1 && s[core.start] == '.';
}

/*
 * pieces[0..n) in one POST, each followed by APERTIUM_MARK; false if the
 * answer does not have a "." line after every piece.  With n == 1 the
 * translation may have gained line breaks: only the final "." counts.
 */
static bool
apertium_marked(const Provider *p, const char *source, const char *target,
				int n, char **pieces, char **out)
{
	StringInfoData q;
	char	   *res;
	size_t		len;
	TrSpan	   *spans = palloc(sizeof(TrSpan) * 2 * n);
	int			i;

	initStringInfo(&q);
	for (i = 0; i < n; i++)
		appendStringInfo(&q, "%s%s", pieces[i], APERTIUM_MARK);
	q.data[--q.len] = '\0';		/* no line after the last mark */
	res = apertium_request(p, source, target, q.data);
	len = strlen(res);
	if (n == 1)
	{
		char	   *nl = strrchr(res, '\n');
		TrSpan		last;

		if (nl == NULL)
			return false;
		last.start = nl + 1 - res;
		last.len = len - last.start;
		if (!is_mark(res, &last))
			return false;
		out[0] = trimmed(res, 0, nl - res);
		return true;
	}
	if (tr_split_lines(res, len, spans, 2 * n) != 2 * n)
		return false;
	for (i = 0; i < n; i++)
		if (!is_mark(res, &spans[2 * i + 1]))
			return false;
	for (i = 0; i < n; i++)
		out[i] = trimmed(res, spans[2 * i].start, spans[2 * i].len);
	return true;
}

/* pieces[0..n) in one POST; one POST per piece if the batch came back changed */
static void
apertium_chunk(const Provider *p, const char *source, const char *target,
			   int n, char **pieces, char **out)
{
	int			i;

	if (apertium_marked(p, source, target, n, pieces, out))
		return;
	if (n > 1)
		ereport(DEBUG1,
				(errmsg_internal("imgtrans: provider \"%s\" changed the lines of a batch; translating its %d pieces one by one",
								 p->name, n)));
	for (i = 0; i < n; i++)
	{
		if (n > 1 && apertium_marked(p, source, target, 1, pieces + i, out + i))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("translation provider \"%s\" answered with a truncated translation", p->name),
				 errdetail("The translation of a text of %zu characters came back without its end.",
						   tr_utf8_chars(pieces[i], strlen(pieces[i]))),
				 errhint("Lower the provider's max_chars option (default %d for kind %s).",
						 tr_kind_info(p->kind)->max_chars, tr_kind_info(p->kind)->name)));
	}
}

/* ---------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------
 */

/* s[0..len) of a UTF-8 text, in the server encoding, to buf */
static void
append_verbatim(StringInfo buf, const char *s, size_t len)
{
	char	   *conv;

	if (len == 0)
		return;
	conv = pg_any_to_server(s, len, PG_UTF8);
	/* s itself, not a terminated copy, when no conversion is needed */
	appendBinaryStringInfo(buf, conv, conv == s ? len : strlen(conv));
}

/*
 * Translates texts[0..n) (none NULL) into out[0..n), palloc'd in the
 * current context.  source is NULL for detection ('auto').  Only the
 * pieces of the texts are sent (see the top of this file); everything
 * between them comes back verbatim.
 */
void
provider_translate(const Provider *p, const char *source, const char *target,
				   int n, char **texts, char **out)
{
	size_t		max_chars = (size_t) max_chars_of(p);
	char	  **utf8 = palloc(sizeof(char *) * Max(n, 1));
	TrSpan	  **spans = palloc(sizeof(TrSpan *) * Max(n, 1));
	int		   *counts = palloc(sizeof(int) * Max(n, 1));
	char	  **pieces;
	char	  **done;
	int			total = 0;
	int			k = 0;
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		size_t		len;

		utf8[i] = to_utf8(texts[i]);
		len = strlen(utf8[i]);
		counts[i] = tr_segment(utf8[i], len, max_chars, NULL, 0);
		spans[i] = palloc(sizeof(TrSpan) * Max(counts[i], 1));
		tr_segment(utf8[i], len, max_chars, spans[i], counts[i]);
		total += counts[i];
	}
	pieces = palloc(sizeof(char *) * Max(total, 1));
	done = palloc(sizeof(char *) * Max(total, 1));
	for (i = 0; i < n; i++)
		for (j = 0; j < counts[i]; j++)
			pieces[k++] = pnstrdup(utf8[i] + spans[i][j].start, spans[i][j].len);
	translate_chunked(p, source, target, total, pieces, done,
					  p->kind == TR_APERTIUM ? apertium_chunk : translate_chunk);

	k = 0;
	for (i = 0; i < n; i++)
	{
		StringInfoData buf;
		size_t		at = 0;

		initStringInfo(&buf);
		for (j = 0; j < counts[i]; j++)
		{
			append_verbatim(&buf, utf8[i] + at, spans[i][j].start - at);
			appendStringInfoString(&buf, done[k++]);
			at = spans[i][j].start + spans[i][j].len;
		}
		append_verbatim(&buf, utf8[i] + at, strlen(utf8[i]) - at);
		out[i] = buf.data;
	}
}

/* ---------------------------------------------------------------------
 * Language pairs
 * ---------------------------------------------------------------------
 */

static void
add_pair(List **pairs, char *source, char *target)
{
	ProviderPair *pp;

	if (source == NULL || target == NULL || pg_strcasecmp(source, target) == 0)
		return;
	pp = palloc(sizeof(ProviderPair));
	pp->source = source;
	pp->target = target;
	*pairs = lappend(*pairs, pp);
}

/* field of every object in an array container (the element itself if field is NULL) */
static List *
json_strings(JsonbContainer *arr, const char *field)
{
	List	   *out = NIL;
	int			i;

	if (arr == NULL || !JsonContainerIsArray(arr))
		return NIL;
	for (i = 0; i < (int) JsonContainerSize(arr); i++)
	{
		JsonbValue *v = getIthJsonbValueFromContainer(arr, i);
		char	   *s = json_string(field ? json_get(json_container(v), field) : v);

		if (s)
			out = lappend(out, s);
	}
	return out;
}

/* every source with every other target */
static List *
cross_pairs(List *sources, List *targets)
{
	List	   *pairs = NIL;
	ListCell   *a,
			   *b;

	foreach(a, sources)
		foreach(b, targets)
		add_pair(&pairs, lfirst(a), lfirst(b));
	return pairs;
}

static JsonbContainer *
get_json(const Provider *p, const char *path, const char *auth, HttpResponse *resp)
{
	HttpRequest req = {0};

	req.url = endpoint(p, path);
	req.auth_header = auth;
	return request_json(p, &req, resp);
}

static List *
languages_of(const Provider *p, HttpResponse *resp)
{
	JsonbContainer *root;
	List	   *pairs = NIL;
	int			i;

	switch (p->kind)
	{
		case TR_APERTIUM:
			root = json_container(json_get(get_json(p, "/listPairs", NULL, resp), "responseData"));
			for (i = 0; root && JsonContainerIsArray(root) && i < (int) JsonContainerSize(root); i++)
			{
				JsonbContainer *o = json_container(getIthJsonbValueFromContainer(root, i));

				add_pair(&pairs, json_string(json_get(o, "sourceLanguage")),
						 json_string(json_get(o, "targetLanguage")));
			}
			return pairs;
		case TR_LIBRETRANSLATE:
			root = get_json(p, "/languages", NULL, resp);
			for (i = 0; JsonContainerIsArray(root) && i < (int) JsonContainerSize(root); i++)
			{
				JsonbContainer *o = json_container(getIthJsonbValueFromContainer(root, i));
				char	   *code = json_string(json_get(o, "code"));
				ListCell   *lc;

				foreach(lc, json_strings(json_container(json_get(o, "targets")), NULL))
					add_pair(&pairs, code, lfirst(lc));
			}
			return pairs;
		case TR_DEEPL:
			{
				char	   *auth = psprintf("Authorization: DeepL-Auth-Key %s",
											p->api_key ? p->api_key : "");
				List	   *src = json_strings(get_json(p, "/v2/languages?type=source", auth, resp), "language");

				return cross_pairs(src, json_strings(get_json(p, "/v2/languages?type=target", auth, resp),
													 "language"));
			}
		case TR_GOOGLE:
			{
				HttpRequest req = {0};
				StringInfoData body;
				List	   *codes;

				initStringInfo(&body);
				append_form(&body, "key", p->api_key ? p->api_key : "");
				req.url = endpoint(p, "/language/translate/v2/languages");
				req.content_type = "application/x-www-form-urlencoded";
				req.body = body.data;
				req.body_len = body.len;
				root = request_json(p, &req, resp);
				codes = json_strings(json_container(json_get(json_container(json_get(root, "data")),
															 "languages")), "language");
				return cross_pairs(codes, codes);
			}
		case TR_NKINDS:
			break;
	}
	return NIL;
}

/* the language pairs the provider supports, as ProviderPair *, in its order */
List *
provider_languages(const Provider *p)
{
	HttpResponse resp;
	List	   *pairs = languages_of(p, &resp);

	if (pairs == NIL)
		unexpected_response(p, &resp, "no language pairs");
	return pairs;
}
