/*-------------------------------------------------------------------------
 * transcodec.c
 *	  Plain-C helpers of the translation providers (see transcodec.h).
 *
 * Pure functions over caller-supplied buffers: no allocation, no I/O, no
 * PostgreSQL.  Must never grow a dependency on the server, so that
 * test/test_translate.c can test it without one.
 *-------------------------------------------------------------------------
 */
#include "transcodec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const TrKindInfo kinds[TR_NKINDS] = {
	/* APy takes one text per request; we send newline-joined lines */
	[TR_APERTIUM] = {"apertium", 10000, 1024 * 1024, false},
	[TR_LIBRETRANSLATE] = {"libretranslate", 10000, 1024 * 1024, true},
	/* DeepL: at most 50 texts and 128 KiB of request body */
	[TR_DEEPL] = {"deepl", 50, 128 * 1024 - 1024, true},
	/* Google v2: at most 128 q segments; keep bodies well under its cap */
	[TR_GOOGLE] = {"google", 128, 100 * 1024, true},
};

int
tr_kind_from_name(const char *name)
{
	int			k;

	for (k = 0; k < TR_NKINDS; k++)
		if (name != NULL && strcmp(name, kinds[k].name) == 0)
			return k;
	return -1;
}

const TrKindInfo *
tr_kind_info(TrKind kind)
{
	return (kind >= 0 && kind < TR_NKINDS) ? &kinds[kind] : NULL;
}

/* ---------------------------------------------------------------------
 * Encoders (dst == NULL: only count)
 * ---------------------------------------------------------------------
 */

static const char hexdigits[] = "0123456789ABCDEF";

/* application/x-www-form-urlencoded, as in the WHATWG URL standard */
size_t
tr_form_encode(char *dst, const char *src, size_t len)
{
	size_t		out = 0;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) src[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*')
		{
			if (dst)
				dst[out] = (char) c;
			out++;
		}
		else if (c == ' ')
		{
			if (dst)
				dst[out] = '+';
			out++;
		}
		else
		{
			if (dst)
			{
				dst[out] = '%';
				dst[out + 1] = hexdigits[c >> 4];
				dst[out + 2] = hexdigits[c & 15];
			}
			out += 3;
		}
	}
	return out;
}

/* The inside of a JSON string literal (RFC 8259); UTF-8 passes through. */
size_t
tr_json_escape(char *dst, const char *src, size_t len)
{
	size_t		out = 0;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) src[i];
		char		esc = 0;

		switch (c)
		{
			case '"':
				esc = '"';
				break;
			case '\\':
				esc = '\\';
				break;
			case '\n':
				esc = 'n';
				break;
			case '\r':
				esc = 'r';
				break;
			case '\t':
				esc = 't';
				break;
			case '\b':
				esc = 'b';
				break;
			case '\f':
				esc = 'f';
				break;
		}
		if (esc)
		{
			if (dst)
			{
				dst[out] = '\\';
				dst[out + 1] = esc;
			}
			out += 2;
		}
		else if (c < 0x20)
		{
			if (dst)
			{
				memcpy(dst + out, "\\u00", 4);
				dst[out + 4] = hexdigits[c >> 4];
				dst[out + 5] = hexdigits[c & 15];
			}
			out += 6;
		}
		else
		{
			if (dst)
				dst[out] = (char) c;
			out++;
		}
	}
	return out;
}

/* ---------------------------------------------------------------------
 * Language codes
 * ---------------------------------------------------------------------
 */

/* ISO 639-1 and the matching ISO 639-3 (= 639-2/T) code, which Apertium uses */
static const char *const iso_pairs[][2] = {
	{"af", "afr"}, {"am", "amh"}, {"an", "arg"}, {"ar", "ara"}, {"az", "aze"},
	{"ba", "bak"}, {"be", "bel"}, {"bg", "bul"}, {"bn", "ben"}, {"br", "bre"},
	{"bs", "bos"}, {"ca", "cat"}, {"co", "cos"}, {"cs", "ces"}, {"cv", "chv"},
	{"cy", "cym"}, {"da", "dan"}, {"de", "deu"}, {"el", "ell"}, {"en", "eng"},
	{"eo", "epo"}, {"es", "spa"}, {"et", "est"}, {"eu", "eus"}, {"fa", "fas"},
	{"fi", "fin"}, {"fo", "fao"}, {"fr", "fra"}, {"fy", "fry"}, {"ga", "gle"},
	{"gd", "gla"}, {"gl", "glg"}, {"gu", "guj"}, {"ha", "hau"}, {"he", "heb"},
	{"hi", "hin"}, {"hr", "hrv"}, {"ht", "hat"}, {"hu", "hun"}, {"hy", "hye"},
	{"id", "ind"}, {"is", "isl"}, {"it", "ita"}, {"ja", "jpn"}, {"ka", "kat"},
	{"kk", "kaz"}, {"km", "khm"}, {"kn", "kan"}, {"ko", "kor"}, {"ku", "kur"},
	{"ky", "kir"}, {"la", "lat"}, {"lb", "ltz"}, {"lo", "lao"}, {"lt", "lit"},
	{"lv", "lav"}, {"mg", "mlg"}, {"mk", "mkd"}, {"ml", "mal"}, {"mn", "mon"},
	{"mr", "mar"}, {"ms", "msa"}, {"mt", "mlt"}, {"my", "mya"}, {"nb", "nob"},
	{"ne", "nep"}, {"nl", "nld"}, {"nn", "nno"}, {"no", "nor"}, {"oc", "oci"},
	{"os", "oss"}, {"pa", "pan"}, {"pl", "pol"}, {"ps", "pus"}, {"pt", "por"},
	{"ro", "ron"}, {"ru", "rus"}, {"sc", "srd"}, {"se", "sme"}, {"si", "sin"},
	{"sk", "slk"}, {"sl", "slv"}, {"so", "som"}, {"sq", "sqi"}, {"sr", "srp"},
	{"sv", "swe"}, {"sw", "swa"}, {"ta", "tam"}, {"te", "tel"}, {"tg", "tgk"},
	{"th", "tha"}, {"tk", "tuk"}, {"tl", "tgl"}, {"tr", "tur"}, {"tt", "tat"},
	{"uk", "ukr"}, {"ur", "urd"}, {"uz", "uzb"}, {"vi", "vie"}, {"xh", "xho"},
	{"yi", "yid"}, {"zh", "zho"}, {"zu", "zul"},
};

#define N_ISO_PAIRS (sizeof(iso_pairs) / sizeof(iso_pairs[0]))

static const char *
iso_lookup(const char *code, int from, int to)
{
	size_t		i;

	for (i = 0; i < N_ISO_PAIRS; i++)
		if (strcmp(iso_pairs[i][from], code) == 0)
			return iso_pairs[i][to];
	return NULL;
}

const char *
tr_iso1_to_iso3(const char *iso1)
{
	return iso_lookup(iso1, 0, 1);
}

const char *
tr_iso3_to_iso1(const char *iso3)
{
	return iso_lookup(iso3, 1, 0);
}

/* 2 or 3 letters, then optional -xx or _xx parts of 1..8 letters/digits */
bool
tr_lang_valid(const char *code)
{
	size_t		i = 0;
	size_t		part;

	while (isalpha((unsigned char) code[i]))
		i++;
	if (i < 2 || i > 3)
		return false;
	while (code[i] != '\0')
	{
		if (code[i] != '-' && code[i] != '_')
			return false;
		i++;
		for (part = 0; isalnum((unsigned char) code[i]); part++)
			i++;
		if (part < 1 || part > 8)
			return false;
	}
	return i <= 32;
}

static void
copy_case(char *dst, const char *src, size_t len, bool upper)
{
	size_t		i;

	for (i = 0; i < len; i++)
		dst[i] = (char) (upper ? toupper((unsigned char) src[i]) : tolower((unsigned char) src[i]));
	dst[len] = '\0';
}

/*
 * The provider's code for a language code given as ISO 639-1 ("en",
 * "pt-BR") or as the provider's own code ("eng", "PT-BR", "eng_US").
 * False if the code is malformed or has no mapping.
 */
bool
tr_lang_for_provider(TrKind kind, const char *code, bool target,
					 char *out, size_t outlen)
{
	char		base[4];
	char		rest[33];
	const char *mapped;
	size_t		blen;
	bool		three;

	if (!tr_lang_valid(code))
		return false;
	blen = strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	copy_case(base, code, blen, false);
	snprintf(rest, sizeof(rest), "%s", code[blen] ? code + blen + 1 : "");
	three = (blen == 3);
	if (kind == TR_APERTIUM)
	{
		size_t		i;

		mapped = three ? base : tr_iso1_to_iso3(base);
		for (i = 0; rest[i]; i++)
			if (rest[i] == '-')
				rest[i] = '_';
		return mapped != NULL &&
			(size_t) snprintf(out, outlen, "%s%s%s", mapped, rest[0] ? "_" : "", rest) < outlen;
	}
	mapped = three ? tr_iso3_to_iso1(base) : base;
	if (mapped == NULL && kind == TR_DEEPL)
		return false;
	if (mapped == NULL)
		mapped = base;			/* Google and LibreTranslate know a few 3-letter codes */
	if (kind == TR_DEEPL)
	{
		/* DeepL: upper case; variants (EN-GB, PT-BR) only as target */
		char		b[4];

		copy_case(b, mapped, strlen(mapped), true);
		copy_case(rest, rest, strlen(rest), true);
		if (!target)
			rest[0] = '\0';
		return (size_t) snprintf(out, outlen, "%s%s%s", b, rest[0] ? "-" : "", rest) < outlen;
	}
	/* Google and LibreTranslate: zh-CN, pt-BR, zh-Hans */
	if (strlen(rest) == 2)
		copy_case(rest, rest, 2, true);
	return (size_t) snprintf(out, outlen, "%s%s%s", mapped, rest[0] ? "-" : "", rest) < outlen;
}

/* ---------------------------------------------------------------------
 * Batches and lines
 * ---------------------------------------------------------------------
 */

/*
 * End (exclusive) of the request that starts at item start: at most
 * max_count items and max_bytes of lens[], but always at least one item.
 */
int
tr_next_chunk(const size_t *lens, int start, int n, int max_count, size_t max_bytes)
{
	int			end = start;
	size_t		bytes = 0;

	while (end < n && end - start < max_count)
	{
		if (end > start && bytes + lens[end] > max_bytes)
			break;
		bytes += lens[end];
		end++;
	}
	return end;
}

/*
 * The '\n'-separated lines of s[0..len): a text with k newlines has k + 1
 * lines (so "" is one empty line).  Fills at most max spans; returns the
 * number of lines.
 */
int
tr_split_lines(const char *s, size_t len, TrSpan *spans, int max)
{
	int			n = 0;
	size_t		start = 0;
	size_t		i;

	for (i = 0; i <= len; i++)
	{
		if (i < len && s[i] != '\n')
			continue;
		if (n < max)
		{
			spans[n].start = start;
			spans[n].len = i - start;
		}
		n++;
		start = i + 1;
	}
	return n;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* line without its leading and trailing blanks (core->len 0 if all blank) */
void
tr_trim_span(const char *s, const TrSpan *line, TrSpan *core)
{
	size_t		a = line->start;
	size_t		b = line->start + line->len;

	while (a < b && is_blank(s[a]))
		a++;
	while (b > a && is_blank(s[b - 1]))
		b--;
	core->start = a;
	core->len = b - a;
}

/*
 * Replaces every occurrence of secret in s by "***" (shorter secrets by as
 * many '*'), in place; returns the new length.
 */
size_t
tr_scrub(char *s, const char *secret)
{
	size_t		slen = secret ? strlen(secret) : 0;
	size_t		mlen = slen < 3 ? slen : 3;
	char	   *from = s;
	char	   *p;

	while (slen > 0 && (p = strstr(from, secret)) != NULL)
	{
		memset(p, '*', mlen);
		memmove(p + mlen, p + slen, strlen(p + slen) + 1);
		from = p + mlen;
	}
	return strlen(s);
}
