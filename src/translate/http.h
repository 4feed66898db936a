/*-------------------------------------------------------------------------
 * http.h
 *	  One HTTP request at a time over this backend's kept-alive libcurl
 *	  handle (http.c).
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_HTTP_H
#define IMGTRANS_HTTP_H

typedef struct HttpRequest
{
	const char *provider;		/* provider name, for error messages */
	const char *url;			/* never shown in messages */
	const char *content_type;	/* NULL: GET; else POST of body */
	const char *body;
	size_t		body_len;
	const char *auth_header;	/* "Authorization: ..." or NULL; secret */
	int			timeout_ms;		/* <= 0: imgtrans.http_timeout_ms */
} HttpRequest;

typedef struct HttpResponse
{
	long		status;			/* HTTP status code */
	char	   *body;			/* palloc'd, NUL-terminated */
	size_t		len;
	int			retry_after;	/* seconds from Retry-After, or -1 */
} HttpResponse;

/* GUCs (defined in translate.c) */
extern int	imgtrans_http_timeout_ms;
extern int	imgtrans_http_connect_timeout_ms;
extern int	imgtrans_max_response_bytes;

extern void imgtrans_http_request(const HttpRequest *req, HttpResponse *resp);

#endif							/* IMGTRANS_HTTP_H */
