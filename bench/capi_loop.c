/*-------------------------------------------------------------------------
 * capi_loop.c
 *	  The floor for bench/ocr_bench.sh: plain C over tesseract's C API with
 *	  one warm engine, no PostgreSQL.
 *
 * Initialises ONE engine (TessBaseAPIInit3 with the tessdata dir and
 * language the extension uses, psm 3), recognises the first image once
 * untimed (the warm-up, as the SQL side does), then for each round and
 * each image: pixRead, SetImage2, Recognize, GetUTF8Text, TessDeleteText,
 * Clear, pixDestroy -- timed around all of that.  Engine init is never
 * timed.  Prints one "image<TAB>round<TAB>ms<TAB>text bytes" line per
 * recognition and a final "# ms/image" summary line.
 *
 * Built by bench/ocr_bench.sh with gcc and pkg-config; never committed as
 * a binary.  It must not link or include anything of PostgreSQL.
 *
 *	  usage: capi_loop [-d TESSDATA] [-l LANG] [-p PSM] [-r ROUNDS] IMAGE...
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

typedef struct Options
{
	const char *datapath;
	const char *lang;
	int			psm;
	int			rounds;
} Options;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d TESSDATA] [-l LANG] [-p PSM] [-r ROUNDS] IMAGE...\n", prog);
	exit(2);
}

static int
parse_options(int argc, char **argv, Options *opt)
{
	int			c;

	opt->datapath = "/usr/share/tesseract-ocr/5/tessdata";
	opt->lang = "eng";
	opt->psm = 3;
	opt->rounds = 1;
	while ((c = getopt(argc, argv, "d:l:p:r:")) != -1)
	{
		switch (c)
		{
			case 'd':
				opt->datapath = optarg;
				break;
			case 'l':
				opt->lang = optarg;
				break;
			case 'p':
				opt->psm = atoi(optarg);
				break;
			case 'r':
				opt->rounds = atoi(optarg);
				break;
			default:
				usage(argv[0]);
		}
	}
	if (optind >= argc || opt->rounds < 1)
		usage(argv[0]);
	return optind;
}

/* One recognition of path; returns its text length, or -1 on failure. */
static long
recognize_file(TessBaseAPI *api, const char *path)
{
	PIX		   *pix = pixRead(path);
	char	   *text;
	long		len = -1;

	if (pix == NULL)
		return -1;
	TessBaseAPISetImage2(api, pix);
	if (TessBaseAPIRecognize(api, NULL) == 0)
	{
		text = TessBaseAPIGetUTF8Text(api);
		len = text ? (long) strlen(text) : 0;
		TessDeleteText(text);
	}
	TessBaseAPIClear(api);
	pixDestroy(&pix);
	return len;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int
main(int argc, char **argv)
{
	Options		opt;
	int			first = parse_options(argc, argv, &opt);
	TessBaseAPI *api = TessBaseAPICreate();
	double		total = 0;
	long		n = 0;
	int			r,
				i;

	if (TessBaseAPIInit3(api, opt.datapath, opt.lang) != 0)
	{
		fprintf(stderr, "capi_loop: cannot load language \"%s\" from %s\n", opt.lang, opt.datapath);
		return 1;
	}
	TessBaseAPISetPageSegMode(api, (TessPageSegMode) opt.psm);

	/* warm-up, untimed, as for the SQL side */
	if (recognize_file(api, argv[first]) < 0)
	{
		fprintf(stderr, "capi_loop: cannot recognise %s\n", argv[first]);
		return 1;
	}

	for (r = 1; r <= opt.rounds; r++)
		for (i = first; i < argc; i++)
		{
			double		t0 = now_ms();
			double		ms;
			long		len = recognize_file(api, argv[i]);

			if (len < 0)
			{
				fprintf(stderr, "capi_loop: cannot recognise %s\n", argv[i]);
				return 1;
			}
			ms = now_ms() - t0;
			printf("%s\t%d\t%.3f\t%ld\n", base_name(argv[i]), r, ms, len);
			total += ms;
			n++;
		}
	printf("# ms/image: %.1f over %ld recognitions\n", total / n, n);

	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	return 0;
}
