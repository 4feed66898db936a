/*-------------------------------------------------------------------------
 * decode_loop.c
 *	  The floor for bench/decode_bench.sh: what imgtrans_skew(image) does,
 *	  in plain C in one process, no PostgreSQL and no decoder process.
 *
 * For each file: read it into memory, then ROUNDS times pixReadMem,
 * pixConvertTo1 (threshold 130) and pixFindSkewSweepAndSearchScore with
 * imgtrans's parameters (src/ocr/preprocess.c: find_skew), timed; prints
 * "file<TAB>best ms".  This is how 0.16.0's backend decoded (leptonica in
 * the process).  Built by bench/decode_bench.sh; never committed as a
 * binary.  It must not link or include anything of PostgreSQL.
 *
 *	  usage: decode_loop ROUNDS FILE...
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <leptonica/allheaders.h>

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	int			rounds = argc > 1 ? atoi(argv[1]) : 5;
	int			i,
				r;

	setMsgSeverity(L_SEVERITY_NONE);
	for (i = 2; i < argc; i++)
	{
		l_uint8    *data;
		size_t		len;
		double		best = -1;

		if ((data = l_binaryRead(argv[i], &len)) == NULL)
		{
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 1;
		}
		for (r = 0; r < rounds; r++)
		{
			double		t0 = now_ms(),
						t;
			PIX		   *pix = pixReadMem(data, len);
			PIX		   *bin;
			l_float32	angle,
						conf,
						end;

			if (pix == NULL)
			{
				fprintf(stderr, "cannot decode %s\n", argv[i]);
				return 1;
			}
			bin = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 130);
			(void) pixFindSkewSweepAndSearchScore(bin, &angle, &conf, &end, 4, 2, 0.0,
												  15.0, 0.5, 0.01);
			pixDestroy(&bin);
			pixDestroy(&pix);
			t = now_ms() - t0;
			if (best < 0 || t < best)
				best = t;
		}
		printf("%s\t%.1f\n", argv[i], best);
		free(data);
	}
	return 0;
}
