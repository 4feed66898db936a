/*-------------------------------------------------------------------------
 * font.c
 *	  The renderer's fonts: a face for every character (imgtrans.font_path,
 *	  else fontconfig's system fonts by script), glyph drawing.
 *
 * Per backend: one FT_Library, one FcConfig (the system's configuration,
 * read once), fontconfig's sorted sans-serif list per script language
 * (ja, ko, zh-cn, ar, he, hi, th, and none), a cache of which font of such
 * a list has a code point, and at most FONT_MAX_SLOTS FreeType faces.  A face is
 * evicted least recently used, never while the text in hand uses it; an
 * eviction bumps the generation, which empties shape.c's cache of glyph
 * runs (they name faces by slot).  Fonts are only ever opened from
 * fontconfig's answers or from imgtrans.font_path (superuser-only): never
 * from a path a user passes.
 *
 * Never: ereport inside a FreeType or fontconfig call (both report by
 * return codes and never longjmp), leave a face or fontconfig object
 * unowned (every one is in the static cache or freed before an ereport),
 * or draw a .notdef box silently: a character no font has is an ERROR
 * with the Debian package to install.  Never touches pixels: glyph
 * coverage goes to the caller's sink.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fontconfig/fontconfig.h>
#include <hb.h>

#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "imgtrans.h"
#include "render/font.h"
#include "render/ft.h"

#define CP_CACHE		4096	/* (code point, language) -> font, direct-mapped */
#define MAX_LINE_PITCH	1.3		/* ems; Noto's line gap is generous */

/* fontconfig's sorted list is asked for with these languages */
typedef enum ScriptLang
{
	SL_NONE, SL_JA, SL_KO, SL_ZH, SL_AR, SL_HE, SL_HI, SL_TH, SL_COUNT
} ScriptLang;
static const char *const sl_lang[SL_COUNT] = {NULL, "ja", "ko", "zh-cn", "ar", "he", "hi", "th"};

typedef struct FaceSlot
{
	FT_Face		face;			/* NULL: free */
	char	   *file;			/* TopMemoryContext */
	int			index;			/* face in a collection (.ttc) */
	char	   *name;			/* family and style */
	int			px;				/* pixel size set, 0 unknown */
	uint64		stamp;			/* last text that used it */
} FaceSlot;

typedef struct CpChoice
{
	uint32		cp;
	int16		lang;			/* -1: empty entry */
	int16		font_no;		/* in fc_sorted[lang]; -1: none has it */
} CpChoice;

static FT_Library ft_library = NULL;
static FcConfig *fc_config = NULL;
static FcFontSet *fc_sorted[SL_COUNT];
static FaceSlot slots[FONT_MAX_SLOTS];
static uint64 text_stamp = 0;
static uint32 generation = 1;
static char *override_path = NULL;	/* imgtrans.font_path as loaded */
static int	override_slot = -1;
static int	primary_slot = -1;	/* metrics and invisible characters */
static CpChoice cp_cache[CP_CACHE];
static TlFont layout_font;
static double font_descent;

uint32_t
imgtrans_font_generation(void)
{
	return generation;
}

const char *
imgtrans_font_name(int slot)
{
	return slots[slot].name;
}

static void
fonts_init(void)
{
	FT_Error	err;
	int			i;

	if (ft_library == NULL && (err = FT_Init_FreeType(&ft_library)) != 0)
	{
		ft_library = NULL;
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not initialise FreeType (error %d)", err)));
	}
	if (fc_config == NULL)
	{
		fc_config = FcInitLoadConfigAndFonts();
		if (fc_config == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("could not load the fontconfig configuration"),
					 errhint("Install the Debian packages fontconfig and fonts-noto-core.")));
		for (i = 0; i < CP_CACHE; i++)
			cp_cache[i].lang = -1;
	}
}

/* fontconfig's scalable sans-serif fonts, best first, for a language */
static FcFontSet *
sorted_fonts(ScriptLang lang)
{
	FcPattern  *pat;
	FcResult	res;

	if (fc_sorted[lang] != NULL)
		return fc_sorted[lang];
	pat = FcPatternCreate();
	if (pat == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *) "sans-serif");
	if (sl_lang[lang])
		FcPatternAddString(pat, FC_LANG, (const FcChar8 *) sl_lang[lang]);
	FcPatternAddInteger(pat, FC_WEIGHT, FC_WEIGHT_REGULAR);
	FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
	FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
	FcConfigSubstitute(fc_config, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	fc_sorted[lang] = FcFontSort(fc_config, pat, FcTrue, NULL, &res);
	FcPatternDestroy(pat);
	if (fc_sorted[lang] == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("fontconfig found no fonts"),
				 errhint("Install the Debian package fonts-noto-core.")));
	return fc_sorted[lang];
}

/* A font we can draw in gray: scalable, not a colour (bitmap emoji) font. */
static bool
usable_font(FcPattern *font)
{
	FcBool		b;

	if (FcPatternGetBool(font, FC_SCALABLE, 0, &b) == FcResultMatch && !b)
		return false;
	if (FcPatternGetBool(font, FC_COLOR, 0, &b) == FcResultMatch && b)
		return false;
	return true;
}

/* Index in fc_sorted[lang] of the first font with cp, or -1. */
static int
font_with_char(ScriptLang lang, uint32 cp)
{
	CpChoice   *c = &cp_cache[(cp * 8 + lang) % CP_CACHE];
	FcFontSet  *set = sorted_fonts(lang);
	int			i;

	if (c->lang == lang && c->cp == cp)
		return c->font_no;
	c->cp = cp;
	c->lang = lang;
	c->font_no = -1;
	for (i = 0; i < set->nfont; i++)
	{
		FcCharSet  *cs;

		if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &cs) == FcResultMatch &&
			FcCharSetHasChar(cs, cp) && usable_font(set->fonts[i]))
		{
			c->font_no = i;
			break;
		}
	}
	return c->font_no;
}

static void
slot_free(FaceSlot *s)
{
	if (s->face)
		FT_Done_Face(s->face);
	if (s->file)
		pfree(s->file);
	if (s->name)
		pfree(s->name);
	memset(s, 0, sizeof(FaceSlot));
}

/* A slot to load into: a free one, else the least recently used. */
static int
slot_to_fill(void)
{
	int			best = -1,
				i;

	for (i = 0; i < FONT_MAX_SLOTS; i++)
	{
		if (slots[i].face == NULL)
			return i;
		if (slots[i].stamp == text_stamp || i == override_slot || i == primary_slot)
			continue;
		if (best < 0 || slots[i].stamp < slots[best].stamp)
			best = i;
	}
	if (best < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a text needs more than %d fonts", FONT_MAX_SLOTS),
				 errhint("Split the text into boxes of fewer scripts.")));
	slot_free(&slots[best]);
	generation++;
	return best;
}

/* The slot of face index of file, loaded if need be. */
static int
face_slot(const char *file, int index, bool user_file)
{
	FT_Face		face = NULL;
	FT_Error	err;
	char	   *file_copy;
	char	   *name;
	int			i;

	for (i = 0; i < FONT_MAX_SLOTS; i++)
		if (slots[i].face && slots[i].index == index && strcmp(slots[i].file, file) == 0)
		{
			slots[i].stamp = text_stamp;
			return i;
		}
	i = slot_to_fill();
	file_copy = MemoryContextStrdup(TopMemoryContext, file);
	err = FT_New_Face(ft_library, file, index, &face);
	if (err != 0 || !FT_IS_SCALABLE(face))
	{
		if (err == 0)
			FT_Done_Face(face);
		pfree(file_copy);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("could not load font \"%s\"", file),
				 err ? errdetail("FreeType error %d.", err) : errdetail("The font is not scalable."),
				 user_file ?
				 errhint("Ask a superuser to set imgtrans.font_path to a TrueType or OpenType file, or to empty for the system's fonts (Debian: fonts-noto-core, fonts-noto-cjk).") :
				 errhint("Reinstall the package that owns the file (dpkg -S).")));
	}
	FT_Select_Charmap(face, FT_ENCODING_UNICODE);
	name = MemoryContextAlloc(TopMemoryContext, 256);
	snprintf(name, 256, "%s %s", face->family_name ? face->family_name : "?",
			 face->style_name ? face->style_name : "");
	slots[i].face = face;
	slots[i].file = file_copy;
	slots[i].index = index;
	slots[i].name = name;
	slots[i].px = 0;
	slots[i].stamp = text_stamp;
	return i;
}

/* The slot of font font_no of fc_sorted[lang]. */
static int
sorted_face_slot(ScriptLang lang, int font_no)
{
	FcPattern  *font = fc_sorted[lang]->fonts[font_no];
	FcChar8    *file = NULL;
	int			index = 0;

	if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("fontconfig gave a font without a file")));
	FcPatternGetInteger(font, FC_INDEX, 0, &index);
	return face_slot((const char *) file, index, false);
}

/* (Re)loads imgtrans.font_path and the primary face when needed. */
static void
fonts_ready(void)
{
	const char *path = imgtrans_font_path ? imgtrans_font_path : "";
	FT_Face		face;
	int			font_no;

	fonts_init();
	if (override_path != NULL && strcmp(override_path, path) == 0 && primary_slot >= 0)
		return;
	if (override_path)
		pfree(override_path);
	override_path = NULL;
	override_slot = -1;
	primary_slot = -1;
	generation++;
	text_stamp++;
	if (path[0] != '\0')
		override_slot = face_slot(path, 0, true);
	if (override_slot >= 0)
		primary_slot = override_slot;
	else if ((font_no = font_with_char(SL_NONE, 'x')) >= 0)
		primary_slot = sorted_face_slot(SL_NONE, font_no);
	else
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("no installed font has Latin letters"),
				 errhint("Install the Debian package fonts-noto-core.")));
	override_path = MemoryContextStrdup(TopMemoryContext, path);
	face = slots[primary_slot].face;
	layout_font.units_per_em = FONT_UNITS_PER_EM;
	layout_font.line_pitch = Max(1.0, Min(MAX_LINE_PITCH, (double) face->height / face->units_per_EM));
	font_descent = (double) -face->descender / face->units_per_EM;
}

const TlFont *
imgtrans_font(void)
{
	fonts_ready();
	return &layout_font;
}

double
imgtrans_font_descent(void)
{
	fonts_ready();
	return font_descent;
}

bool
imgtrans_font_invisible(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || tl_is_space(cp))
		return true;
	/* default-ignorable code points (Unicode DerivedCoreProperties) */
	if (cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x115F || cp == 0x1160 ||
		cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) ||
		(cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
		(cp >= 0x205F && cp <= 0x206F) || cp == 0x3164 ||
		(cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 ||
		(cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
		(cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF))
		return true;
	switch (hb_unicode_general_category(hb_unicode_funcs_get_default(), cp))
	{
		case HB_UNICODE_GENERAL_CATEGORY_CONTROL:
		case HB_UNICODE_GENERAL_CATEGORY_FORMAT:
		case HB_UNICODE_GENERAL_CATEGORY_SPACE_SEPARATOR:
		case HB_UNICODE_GENERAL_CATEGORY_LINE_SEPARATOR:
		case HB_UNICODE_GENERAL_CATEGORY_PARAGRAPH_SEPARATOR:
			return true;
		default:
			return false;
	}
}

static bool
is_mark(uint32 cp)
{
	switch (hb_unicode_general_category(hb_unicode_funcs_get_default(), cp))
	{
		case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
		case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
		case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
			return true;
		default:
			return (cp >= 0x1F3FB && cp <= 0x1F3FF);	/* emoji skin tones */
	}
}

bool
imgtrans_font_extends(const uint32_t *cps, int i)
{
	uint32		cp = cps[i];

	return i > 0 && (is_mark(cp) || cp == 0x200D || cp == 0x200C ||
					 (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
					 cps[i - 1] == 0x200D);
}

static bool
is_kana(uint32 cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
		(cp >= 0xFF66 && cp <= 0xFF9F);
}

static bool
is_hangul(uint32 cp)
{
	return (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
		(cp >= 0x3130 && cp <= 0x318F) || (cp >= 0xA960 && cp <= 0xA97F) ||
		(cp >= 0xD7B0 && cp <= 0xD7FF);
}

/* The language fontconfig is asked with for cp; Han by the text's kana/Hangul. */
static ScriptLang
script_lang(uint32 cp, ScriptLang han)
{
	if (is_kana(cp))
		return SL_JA;
	if (is_hangul(cp))
		return SL_KO;
	if (tl_is_cjk(cp))
		return han;
	if ((cp >= 0x0600 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
		(cp >= 0xFE70 && cp <= 0xFEFF))
		return SL_AR;
	if (cp >= 0x0590 && cp <= 0x05FF)
		return SL_HE;
	if (cp >= 0x0900 && cp <= 0x097F)
		return SL_HI;
	if (cp >= 0x0E00 && cp <= 0x0E7F)
		return SL_TH;
	return SL_NONE;
}

static void
missing_glyph_error(uint32 cp)
{
	char		utf8[8] = {0};
	const char *pkg;

	unicode_to_utf8(cp, (unsigned char *) utf8);
	if (tl_is_cjk(cp) || is_kana(cp) || is_hangul(cp))
		pkg = "fonts-noto-cjk";
	else if ((cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF))
		pkg = "fonts-symbola";
	else if (cp >= 0xE000 && cp <= 0xF8FF)
		pkg = NULL;				/* private use: no package has it */
	else
		pkg = "fonts-noto-core (or fonts-noto-extra for rarer scripts)";
	if (pkg)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("no installed font has a glyph for U+%04X \"%s\"", cp, utf8),
				 errdetail("imgtrans draws no .notdef boxes: every character needs a font."),
				 errhint("Install the Debian package %s on the database server, then reconnect.", pkg)));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_FILE),
			 errmsg("no installed font has a glyph for U+%04X, a private-use character", cp),
			 errdetail("imgtrans draws no .notdef boxes: every character needs a font."),
			 errhint("Remove the character, or ask a superuser to set imgtrans.font_path to a font that has it.")));
}

static bool
slot_has(int slot, uint32 cp)
{
	return slot >= 0 && FT_Get_Char_Index(slots[slot].face, cp) != 0;
}

void
imgtrans_font_assign(const uint32_t *cps, int n, int16_t *out)
{
	ScriptLang	han = SL_ZH;
	int			i,
				next;

	fonts_ready();
	text_stamp++;
	slots[primary_slot].stamp = text_stamp;
	for (i = 0; i < n; i++)
	{
		if (is_kana(cps[i]))
		{
			han = SL_JA;
			break;
		}
		if (is_hangul(cps[i]))
			han = SL_KO;
	}
	for (i = 0; i < n; i++)
	{
		uint32		cp = cps[i];
		int			prev = i > 0 ? out[i - 1] : -1;
		ScriptLang	lang;
		int			font_no;

		out[i] = -1;
		if (imgtrans_font_invisible(cp) ||
			(imgtrans_font_extends(cps, i) && slot_has(prev, cp)))
			out[i] = prev;
		if (out[i] >= 0 || imgtrans_font_invisible(cp))
			continue;
		if (slot_has(override_slot, cp))
		{
			out[i] = override_slot;
			continue;
		}
		lang = script_lang(cp, han);
		font_no = font_with_char(lang, cp);
		if (font_no < 0 && lang != SL_NONE)
		{
			lang = SL_NONE;
			font_no = font_with_char(lang, cp);
		}
		if (font_no < 0)
			missing_glyph_error(cp);
		out[i] = sorted_face_slot(lang, font_no);
	}
	/* leading invisible characters: the next visible one's face */
	for (i = n - 1, next = primary_slot; i >= 0; i--)
	{
		if (out[i] < 0)
			out[i] = next;
		next = out[i];
	}
}

/* The face of a slot at em size px (shape.c shapes at FONT_REF_PX). */
FT_Face
imgtrans_font_face(int slot, int px)
{
	FaceSlot   *s = &slots[slot];

	if (s->px != px)
	{
		s->px = 0;
		if (FT_Set_Pixel_Sizes(s->face, 0, px) != 0)
			return NULL;
		s->px = px;
	}
	return s->face;
}

void
imgtrans_font_draw_glyph(int slot, uint32_t glyph, int px, int x, int baseline,
						 GlyphSink sink, void *ctx)
{
	FT_Face		face = imgtrans_font_face(slot, px);
	FT_GlyphSlot g;

	if (face == NULL || FT_Load_Glyph(face, glyph, FT_LOAD_RENDER | FT_LOAD_NO_HINTING) != 0)
		return;
	g = face->glyph;
	if (g->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || g->bitmap.buffer == NULL)
		return;
	sink(ctx, g->bitmap.buffer, g->bitmap.rows, g->bitmap.width, g->bitmap.pitch,
		 x + g->bitmap_left, baseline - g->bitmap_top);
}
