/*-------------------------------------------------------------------------
 * textlayer.c
 *	  A PDF page's text layer as imgtrans_box rows, as plain text and as
 *	  TSV (text_source 'pdf' and 'auto' of imgtrans_ocr, imgtrans_ocr_text
 *	  and imgtrans_ocr_tsv), in imgtrans.so.
 *
 * The words come from imgtrans_doc_words() already in the pixels of the
 * page rasterised at the document's resolution, so they are in the same
 * coordinate system as OCR of that page.  This file never rasterises nor
 * OCRs anything, and never talks to poppler directly.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "ocr/boxes.h"
#include "document/document.h"

/* PDF pages with at least this many words take them from the text layer in 'auto' */
#define AUTO_MIN_PDF_WORDS 3

/* Joins the text of words[from, to) with spaces, newlines between lines. */
static Datum
join_words(const DocWord *words, int from, int to)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = from; i < to; i++)
	{
		if (i > from)
			appendStringInfoChar(&buf, words[i].line != words[i - 1].line ? '\n' : ' ');
		appendStringInfoString(&buf, words[i].text);
	}
	return CStringGetTextDatum(buf.data);
}

/* Where the rows of a text layer go: a result set, or TSV text. */
typedef void (*RowSink) (void *arg, const BoxRow *row);

static void
sink_rsinfo(void *arg, const BoxRow *row)
{
	imgtrans_box_put((ReturnSetInfo *) arg, row);
}

/* A row as tesseract's TSV writes it: conf -1 and no text above words. */
static void
sink_tsv(void *arg, const BoxRow *row)
{
	StringInfo	out = (StringInfo) arg;
	static const int tsv_level[] = {
		[OCR_LEVEL_PAGE] = 1,[OCR_LEVEL_BLOCK] = 2,[OCR_LEVEL_PARA] = 3,
		[OCR_LEVEL_LINE] = 4,[OCR_LEVEL_WORD] = 5
	};

	appendStringInfo(out, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t",
					 tsv_level[row->level], row->page, row->block, row->par, row->line,
					 row->word, row->left, row->top, row->right - row->left,
					 row->bottom - row->top);
	if (row->level == OCR_LEVEL_WORD)
		appendStringInfo(out, "%f\t%s\n", row->conf, TextDatumGetCString(row->text));
	else
		appendStringInfoString(out, "-1\t\n");
}

/* Adds a row for words[from, to) (their union box) at level if asked for. */
static void
put_group(unsigned levels, RowSink sink, void *arg, BoxRow *row, OcrLevel level,
		  const DocWord *words, int from, int to)
{
	int			i;

	if (!(levels & OCR_LEVEL_BIT(level)))
		return;
	row->level = level;
	row->left = words[from].left;
	row->top = words[from].top;
	row->right = words[from].right;
	row->bottom = words[from].bottom;
	for (i = from + 1; i < to; i++)
	{
		row->left = Min(row->left, words[i].left);
		row->top = Min(row->top, words[i].top);
		row->right = Max(row->right, words[i].right);
		row->bottom = Max(row->bottom, words[i].bottom);
	}
	row->conf = 100;
	row->conf_null = false;
	row->text = join_words(words, from, to);
	row->text_null = false;
	sink(arg, row);
}

/*
 * False when page_num is to be OCRed instead of read from its text layer:
 * not a PDF, or (auto_mode) fewer than AUTO_MIN_PDF_WORDS words.  Else
 * true, with the layer's words (possibly none) in *words, *n.
 */
static bool
layer_words(ImgDoc *doc, int page_num, bool auto_mode, DocWord **words, int *n)
{
	if (doc->kind != DOC_PDF)
		return false;
	*words = imgtrans_doc_words(doc, page_num, n);
	return !(auto_mode && *n < AUTO_MIN_PDF_WORDS);
}

static bool
text_layer_rows(ImgDoc *doc, int page_num, unsigned levels, bool auto_mode,
				RowSink sink, void *arg)
{
	DocPage    *page = &doc->pages[page_num - 1];
	DocWord    *words;
	BoxRow		row = {0};
	int			n;
	int			i;

	if (!layer_words(doc, page_num, auto_mode, &words, &n))
		return false;
	row.page = page_num;
	if (levels & OCR_LEVEL_BIT(OCR_LEVEL_PAGE))
	{
		row.level = OCR_LEVEL_PAGE;
		row.right = page->width;
		row.bottom = page->height;
		row.conf = 100;
		row.text_null = true;
		sink(arg, &row);
	}
	for (i = 0; i < n; i++)
	{
		int			end;

		if (i == 0 || words[i].block != words[i - 1].block)
		{
			for (end = i; end < n && words[end].block == words[i].block; end++)
				;
			row.block = words[i].block;
			row.par = row.line = row.word = 0;
			put_group(levels, sink, arg, &row, OCR_LEVEL_BLOCK, words, i, end);
			row.par = 1;
			put_group(levels, sink, arg, &row, OCR_LEVEL_PARA, words, i, end);
		}
		if (i == 0 || words[i].block != words[i - 1].block || words[i].line != words[i - 1].line)
		{
			for (end = i; end < n && words[end].block == words[i].block &&
				 words[end].line == words[i].line; end++)
				;
			row.line = words[i].line;
			row.word = 0;
			put_group(levels, sink, arg, &row, OCR_LEVEL_LINE, words, i, end);
		}
		row.word = words[i].word;
		put_group(levels, sink, arg, &row, OCR_LEVEL_WORD, words, i, i + 1);
	}
	return true;
}

/* The text layer's rows into a result set (imgtrans_ocr). */
bool
doc_emit_text_layer(ImgDoc *doc, int page_num, unsigned levels, bool auto_mode,
					ReturnSetInfo *rsinfo)
{
	return text_layer_rows(doc, page_num, levels, auto_mode, sink_rsinfo, rsinfo);
}

/* The text layer's rows as TSV lines, every level (imgtrans_ocr_tsv). */
bool
doc_text_layer_tsv(ImgDoc *doc, int page_num, bool auto_mode, StringInfo out)
{
	return text_layer_rows(doc, page_num, ~0u, auto_mode, sink_tsv, out);
}

/*
 * The text layer as text, laid out as tesseract's text output is: words
 * separated by spaces, each line ended by a newline, and a blank line after
 * each block (imgtrans_ocr_text).
 */
bool
doc_text_layer_text(ImgDoc *doc, int page_num, bool auto_mode, StringInfo out)
{
	DocWord    *words;
	int			n;
	int			i;

	if (!layer_words(doc, page_num, auto_mode, &words, &n))
		return false;
	for (i = 0; i < n; i++)
	{
		bool		last_of_line = i + 1 == n || words[i + 1].block != words[i].block ||
			words[i + 1].line != words[i].line;

		appendStringInfoString(out, words[i].text);
		appendStringInfoChar(out, last_of_line ? '\n' : ' ');
		if (i + 1 == n || words[i + 1].block != words[i].block)
			appendStringInfoChar(out, '\n');
	}
	return true;
}
