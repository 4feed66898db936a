/*-------------------------------------------------------------------------
 * http.c
 *	  HTTP requests to translation providers with libcurl.
 *
 * One easy handle and one multi handle per backend, created on first use
 * and kept, so connections to a provider stay open between calls
 * (keep-alive, HTTP/1.1).  Every request gets the same safety settings:
 * http and https only, TLS verification on, no redirects, no signals
 * (SIGALRM belongs to PostgreSQL), timeouts from imgtrans.http_timeout_ms
 * and imgtrans.http_connect_timeout_ms, and a body cap of
 * imgtrans.max_response_bytes.
 *
 * The transfer runs in our own loop over curl_multi_poll() with a 100 ms
 * tick (curl_easy_perform() may sleep a whole second between progress
 * calls), so a cancel or statement_timeout stops a slow request within
 * about 100 ms; the XFERINFO callback also aborts on the same flags.
 * Callbacks never ereport (that would longjmp through libcurl): they
 * return a flag, and the error is raised here after curl has returned.
 * Error messages name the provider, never its URL or key (URLs go to the
 * server log only, with curl's own detail).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/memutils.h"

#include "translate/curl.h"
#include "translate/http.h"

#define POLL_TICK_MS 100
#define USER_AGENT "imgtrans/0.2.0 (PostgreSQL extension)"

/* what the callbacks collect; they only ever set fields here */
typedef struct Transfer
{
	MemoryContext cxt;
	char	   *buf;
	size_t		len;
	size_t		cap;
	size_t		max;
	bool		too_big;
	bool		oom;
	int			retry_after;
} Transfer;

static CURL *easy = NULL;
static CURLM *multi = NULL;

static void
cleanup_handles(int code, Datum arg)
{
	if (easy)
		curl_easy_cleanup(easy);
	if (multi)
		curl_multi_cleanup(multi);
	easy = NULL;
	multi = NULL;
}

static void
ensure_handles(void)
{
	if (multi != NULL)
		return;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not initialise libcurl")));
	easy = curl_easy_init();
	multi = curl_multi_init();
	if (easy == NULL || multi == NULL)
	{
		cleanup_handles(0, 0);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not create a libcurl handle")));
	}
	on_proc_exit(cleanup_handles, 0);
}

/* ---------------------------------------------------------------------
 * Callbacks: no ereport, no palloc that can throw
 * ---------------------------------------------------------------------
 */

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	Transfer   *t = (Transfer *) arg;
	size_t		n = size * nmemb;

	if (n > t->max - t->len)
	{
		t->too_big = true;
		return 0;
	}
	if (t->len + n + 1 > t->cap)
	{
		size_t		cap = Max(t->cap * 2, t->len + n + 1);
		char	   *nb;

		cap = Min(cap, t->max + 1);
		nb = MemoryContextAllocExtended(t->cxt, cap, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
		if (nb == NULL)
		{
			t->oom = true;
			return 0;
		}
		if (t->buf)
		{
			memcpy(nb, t->buf, t->len);
			pfree(t->buf);
		}
		t->buf = nb;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, ptr, n);
	t->len += n;
	return n;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	Transfer   *t = (Transfer *) arg;
	size_t		n = size * nmemb;
	static const char name[] = "retry-after:";

	if (n > sizeof(name) && pg_strncasecmp(ptr, name, sizeof(name) - 1) == 0)
	{
		size_t		i = sizeof(name) - 1;
		int			secs = 0;

		while (i < n && ptr[i] == ' ')
			i++;
		if (i < n && ptr[i] >= '0' && ptr[i] <= '9')	/* delay-seconds, not an HTTP date */
		{
			while (i < n && ptr[i] >= '0' && ptr[i] <= '9' && secs < 1000000)
				secs = secs * 10 + (ptr[i++] - '0');
			t->retry_after = secs;
		}
	}
	return n;
}

static bool
interrupt_pending(void)
{
	return QueryCancelPending || ProcDiePending;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
			curl_off_t ultotal, curl_off_t ulnow)
{
	return interrupt_pending() ? 1 : 0;
}

/* ---------------------------------------------------------------------
 * Request
 * ---------------------------------------------------------------------
 */

static struct curl_slist *
add_header(struct curl_slist *list, const char *line)
{
	struct curl_slist *l = curl_slist_append(list, line);

	if (l == NULL)
	{
		curl_slist_free_all(list);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory building an HTTP request")));
	}
	return l;
}

static struct curl_slist *
build_headers(const HttpRequest *req)
{
	struct curl_slist *h = add_header(NULL, "Accept: application/json");

	h = add_header(h, "Expect:");	/* no 100-continue round trip */
	if (req->content_type)
	{
		char	   *ct = psprintf("Content-Type: %s", req->content_type);

		h = add_header(h, ct);
		pfree(ct);
	}
	if (req->auth_header)
		h = add_header(h, req->auth_header);
	return h;
}

static void
configure(const HttpRequest *req, struct curl_slist *headers, Transfer *t, char *errbuf)
{
	long		timeout = req->timeout_ms > 0 ? req->timeout_ms : imgtrans_http_timeout_ms;
	CURLcode	rc = CURLE_OK;

	rc |= curl_easy_setopt(easy, CURLOPT_URL, req->url);
	rc |= curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	rc |= curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
	rc |= curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	rc |= curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout);
	rc |= curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long) imgtrans_http_connect_timeout_ms);
	rc |= curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) t->max);
	rc |= curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
	rc |= curl_easy_setopt(easy, CURLOPT_USERAGENT, USER_AGENT);
	rc |= curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	rc |= curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
	rc |= curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
	rc |= curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	rc |= curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
	rc |= curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
	rc |= curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	if (req->content_type)
	{
		rc |= curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
		rc |= curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body);
	}
	if (rc != CURLE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("libcurl %s does not support the options imgtrans requires",
						curl_version_info(CURLVERSION_NOW)->version),
				 errhint("imgtrans needs libcurl 7.85 or later.")));
}

/*
 * Runs the configured transfer.  Returns curl's result; *interrupted is
 * set when a cancel or termination request stopped it.
 */
static CURLcode
run_transfer(bool *interrupted)
{
	CURLMcode	mc;
	CURLcode	res = CURLE_FAILED_INIT;
	CURLMsg    *msg;
	int			running = 1;
	int			left;

	*interrupted = false;
	if (curl_multi_add_handle(multi, easy) != CURLM_OK)
		return CURLE_FAILED_INIT;
	for (;;)
	{
		mc = curl_multi_perform(multi, &running);
		if (mc != CURLM_OK || running == 0)
			break;
		if (interrupt_pending())
		{
			*interrupted = true;
			break;
		}
		mc = curl_multi_poll(multi, NULL, 0, POLL_TICK_MS, NULL);
		if (mc != CURLM_OK)
			break;
	}
	while ((msg = curl_multi_info_read(multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			res = msg->data.result;
	curl_multi_remove_handle(multi, easy);
	if (res == CURLE_ABORTED_BY_CALLBACK)
		*interrupted = true;
	return res;
}

static bool
is_connect_error(CURLcode res)
{
	return res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST ||
		res == CURLE_COULDNT_RESOLVE_PROXY || res == CURLE_SSL_CONNECT_ERROR ||
		res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE;
}

/* ERROR for a transfer that did not produce an HTTP response */
static void
report_transfer_error(const HttpRequest *req, CURLcode res, const Transfer *t,
					  const char *errbuf, long timeout)
{
	if (t->too_big || res == CURLE_FILESIZE_EXCEEDED)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("response of translation provider \"%s\" exceeds imgtrans.max_response_bytes (%d bytes)",
						req->provider, imgtrans_max_response_bytes),
				 errhint("Translate fewer texts per call, or raise imgtrans.max_response_bytes.")));
	if (t->oom)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory reading the response of translation provider \"%s\"",
						req->provider)));
	if (res == CURLE_OPERATION_TIMEDOUT)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("translation provider \"%s\" did not answer within %ld ms",
						req->provider, timeout),
				 errhint("Raise imgtrans.http_timeout_ms or the provider's timeout_ms option."),
				 errdetail_log("%s", errbuf)));
	if (res == CURLE_UNSUPPORTED_PROTOCOL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("URL of translation provider \"%s\" does not use http or https",
						req->provider)));
	ereport(ERROR,
			(errcode(is_connect_error(res) ? ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION
					 : ERRCODE_CONNECTION_FAILURE),
			 errmsg("could not reach translation provider \"%s\": %s",
					req->provider, curl_easy_strerror(res)),
			 errdetail_log("%s", errbuf)));
}

/*
 * Sends one request and returns the response, whatever its HTTP status;
 * ERROR when there is no response (unreachable, timeout, too big,
 * interrupted).  resp->body is palloc'd in the current memory context.
 */
void
imgtrans_http_request(const HttpRequest *req, HttpResponse *resp)
{
	struct curl_slist *volatile headers = NULL;
	char		errbuf[CURL_ERROR_SIZE];
	Transfer	t;

	ensure_handles();
	memset(&t, 0, sizeof(t));
	t.cxt = CurrentMemoryContext;
	t.max = (size_t) imgtrans_max_response_bytes;
	t.retry_after = -1;
	errbuf[0] = '\0';
	headers = build_headers(req);
	PG_TRY();
	{
		bool		interrupted;
		CURLcode	res;

		configure(req, headers, &t, errbuf);
		res = run_transfer(&interrupted);
		if (interrupted)
		{
			CHECK_FOR_INTERRUPTS();
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("request to translation provider \"%s\" was interrupted", req->provider)));
		}
		if (res != CURLE_OK)
			report_transfer_error(req, res, &t, errbuf,
								  req->timeout_ms > 0 ? req->timeout_ms : imgtrans_http_timeout_ms);
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
	}
	PG_FINALLY();
	{
		/*
		 * Back to defaults (live connections stay): the handle must not keep
		 * pointers to headers, errbuf, t or the body past this call.
		 */
		curl_easy_reset(easy);
		curl_slist_free_all(headers);
	}
	PG_END_TRY();
	if (t.buf == NULL)
		t.buf = palloc(1);
	t.buf[t.len] = '\0';
	resp->body = t.buf;
	resp->len = t.len;
	resp->retry_after = t.retry_after;
}
