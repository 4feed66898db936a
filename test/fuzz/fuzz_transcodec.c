/*
 * test/fuzz/fuzz_transcodec.c: libFuzzer harness for src/translate/transcodec.c,
 * the plain C that reads untrusted text: provider error messages (scrubbed
 * of API keys before they reach an ERROR) and callers' texts (split into
 * the pieces a provider is sent).
 *
 * The input is split at its first NUL into a secret and a message.  Checks,
 * besides the sanitizers: tr_scrub never grows the message and leaves no
 * raw copy of a secret of 4+ bytes in it; tr_segment's pieces are in
 * order, inside the text, non-empty, and each at most max_chars
 * characters.  Must never allocate per byte of input beyond what the
 * functions are documented to need.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "translate/transcodec.h"

#define MAX_PIECES 4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t		slen = nul ? (size_t) (nul - data) : 0;
	const uint8_t *msg = nul ? nul + 1 : data;
	size_t		mlen = size - (size_t) (msg - data);
	char	   *secret = malloc(slen + 1);
	char	   *text = malloc(mlen + 1);
	void	   *work;
	size_t		len;
	TrSpan	   *pieces = malloc(sizeof(TrSpan) * MAX_PIECES);
	size_t		max_chars = 1 + (size % 97);
	int			n,
				i;
	size_t		prev_end = 0;

	memcpy(secret, data, slen);
	secret[slen] = '\0';
	memcpy(text, msg, mlen);
	text[mlen] = '\0';
	len = strlen(text);			/* a C string stops at the first NUL */

	/* pieces of the text */
	n = tr_segment(text, len, max_chars, pieces, MAX_PIECES);
	assert(n >= 0 && n <= MAX_PIECES);
	for (i = 0; i < n; i++)
	{
		assert(pieces[i].start >= prev_end);
		assert(pieces[i].len > 0);
		assert(pieces[i].start + pieces[i].len <= len);
		assert(tr_utf8_chars(text + pieces[i].start, pieces[i].len) <= max_chars);
		prev_end = pieces[i].start + pieces[i].len;
	}

	/* the key scrubbed from a message */
	work = malloc(tr_scrub_workspace(len));
	assert(tr_scrub(text, secret, work) <= len);
	if (strlen(secret) >= 4)
		assert(strstr(text, secret) == NULL);

	free(work);
	free(pieces);
	free(text);
	free(secret);
	return 0;
}
