/*-------------------------------------------------------------------------
 * curl.h
 *	  The one place imgtrans includes libcurl.
 *
 * Include after postgres.h, and only from http.c: every HTTP request of
 * the extension goes through that file, so its safety settings (protocols,
 * TLS verification, redirects, timeouts, size cap, interrupts) hold for
 * all of them.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_CURL_H
#define IMGTRANS_CURL_H

#include <curl/curl.h>

#endif							/* IMGTRANS_CURL_H */
