/*-------------------------------------------------------------------------
 * font.c
 *	  The renderer's font: loading a FreeType face, measuring and drawing
 *	  glyphs.
 *
 * One FT_Library and one FT_Face per backend, kept across calls (loading
 * a face reads and parses the whole font file) and replaced when
 * imgtrans.font_path changes; that cache is the only FreeType memory that
 * outlives a call, and each glyph is rendered into the face's own slot, so
 * a call allocates nothing that could leak on an ERROR.  FreeType reports
 * errors as return codes and never longjmps; ereport() is only called here
 * between FreeType calls.  Glyphs are drawn unhinted, at the unhinted
 * advances textlayout.c measures with.  Never touches pixels: glyph
 * coverage goes to the caller's sink.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "imgtrans.h"
#include "render/font.h"
#include "render/ft.h"

/* advances of code points below this are cached per face */
#define ADVANCE_CACHE 1024

static FT_Library ft_library = NULL;
static FT_Face ft_face = NULL;
static char *ft_face_path = NULL;	/* path ft_face was loaded from */
static int32_t advance_cache[ADVANCE_CACHE];
static TlFont layout_font;

static int32_t
face_advance(void *ctx, uint32_t cp)
{
	FT_Fixed	adv = 0;

	if (tl_is_space(cp))
		cp = ' ';
	if (cp < ADVANCE_CACHE && advance_cache[cp] >= 0)
		return advance_cache[cp];
	if (FT_Get_Advance(ft_face, FT_Get_Char_Index(ft_face, cp), FT_LOAD_NO_SCALE, &adv) != 0)
		adv = 0;
	if (cp < ADVANCE_CACHE)
		advance_cache[cp] = (int32_t) adv;
	return (int32_t) adv;
}

static void
font_unload(void)
{
	if (ft_face)
		FT_Done_Face(ft_face);
	ft_face = NULL;
	if (ft_face_path)
		pfree(ft_face_path);
	ft_face_path = NULL;
}

static void
font_load(const char *path)
{
	char	   *saved_path;
	FT_Error	err;

	if (ft_library == NULL && (err = FT_Init_FreeType(&ft_library)) != 0)
	{
		ft_library = NULL;
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not initialise FreeType (error %d)", err)));
	}
	saved_path = MemoryContextStrdup(TopMemoryContext, path);
	font_unload();
	err = FT_New_Face(ft_library, path, 0, &ft_face);
	if (err != 0 || !FT_IS_SCALABLE(ft_face))
	{
		if (err == 0)
			FT_Done_Face(ft_face);
		ft_face = NULL;
		pfree(saved_path);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("could not load font \"%s\"", path),
				 err ? errdetail("FreeType error %d.", err) : errdetail("The font is not scalable."),
				 errhint("Install fonts-dejavu-core, or ask a superuser to set imgtrans.font_path to a TrueType or OpenType file.")));
	}
	FT_Select_Charmap(ft_face, FT_ENCODING_UNICODE);
	ft_face_path = saved_path;
	memset(advance_cache, -1, sizeof(advance_cache));
	layout_font.advance = face_advance;
	layout_font.ctx = NULL;
	layout_font.units_per_em = ft_face->units_per_EM;
	layout_font.line_pitch = Max(1.0, (double) ft_face->height / ft_face->units_per_EM);
}

static const char *
font_path(void)
{
	if (imgtrans_font_path && imgtrans_font_path[0] != '\0')
		return imgtrans_font_path;
	return IMGTRANS_FONT_DEFAULT;
}

const TlFont *
imgtrans_font(void)
{
	const char *path = font_path();

	if (ft_face == NULL || strcmp(ft_face_path, path) != 0)
		font_load(path);
	return &layout_font;
}

double
imgtrans_font_descent(void)
{
	imgtrans_font();
	return (double) -ft_face->descender / ft_face->units_per_EM;
}

void
imgtrans_font_draw(const uint32_t *cps, int n, int px, int x, int baseline,
				   GlyphSink sink, void *ctx)
{
	const TlFont *font = imgtrans_font();
	int64		pen = 0;		/* in font units times px */
	int			i;

	if (FT_Set_Pixel_Sizes(ft_face, 0, px) != 0)
		return;
	for (i = 0; i < n; i++)
	{
		int			left = x + (int) (pen / font->units_per_em);
		FT_GlyphSlot slot = ft_face->glyph;

		pen += (int64) face_advance(NULL, cps[i]) * px;
		if (tl_is_space(cps[i]) || cps[i] < 0x20)
			continue;
		/* a missing glyph loads glyph 0, the font's .notdef box */
		if (FT_Load_Char(ft_face, cps[i], FT_LOAD_RENDER | FT_LOAD_NO_HINTING) != 0)
			continue;
		if (slot->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || slot->bitmap.buffer == NULL)
			continue;
		sink(ctx, slot->bitmap.buffer, slot->bitmap.rows, slot->bitmap.width,
			 slot->bitmap.pitch, left + slot->bitmap_left, baseline - slot->bitmap_top);
	}
}
