/*
 * bench/editdist.c: edit distances for bench/accuracy.py.
 *
 * Reads lines "ID<TAB>HYP<TAB>REF" (texts with \n, \t and \\ escaped as
 * C escapes) and prints "ID<TAB>char_dist<TAB>ref_chars<TAB>word_dist<TAB>
 * ref_words".  Characters are Unicode code points; words are runs of
 * non-space.  Whitespace runs count as one space on both sides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Seq
{
	unsigned   *v;				/* code points, or word hashes */
	size_t		n;
} Seq;

static void
unescape(char *s)
{
	char	   *o = s;

	for (; *s; s++)
	{
		if (*s == '\\' && s[1])
		{
			s++;
			*o++ = *s == 'n' ? ' ' : *s == 't' ? ' ' : *s;
		}
		else
			*o++ = *s;
	}
	*o = '\0';
}

/* UTF-8 to code points, folding whitespace runs to one space, trimmed. */
static Seq
chars_of(const char *s)
{
	Seq			q = {malloc(sizeof(unsigned) * (strlen(s) + 1)), 0};
	const unsigned char *p = (const unsigned char *) s;
	int			space = 1;

	while (*p)
	{
		unsigned	c = *p++;

		if (c >= 0xc0)
		{
			int			extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;

			c &= 0x3f >> extra;
			while (extra-- > 0 && (*p & 0xc0) == 0x80)
				c = (c << 6) | (*p++ & 0x3f);
		}
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f')
		{
			if (!space)
				q.v[q.n++] = ' ';
			space = 1;
		}
		else
		{
			q.v[q.n++] = c;
			space = 0;
		}
	}
	if (q.n > 0 && q.v[q.n - 1] == ' ')
		q.n--;
	return q;
}

/* Words as FNV hashes of their code points. */
static Seq
words_of(const Seq *c)
{
	Seq			w = {malloc(sizeof(unsigned) * (c->n + 1)), 0};
	size_t		i = 0;

	while (i < c->n)
	{
		unsigned	h = 2166136261u;

		while (i < c->n && c->v[i] != ' ')
			h = (h ^ c->v[i++]) * 16777619u;
		w.v[w.n++] = h;
		i++;
	}
	return w;
}

static size_t
distance(const Seq *a, const Seq *b)
{
	size_t	   *row = malloc(sizeof(size_t) * (b->n + 1));
	size_t		i,
				j,
				d;

	for (j = 0; j <= b->n; j++)
		row[j] = j;
	for (i = 1; i <= a->n; i++)
	{
		size_t		diag = row[0];

		row[0] = i;
		for (j = 1; j <= b->n; j++)
		{
			size_t		up = row[j];
			size_t		best = diag + (a->v[i - 1] != b->v[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[b->n];
	free(row);
	return d;
}

int
main(void)
{
	static char line[1 << 22];
	static char empty[1];

	while (fgets(line, sizeof(line), stdin))
	{
		char	   *id = strtok(line, "\t\n");
		char	   *hyp = strtok(NULL, "\t\n");
		char	   *ref = strtok(NULL, "\t\n");
		Seq			hc,
					rc,
					hw,
					rw;

		if (!id)
			continue;
		hyp = hyp && strcmp(hyp, "-") != 0 ? hyp : empty;
		ref = ref ? ref : empty;
		unescape(hyp);
		unescape(ref);
		hc = chars_of(hyp);
		rc = chars_of(ref);
		hw = words_of(&hc);
		rw = words_of(&rc);
		printf("%s\t%zu\t%zu\t%zu\t%zu\n", id, distance(&hc, &rc), rc.n,
			   distance(&hw, &rw), rw.n);
		free(hc.v), free(rc.v), free(hw.v), free(rw.v);
	}
	return 0;
}
