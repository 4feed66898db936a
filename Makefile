# imgtrans: PGXS build.
#
# Two shared libraries are built (src/ has one folder per subsystem, see
# the README's Layout section):
#   imgtrans.so         module entry, GUCs, image decoding (leptonica),
#                       rendering (leptonica + FreeType)
#   imgtrans_engine.so  everything that calls tesseract; loaded by
#                       imgtrans.so on first use, after OMP_THREAD_LIMIT is
#                       set (see src/imgtrans.c for why)

EXTENSION = imgtrans imgtrans_farm
MODULE_big = imgtrans
OBJS = src/imgtrans.o \
	src/util/rolescope.o src/util/tempdir.o src/util/counters.o src/util/subproc.o src/stats/stats.o \
	src/image/image.o src/image/decoder.o src/image/decanswer.o src/image/glyphs.o src/image/imgheader.o src/image/heifheader.o \
	src/ocr/boxes.o src/ocr/languages.o src/ocr/autolang.o src/ocr/scripts.o src/ocr/ocrargs.o src/ocr/ocrvars.o src/ocr/ocrcache.o \
	src/jobs/worker.o src/jobs/shmem.o src/jobs/jobrun.o src/jobs/pagecost.o src/jobs/joblocks.o src/jobs/jobs.o src/jobs/sqlexec.o \
	src/jobs/sourcekey.o src/jobs/results.o
DATA = $(wildcard sql/imgtrans--*.sql) $(wildcard sql/imgtrans_farm--*.sql)

ENGINE = imgtrans_engine
ENGINE_OBJS = src/ocr/engine.o src/ocr/tessproc.o src/ocr/ocr.o src/ocr/osd.o src/ocr/preprocess.o src/ocr/transform.o

REGRESS = ocr_setup image ocr ocr_formats ocr_errors ocr_vars accuracy exif auto_plan jobs
REGRESS_OPTS = --outputdir=$(REGRESS_OUTDIR)
REGRESS_OUTDIR ?= .

PG_CONFIG ?= pg_config
TESSDATA_DIR ?= $(firstword $(wildcard /usr/share/tesseract-ocr/5/tessdata \
	/usr/share/tesseract-ocr/4.00/tessdata /usr/share/tessdata) /usr/share/tesseract-ocr/5/tessdata)

PG_CPPFLAGS = -Isrc $(shell pkg-config --cflags lept tesseract) \
	-DIMGTRANS_TESSDATA_DEFAULT='"$(TESSDATA_DIR)"'
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wno-sign-compare -Wno-cast-function-type -Wno-clobbered
SHLIB_LINK = $(shell pkg-config --libs lept)
EXTRA_CLEAN = $(ENGINE)$(DLSUFFIX) $(ENGINE_OBJS) test/unit_tests test/fuzz/fuzz_imgheader \
	test/fuzz/fuzz_transcodec test/fuzz/fuzz_docparse

# translation (issue 4): HTTP providers with libcurl, cache
OBJS += src/translate/translate.o src/util/ownerspi.o src/translate/transcache.o src/translate/providers.o src/translate/http.o src/translate/transcodec.o src/translate/ratelimit.o
REGRESS += translate_upgrade translate_apertium translate_stub
PG_CPPFLAGS += $(shell pkg-config --cflags libcurl)
SHLIB_LINK += $(shell pkg-config --libs libcurl)
EXTRA_CLEAN += test/translate/test_translate

# image translation (issue 6): rendering with leptonica and FreeType;
# every script (issue 18): fontconfig fallback, HarfBuzz + FriBiDi, libthai
# (libraqm only for bench/shape_bench, which measured why not raqm)
OBJS += src/render/boxlist.o src/render/font.o src/render/render.o src/render/shape.o \
	src/render/textlayout.o src/render/transimage.o
REGRESS += render render_errors render_scripts

# results keyed by the user's row, search, OCR cache (issue 15)
REGRESS += results ocr_cache
PG_CPPFLAGS += $(shell pkg-config --cflags freetype2 harfbuzz fribidi fontconfig libthai)
SHLIB_LINK += $(shell pkg-config --libs freetype2 harfbuzz fribidi fontconfig libthai) -lm
EXTRA_CLEAN += test/render/test_textlayout

# documents (issue 14): PDFs and multi-page TIFFs as pages, see src/document/README.md.
# imgtrans.so gets the page layer; poppler (GPL) is linked only into imgtrans_pdf.so,
# loaded on the first PDF.
OBJS += src/document/document.o src/document/docparse.o src/ocr/textlayer.o
PDF = imgtrans_pdf
PDF_OBJS = src/document/pdf.o
REGRESS += documents documents_errors documents_ocr documents_js

# HEIF/HEIC photos (issue 18): libheif (and the codecs it pulls in) only in
# imgtrans_heif.so, loaded on the first HEIF image; the header is read in
# imgtrans.so (src/image/heifheader.c) before it is loaded.
HEIF = imgtrans_heif
HEIF_OBJS = src/image/heifdec.o
EXTRA_CLEAN += $(HEIF)$(DLSUFFIX) $(HEIF_OBJS)
# source => 'auto' (src/ocr/autolang.c, scripts.c)
REGRESS += heif autolang

# statistics (issue 16, src/stats)
REGRESS += stats
EXTRA_CLEAN += $(PDF)$(DLSUFFIX) $(PDF_OBJS) test/document/test_document

# No LLVM bitcode: Debian's PGXS would require clang for it.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Header dependencies (Debian's PGXS is built without autodepend): every
# object gets a .d file next to it, so a changed header rebuilds what
# includes it (a stale object with an old struct layout is a silent bug).
override CFLAGS += -MMD -MP
ALL_DEPS = $(wildcard src/*.d src/*/*.d)
-include $(ALL_DEPS)
EXTRA_CLEAN += src/*.d src/*/*.d

all: $(ENGINE)$(DLSUFFIX) $(PDF)$(DLSUFFIX) $(HEIF)$(DLSUFFIX)

$(HEIF)$(DLSUFFIX): $(HEIF_OBJS)
	$(CC) $(CFLAGS) $(CFLAGS_SL) -shared -o $@ $(HEIF_OBJS) $(LDFLAGS) \
		$(shell pkg-config --libs libheif lept)

$(ENGINE)$(DLSUFFIX): $(ENGINE_OBJS)
	$(CC) $(CFLAGS) $(CFLAGS_SL) -shared -o $@ $(ENGINE_OBJS) $(LDFLAGS) \
		$(shell pkg-config --libs tesseract lept) -lgomp -lm

src/document/pdf.o: override CPPFLAGS += $(shell pkg-config --cflags poppler-glib cairo)
src/image/heifdec.o: override CPPFLAGS += $(shell pkg-config --cflags libheif)

$(PDF)$(DLSUFFIX): $(PDF_OBJS)
	$(CC) $(CFLAGS) $(CFLAGS_SL) -shared -o $@ $(PDF_OBJS) $(LDFLAGS) \
		$(shell pkg-config --libs poppler-glib cairo lept)

install: install-engine install-pdf install-heif
install-heif: $(HEIF)$(DLSUFFIX)
	$(INSTALL_SHLIB) $(HEIF)$(DLSUFFIX) '$(DESTDIR)$(pkglibdir)/$(HEIF)$(DLSUFFIX)'
install-pdf: $(PDF)$(DLSUFFIX)
	$(INSTALL_SHLIB) $(PDF)$(DLSUFFIX) '$(DESTDIR)$(pkglibdir)/$(PDF)$(DLSUFFIX)'
install-engine: $(ENGINE)$(DLSUFFIX)
	$(INSTALL_SHLIB) $(ENGINE)$(DLSUFFIX) '$(DESTDIR)$(pkglibdir)/$(ENGINE)$(DLSUFFIX)'

uninstall: uninstall-engine uninstall-pdf uninstall-heif
uninstall-heif:
	rm -f '$(DESTDIR)$(pkglibdir)/$(HEIF)$(DLSUFFIX)'
uninstall-pdf:
	rm -f '$(DESTDIR)$(pkglibdir)/$(PDF)$(DLSUFFIX)'
uninstall-engine:
	rm -f '$(DESTDIR)$(pkglibdir)/$(ENGINE)$(DLSUFFIX)'

# cmocka unit tests of the plain-C parts (no server needed)
UNIT_SRCS = test/unit_tests.c src/image/imgheader.c src/image/heifheader.c src/image/decanswer.c src/ocr/ocrargs.c src/ocr/scripts.c src/ocr/transform.c
test/unit_tests: $(UNIT_SRCS) src/image/imgheader.h src/image/decanswer.h src/ocr/ocrargs.h src/ocr/scripts.h src/ocr/transform.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ $(UNIT_SRCS) -lcmocka -lm

TRANSLATE_UNIT_SRCS = test/translate/test_translate.c src/translate/transcodec.c
test/translate/test_translate: $(TRANSLATE_UNIT_SRCS) src/translate/transcodec.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ $(TRANSLATE_UNIT_SRCS) -lcmocka

test/render/test_textlayout: test/render/test_textlayout.c src/render/textlayout.c src/render/textlayout.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ \
		test/render/test_textlayout.c src/render/textlayout.c -lcmocka -lm

test/document/test_document: test/document/test_document.c src/document/docparse.c src/document/docparse.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ \
		test/document/test_document.c src/document/docparse.c -lcmocka

unittest: test/unit_tests test/translate/test_translate test/render/test_textlayout test/document/test_document
	test/unit_tests
	test/translate/test_translate
	test/render/test_textlayout
	test/document/test_document

# libFuzzer harnesses for the header readers and the translation codec
# (test/fuzz/README.md); not part
# of the default test run
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined,unsigned-integer-overflow \
	-fno-sanitize-recover=all
test/fuzz/fuzz_imgheader: test/fuzz/fuzz_imgheader.c src/image/imgheader.c src/image/heifheader.c src/image/imgheader.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wall -Wextra -Werror -Isrc -o $@ test/fuzz/fuzz_imgheader.c src/image/imgheader.c \
		src/image/heifheader.c

test/fuzz/fuzz_transcodec: test/fuzz/fuzz_transcodec.c src/translate/transcodec.c src/translate/transcodec.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wall -Wextra -Werror -Isrc -o $@ test/fuzz/fuzz_transcodec.c src/translate/transcodec.c

test/fuzz/fuzz_docparse: test/fuzz/fuzz_docparse.c src/document/docparse.c src/document/docparse.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wall -Wextra -Werror -Isrc -o $@ test/fuzz/fuzz_docparse.c src/document/docparse.c

fuzz: test/fuzz/fuzz_imgheader test/fuzz/fuzz_transcodec test/fuzz/fuzz_docparse

fuzz-run: fuzz
	mkdir -p test/fuzz/corpus test/fuzz/corpus-transcodec
	cp -n test/fixtures/* test/fuzz/corpus/
	cd test/fuzz && ./fuzz_imgheader -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-print_final_stats=1 corpus
	cd test/fuzz && ./fuzz_transcodec -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-print_final_stats=1 corpus-transcodec
	mkdir -p test/fuzz/corpus-docparse
	cp -n test/fixtures/*.tif test/fixtures/*.pdf test/fuzz/corpus-docparse/
	cd test/fuzz && ./fuzz_docparse -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-print_final_stats=1 corpus-docparse

.PHONY: install-engine uninstall-engine install-pdf uninstall-pdf install-heif uninstall-heif unittest fuzz fuzz-run

# libraqm against HarfBuzz directly, per script (not a test; README "Scripts")
bench/shape_bench: bench/shape_bench.c
	$(CC) -O2 -Wall -Wextra -Werror -o $@ bench/shape_bench.c \
		$(shell pkg-config --cflags --libs raqm harfbuzz fribidi fontconfig freetype2)
EXTRA_CLEAN += bench/shape_bench
