# imgtrans: PGXS build.
#
# Two shared libraries are built:
#   imgtrans.so         module entry, GUCs, image decoding (leptonica),
#                       rendering (leptonica + FreeType)
#   imgtrans_engine.so  everything that calls tesseract; loaded by
#                       imgtrans.so on first use, after OMP_THREAD_LIMIT is
#                       set (see src/imgtrans.c for why)

EXTENSION = imgtrans
MODULE_big = imgtrans
OBJS = src/imgtrans.o src/boxes.o src/image.o src/imgheader.o src/languages.o src/ocrargs.o src/ocrvars.o \
	src/worker.o src/shmem.o src/jobrun.o src/jobs.o src/sqlexec.o
DATA = $(wildcard sql/imgtrans--*.sql)

ENGINE = imgtrans_engine
ENGINE_OBJS = src/engine.o src/ocr.o src/osd.o src/preprocess.o src/transform.o

REGRESS = ocr_setup image ocr ocr_formats ocr_errors ocr_vars accuracy jobs
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
EXTRA_CLEAN = $(ENGINE)$(DLSUFFIX) $(ENGINE_OBJS) test/unit_tests

# translation (issue 4): HTTP providers with libcurl, cache
OBJS += src/translate.o src/transcache.o src/providers.o src/http.o src/transcodec.o
REGRESS += translate_upgrade translate_apertium translate_stub
PG_CPPFLAGS += $(shell pkg-config --cflags libcurl)
SHLIB_LINK += $(shell pkg-config --libs libcurl)
EXTRA_CLEAN += test/test_translate

# image translation (issue 6): rendering with leptonica and FreeType
FONT_PATH ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
OBJS += src/boxlist.o src/font.o src/render.o src/textlayout.o src/transimage.o
REGRESS += render render_errors
PG_CPPFLAGS += $(shell pkg-config --cflags freetype2) -DIMGTRANS_FONT_DEFAULT='"$(FONT_PATH)"'
SHLIB_LINK += $(shell pkg-config --libs freetype2) -lm
EXTRA_CLEAN += test/test_textlayout

# documents (issue 14): PDFs and multi-page TIFFs as pages, see src/document/README.md.
# imgtrans.so gets the page layer; poppler (GPL) is linked only into imgtrans_pdf.so,
# loaded on the first PDF.
OBJS += src/document/document.o src/document/docparse.o src/document/textlayer.o
PDF = imgtrans_pdf
PDF_OBJS = src/document/pdf.o
REGRESS += documents documents_errors documents_ocr
EXTRA_CLEAN += $(PDF)$(DLSUFFIX) $(PDF_OBJS) test/test_document

# No LLVM bitcode: Debian's PGXS would require clang for it.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

all: $(ENGINE)$(DLSUFFIX) $(PDF)$(DLSUFFIX)

$(ENGINE)$(DLSUFFIX): $(ENGINE_OBJS)
	$(CC) $(CFLAGS) $(CFLAGS_SL) -shared -o $@ $(ENGINE_OBJS) $(LDFLAGS) \
		$(shell pkg-config --libs tesseract lept) -lgomp -lm

src/document/pdf.o: override CPPFLAGS += $(shell pkg-config --cflags poppler-glib cairo)

$(PDF)$(DLSUFFIX): $(PDF_OBJS)
	$(CC) $(CFLAGS) $(CFLAGS_SL) -shared -o $@ $(PDF_OBJS) $(LDFLAGS) \
		$(shell pkg-config --libs poppler-glib cairo lept)

install: install-engine install-pdf
install-pdf: $(PDF)$(DLSUFFIX)
	$(INSTALL_SHLIB) $(PDF)$(DLSUFFIX) '$(DESTDIR)$(pkglibdir)/$(PDF)$(DLSUFFIX)'
install-engine: $(ENGINE)$(DLSUFFIX)
	$(INSTALL_SHLIB) $(ENGINE)$(DLSUFFIX) '$(DESTDIR)$(pkglibdir)/$(ENGINE)$(DLSUFFIX)'

uninstall: uninstall-engine uninstall-pdf
uninstall-pdf:
	rm -f '$(DESTDIR)$(pkglibdir)/$(PDF)$(DLSUFFIX)'
uninstall-engine:
	rm -f '$(DESTDIR)$(pkglibdir)/$(ENGINE)$(DLSUFFIX)'

# cmocka unit tests of the plain-C parts (no server needed)
UNIT_SRCS = test/unit_tests.c src/imgheader.c src/ocrargs.c src/transform.c
test/unit_tests: $(UNIT_SRCS) src/imgheader.h src/ocrargs.h src/transform.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ $(UNIT_SRCS) -lcmocka -lm

TRANSLATE_UNIT_SRCS = test/test_translate.c src/transcodec.c
test/test_translate: $(TRANSLATE_UNIT_SRCS) src/transcodec.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ $(TRANSLATE_UNIT_SRCS) -lcmocka

test/test_textlayout: test/test_textlayout.c src/textlayout.c src/textlayout.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -o $@ \
		test/test_textlayout.c src/textlayout.c -lcmocka -lm

test/test_document: test/test_document.c src/document/docparse.c src/document/docparse.h
	$(CC) -std=gnu99 -Wall -Wextra -Werror -Wno-unused-parameter -Isrc/document -o $@ \
		test/test_document.c src/document/docparse.c -lcmocka

unittest: test/unit_tests test/test_translate test/test_textlayout test/test_document
	test/unit_tests
	test/test_translate
	test/test_textlayout
	test/test_document

.PHONY: install-engine uninstall-engine install-pdf uninstall-pdf unittest
