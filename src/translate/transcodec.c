/*-------------------------------------------------------------------------
 * transcodec.c
 *	  Plain-C helpers of the translation providers (see transcodec.h).
 *
 * Pure functions over caller-supplied buffers (tr_scrub takes its work
 * space from the caller too): no allocation, no I/O, no PostgreSQL.  Must never grow a dependency on the server, so that
 * test/translate/test_translate.c can test it without one.
 *-------------------------------------------------------------------------
 */
#include "translate/transcodec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*
 * max_chars: APy takes one text per request (we send newline-joined
 * pieces) and translates at most 10 parts of it, each cut at a '.' or
 * space in the second half of 4096 bytes (1000 characters with more than
 * two concurrent users); the rest is silently dropped.  That is 40,960
 * characters in the best case and 5,010 in the worst, so 5000.
 * LibreTranslate servers often run with --char-limit 5000; Google v2
 * recommends 5000 codepoints per request; DeepL only caps the body at
 * 128 KiB, which 30,000 characters of 4-byte UTF-8 stay under.
 */
static const TrKindInfo kinds[TR_NKINDS] = {
	[TR_APERTIUM] = {"apertium", 10000, 1024 * 1024, 5000, false},
	[TR_LIBRETRANSLATE] = {"libretranslate", 10000, 1024 * 1024, 5000, true},
	/* DeepL: at most 50 texts and 128 KiB of request body */
	[TR_DEEPL] = {"deepl", 50, 128 * 1024 - 1024, 30000, true},
	/* Google v2: at most 128 q segments; keep bodies well under its cap */
	[TR_GOOGLE] = {"google", 128, 100 * 1024, 5000, true},
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

/* every byte read as a Latin-1 character, in UTF-8 (how mojibake is made) */
size_t
tr_latin1_to_utf8(char *dst, const char *src, size_t len)
{
	size_t		out = 0;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) src[i];

		if (c < 0x80)
		{
			if (dst)
				dst[out] = (char) c;
			out++;
			continue;
		}
		if (dst)
		{
			dst[out] = (char) (0xC0 | (c >> 6));
			dst[out + 1] = (char) (0x80 | (c & 0x3F));
		}
		out += 2;
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
 * max_count items, max_bytes of lens[] and (if chars is not NULL)
 * max_chars of chars[], but always at least one item.
 */
int
tr_next_chunk(const size_t *lens, const size_t *chars, int start, int n,
			  int max_count, size_t max_bytes, size_t max_chars)
{
	int			end = start;
	size_t		bytes = 0;
	size_t		nchars = 0;

	while (end < n && end - start < max_count)
	{
		if (end > start &&
			(bytes + lens[end] > max_bytes ||
			 (chars != NULL && nchars + chars[end] > max_chars)))
			break;
		bytes += lens[end];
		nchars += chars ? chars[end] : 0;
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

/* ---------------------------------------------------------------------
 * Pieces: what a provider is sent of a text
 * ---------------------------------------------------------------------
 */

/* UTF-8 characters in s[0..len) (continuation bytes not counted) */
size_t
tr_utf8_chars(const char *s, size_t len)
{
	size_t		n = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		n += ((unsigned char) s[i] & 0xC0) != 0x80;
	return n;
}

/* bytes of the line break at s[i], or 0: \n \r \v \f, U+0085, U+2028, U+2029 */
static size_t
line_break_at(const char *s, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *) s;

	if (u[i] == '\n' || u[i] == '\r' || u[i] == '\v' || u[i] == '\f')
		return 1;
	if (u[i] == 0xC2 && i + 1 < len && u[i + 1] == 0x85)
		return 2;
	if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
		return 3;
	return 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* does the character that ends at s[p - 1] end a sentence? */
static bool
ends_sentence(const char *s, size_t start, size_t p)
{
	static const char *const wide[] = {"\u2026", "\u3002", "\uFF01", "\uFF1F"}; /* … 。！？ */
	size_t		i;

	/* closing quotes and brackets after the full stop: ." .) .” */
	while (p > start + 1 && strchr("\"')]", s[p - 1]) != NULL)
		p--;
	if (p > start + 2 && memcmp(s + p - 3, "\u201D", 3) == 0)
		p -= 3;
	if (p > start && strchr(".!?", s[p - 1]) != NULL)
		return true;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (p >= start + 3 && memcmp(s + p - 3, wide[i], 3) == 0)
			return true;
	return false;
}

/*
 * End of the first piece of s[a..b) (no line breaks, no blanks at its
 * ends): all of it if it has at most max_chars characters, else the last
 * sentence end within max_chars characters, else the last space, else
 * max_chars whole characters.
 */
static size_t
piece_end(const char *s, size_t a, size_t b, size_t max_chars)
{
	size_t		lim = a;
	size_t		nchars = 0;
	size_t		sentence = 0;
	size_t		space = 0;
	size_t		p;

	while (lim < b && nchars < max_chars)
	{
		lim++;
		while (lim < b && ((unsigned char) s[lim] & 0xC0) == 0x80)
			lim++;
		nchars++;
	}
	if (lim >= b)
		return b;
	for (p = a + 1; p <= lim; p++)
	{
		bool		at_space = is_space(s[p]) && !is_space(s[p - 1]);

		if ((at_space || (((unsigned char) s[p] & 0xC0) != 0x80 && (unsigned char) s[p - 1] >= 0x80))
			&& ends_sentence(s, a, p))
			sentence = p;		/* "end. Next", or "終わり。次" (no space) */
		if (at_space)
			space = p;
	}
	return sentence ? sentence : space ? space : lim;
}

/*
 * The pieces of s[0..len) a provider is sent: every line (split at any
 * line break) without the spaces and tabs at its ends, and lines longer
 * than max_chars characters (0: no limit) split at sentence ends, else
 * spaces, else between characters.  Blank lines give no piece.  What lies
 * between the pieces (line breaks, blanks, the space at a split) is kept
 * verbatim by the caller.  Fills at most max pieces; returns their number.
 */
int
tr_segment(const char *s, size_t len, size_t max_chars, TrSpan *pieces, int max)
{
	int			n = 0;
	size_t		i = 0;

	if (max_chars == 0)
		max_chars = (size_t) -1;
	while (i < len)
	{
		size_t		end;
		size_t		e;
		size_t		k;

		if ((k = line_break_at(s, len, i)) > 0 || (k = is_space(s[i])) > 0)
		{
			i += k;
			continue;
		}
		for (end = i; end < len && line_break_at(s, len, end) == 0; end++)
			;
		for (e = end; e > i && is_space(s[e - 1]); e--)
			;
		while (i < e)
		{
			size_t		cut = piece_end(s, i, e, max_chars);
			size_t		stop = cut;

			while (stop > i && is_space(s[stop - 1]))
				stop--;
			if (n < max)
			{
				pieces[n].start = i;
				pieces[n].len = stop - i;
			}
			n++;
			for (i = cut; i < e && is_space(s[i]); i++)
				;
		}
		i = end;
	}
	return n;
}

/* ---------------------------------------------------------------------
 * Scrubbing secrets
 *
 * A provider's error text may echo the request, and with it the API key
 * in whatever encoding it was sent: raw (a header), form-encoded (%2F or
 * %2f, '+' or %20 for a space) or JSON-escaped (\", \/, \u00e9, surrogate
 * pairs), and, when a JSON error quotes a JSON or form body, one encoding
 * inside another.  So the text is decoded in every order of up to two
 * layers, each decoded byte remembering the bytes of the original it came
 * from; every place where the key appears in a decoding has those
 * original bytes masked.
 * ---------------------------------------------------------------------
 */

/* a decoding of the text: dec[i] came from original bytes [from[i], to[i]) */
typedef struct Decoding
{
	char	   *dec;
	size_t	   *from;
	size_t	   *to;
	size_t		len;
} Decoding;

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* the 4 hex digits at d[i..i+4) as a number, or -1 */
static long
hex4(const Decoding *d, size_t i)
{
	long		v = 0;
	int			k;

	if (i + 4 > d->len)
		return -1;
	for (k = 0; k < 4; k++)
	{
		int			h = hexval(d->dec[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static int
utf8_encode(unsigned long cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/* the unit at d->dec[i] in form encoding: bytes into out, length into *used */
static int
form_unit(const Decoding *d, size_t i, char *out, size_t *used)
{
	if (d->dec[i] == '+')
	{
		out[0] = ' ';
		*used = 1;
		return 1;
	}
	if (d->dec[i] == '%' && i + 2 < d->len &&
		hexval(d->dec[i + 1]) >= 0 && hexval(d->dec[i + 2]) >= 0)
	{
		out[0] = (char) (hexval(d->dec[i + 1]) * 16 + hexval(d->dec[i + 2]));
		*used = 3;
		return 1;
	}
	return 0;
}

/* the unit at d->dec[i] as a JSON string escape */
static int
json_unit(const Decoding *d, size_t i, char *out, size_t *used)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	long		cp;

	if (d->dec[i] != '\\' || i + 1 >= d->len)
		return 0;
	if (d->dec[i + 1] != 'u')
	{
		if (d->dec[i + 1] == '\0' || (e = strchr(from, d->dec[i + 1])) == NULL)
			return 0;
		out[0] = to[e - from];
		*used = 2;
		return 1;
	}
	if ((cp = hex4(d, i + 2)) < 0)
		return 0;
	*used = 6;
	if (cp >= 0xD800 && cp < 0xDC00 && i + 7 < d->len &&
		d->dec[i + 6] == '\\' && d->dec[i + 7] == 'u')
	{
		long		lo = hex4(d, i + 8);

		if (lo >= 0xDC00 && lo < 0xE000)
		{
			*used = 12;
			return utf8_encode(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), out);
		}
	}
	if (cp >= 0xD800 && cp < 0xE000)
		return 0;				/* a lone surrogate */
	return utf8_encode((unsigned long) cp, out);
}

/* decodes one layer in place ('f': form, 'j': JSON); escapes it does not know stay */
static void
decode_layer(Decoding *d, char layer)
{
	size_t		r = 0;
	size_t		w = 0;

	while (r < d->len)
	{
		char		out[4];
		size_t		used = 1;
		int			n = layer == 'f' ? form_unit(d, r, out, &used) : json_unit(d, r, out, &used);
		size_t		from = d->from[r];
		size_t		to = d->to[r + used - 1];
		int			k;

		if (n == 0)
		{
			out[0] = d->dec[r];
			n = 1;
			used = 1;
			to = d->to[r];
		}
		for (k = 0; k < n; k++, w++)
		{
			d->dec[w] = out[k];
			d->from[w] = from;
			d->to[w] = to;
		}
		r += used;
	}
	d->len = w;
}

/* bytes of work space tr_scrub needs for a text of len bytes */
size_t
tr_scrub_workspace(size_t len)
{
	return (len + 1) * (2 * sizeof(size_t) + 2);
}

/*
 * Masks every occurrence of secret in s, in any of the encodings above,
 * by "***" (a shorter secret by as many '*'), in place; returns the new
 * length.  work must hold tr_scrub_workspace(strlen(s)) bytes.
 */
size_t
tr_scrub(char *s, const char *secret, void *work)
{
	static const char *const orders[] = {"", "f", "j", "ff", "fj", "jf", "jj"};
	size_t		len = strlen(s);
	size_t		slen = secret ? strlen(secret) : 0;
	Decoding	d;
	char	   *mask;
	size_t		o;
	size_t		i;
	size_t		w;

	if (slen == 0)
		return len;
	d.from = (size_t *) work;
	d.to = d.from + len + 1;
	d.dec = (char *) (d.to + len + 1);
	mask = d.dec + len + 1;
	memset(mask, 0, len);
	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++)
	{
		const char *layer;

		memcpy(d.dec, s, len);
		for (i = 0; i < len; i++)
		{
			d.from[i] = i;
			d.to[i] = i + 1;
		}
		d.len = len;
		for (layer = orders[o]; *layer; layer++)
			decode_layer(&d, *layer);
		for (i = 0; i + slen <= d.len; i++)
		{
			if (memcmp(d.dec + i, secret, slen) != 0)
				continue;
			memset(mask + d.from[i], 1, d.to[i + slen - 1] - d.from[i]);
			i += slen - 1;
		}
	}
	/* each masked run becomes "***" */
	for (i = 0, w = 0; i < len;)
	{
		size_t		run = 0;

		while (i + run < len && mask[i + run])
			run++;
		if (run == 0)
		{
			s[w++] = s[i++];
			continue;
		}
		memset(s + w, '*', run < 3 ? run : 3);
		w += run < 3 ? run : 3;
		i += run;
	}
	s[w] = '\0';
	return w;
}
