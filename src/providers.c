/*-------------------------------------------------------------------------
 * providers.c
 *	  The translation provider kinds: how each wants its request, how each
 *	  answers, and which language codes it uses.
 *
 *	  apertium        APy: POST /translate, form langpair=eng|spa, q, and
 *	                  markUnknown=no.  One text per request, but APy keeps
 *	                  line breaks, so a batch travels as one text of
 *	                  newline-joined lines, split back and count-checked
 *	                  (per-line requests if the count does not match).
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
 * Texts travel as UTF-8 whatever the database encoding.  Answers must be
 * valid UTF-8 and JSON, else a clean ERROR naming the provider.  API keys
 * travel in a header or the body, never in a URL, and are scrubbed from
 * any provider message before it reaches an ERROR.  This file must never
 * send anything except through imgtrans_http_request().
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "http.h"
#include "providers.h"

#define MAX_ERROR_MESSAGE 300

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

	if (kind == TR_GOOGLE || kind == TR_APERTIUM)
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

static JsonbContainer *
parse_json(const Provider *p, const HttpResponse *r)
{
	char	   *detail = NULL;
	JsonbContainer *root = body_jsonb(server_body(p, r), &detail);

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
	tr_scrub(msg, p->api_key);
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

static JsonbContainer *
request_json(const Provider *p, HttpRequest *req, HttpResponse *resp)
{
	req->provider = p->name;
	req->timeout_ms = p->timeout_ms;
	imgtrans_http_request(req, resp);
	check_status(p, resp);
	return parse_json(p, resp);
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

/* texts[0..n) in as few requests as the provider's limits allow */
static void
translate_chunked(const Provider *p, const char *source, const char *target,
				  int n, char **texts, char **out, ChunkFn fn)
{
	const TrKindInfo *ki = tr_kind_info(p->kind);
	int			max = Min(p->max_batch, ki->max_batch);
	size_t	   *lens = palloc(sizeof(size_t) * Max(n, 1));
	int			start;
	int			end;

	for (start = 0; start < n; start++)
		lens[start] = encoded_len(p->kind, texts[start]);
	for (start = 0; start < n; start = end)
	{
		end = tr_next_chunk(lens, start, n, Max(max, 1), ki->max_request_bytes);
		fn(p, source, target, end - start, texts + start, out + start);
		CHECK_FOR_INTERRUPTS();
	}
	pfree(lens);
}

/* ---------------------------------------------------------------------
 * Apertium: newline-joined lines
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

/* the translation of one line, without the blanks APy adds around it */
static char *
trimmed(const char *s, size_t start, size_t len)
{
	TrSpan		line = {start, len};
	TrSpan		core;

	tr_trim_span(s, &line, &core);
	return pnstrdup(s + core.start, core.len);
}

/* lines[0..n) (no newlines, not blank) in one POST; per line on a count mismatch */
static void
apertium_chunk(const Provider *p, const char *source, const char *target,
			   int n, char **lines, char **out)
{
	StringInfoData q;
	char	   *res;
	TrSpan	   *spans = palloc(sizeof(TrSpan) * n);
	int			i;

	initStringInfo(&q);
	for (i = 0; i < n; i++)
		appendStringInfo(&q, "%s%s", i ? "\n" : "", lines[i]);
	res = apertium_request(p, source, target, q.data);
	if (tr_split_lines(res, strlen(res), spans, n) == n)
	{
		for (i = 0; i < n; i++)
			out[i] = trimmed(res, spans[i].start, spans[i].len);
		return;
	}
	ereport(DEBUG1,
			(errmsg_internal("imgtrans: provider \"%s\" changed the line count of a batch; translating its %d lines one by one",
							 p->name, n)));
	for (i = 0; i < n; i++)
	{
		res = apertium_request(p, source, target, lines[i]);
		out[i] = trimmed(res, 0, strlen(res));
	}
}

/* the '\n'-separated lines of a text, and each one without its blanks */
typedef struct TextLines
{
	int			n;
	TrSpan	   *line;
	TrSpan	   *core;			/* len 0 for a blank line */
} TextLines;

static void
split_text(const char *text, TextLines *tl)
{
	size_t		len = strlen(text);
	int			j;

	tl->n = tr_split_lines(text, len, NULL, 0);
	tl->line = palloc(sizeof(TrSpan) * tl->n);
	tl->core = palloc(sizeof(TrSpan) * tl->n);
	tr_split_lines(text, len, tl->line, tl->n);
	for (j = 0; j < tl->n; j++)
		tr_trim_span(text, &tl->line[j], &tl->core[j]);
}

/*
 * Every non-blank line of every text is translated (in batches of
 * newline-joined lines); blank lines and each line's leading and trailing
 * blanks are kept from the input.
 */
static void
apertium_translate(const Provider *p, const char *source, const char *target,
				   int n, char **texts, char **out)
{
	TextLines  *tl = palloc(sizeof(TextLines) * Max(n, 1));
	char	  **lines;
	char	  **done;
	int			total = 0;
	int			k = 0;
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		split_text(texts[i], &tl[i]);
		total += tl[i].n;
	}
	lines = palloc(sizeof(char *) * Max(total, 1));
	done = palloc(sizeof(char *) * Max(total, 1));
	for (i = 0; i < n; i++)
		for (j = 0; j < tl[i].n; j++)
			if (tl[i].core[j].len > 0)
				lines[k++] = pnstrdup(texts[i] + tl[i].core[j].start, tl[i].core[j].len);
	translate_chunked(p, source, target, k, lines, done, apertium_chunk);

	/* reassemble: input blanks around each translated line */
	k = 0;
	for (i = 0; i < n; i++)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (j = 0; j < tl[i].n; j++)
		{
			const TrSpan *line = &tl[i].line[j];
			const TrSpan *core = &tl[i].core[j];
			size_t		core_end = core->start + core->len;

			if (j > 0)
				appendStringInfoChar(&buf, '\n');
			appendBinaryStringInfo(&buf, texts[i] + line->start, core->start - line->start);
			if (core->len > 0)
				appendStringInfoString(&buf, done[k++]);
			appendBinaryStringInfo(&buf, texts[i] + core_end, line->start + line->len - core_end);
		}
		out[i] = buf.data;
	}
}

/* ---------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------
 */

/*
 * Translates texts[0..n) (none NULL) into out[0..n), palloc'd in the
 * current context.  source is NULL for detection ('auto').
 */
void
provider_translate(const Provider *p, const char *source, const char *target,
				   int n, char **texts, char **out)
{
	char	  **utf8 = palloc(sizeof(char *) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		utf8[i] = to_utf8(texts[i]);
	if (p->kind == TR_APERTIUM)
		apertium_translate(p, source, target, n, utf8, out);
	else
		translate_chunked(p, source, target, n, utf8, out, translate_chunk);
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
