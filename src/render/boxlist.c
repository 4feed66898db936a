/*-------------------------------------------------------------------------
 * boxlist.c
 *	  The box list of imgtrans_render(): jsonb in, plain C structs out.
 *
 * Accepts what users get from jsonb_agg() of imgtrans_ocr() or
 * imgtrans_translate_image() rows, possibly edited: an array of objects
 * with numeric x, y, width and height (pixels), optional conf (number or
 * null), text and translated (string or null).  Other keys, such as bbox
 * or the numbering columns, are ignored.  A box whose "text" is present
 * but blank and whose "translated" is blank too is marked blank: OCR
 * reports pictures, panels and ruled lines that way, and the renderer
 * leaves them alone.  The text a box draws ("translated", else "text") is
 * at most SHAPE_MAX_CHARS characters (shape.h), in every mode, so that
 * a box list fails before the image is decoded.  Every problem is an ERROR
 * that names the box (1-based) and the field.  Must not include leptonica.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "render/boxlist.h"
#include "render/shape.h"

/* coordinates beyond this are certainly outside any decodable image */
#define COORD_LIMIT 1000000000.0

#define BOX_HINT "Pass jsonb_agg(t) of rows of imgtrans_ocr() or imgtrans_translate_image(), " \
	"or objects such as {\"x\": 10, \"y\": 20, \"width\": 300, \"height\": 40, \"translated\": \"Hola\"}."

static const char *
jsonb_value_type(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvArray:
			return "array";
		case jbvObject:
			return "object";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "object" : "array";
		default:
			return "value";
	}
}

static const char *
jsonb_root_type(Jsonb *jb)
{
	JsonbValue	v;

	if (JB_ROOT_IS_SCALAR(jb) && JsonbExtractScalar(&jb->root, &v))
		return jsonb_value_type(&v);
	return JB_ROOT_IS_ARRAY(jb) ? "array" : "object";
}

static int
box_coord(JsonbContainer *obj, int i, const char *key)
{
	JsonbValue	v;
	double		d;

	if (getKeyJsonValueFromContainer(obj, key, strlen(key), &v) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("box %d has no \"%s\"", i, key),
				 errhint("Every box needs numeric x, y, width and height (pixels, origin top left).")));
	if (v.type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of box %d is a JSON %s, not a number", key, i, jsonb_value_type(&v)),
				 errhint("Every box needs numeric x, y, width and height (pixels, origin top left).")));
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v.val.numeric)));
	if (!isfinite(d) || fabs(d) > COORD_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("\"%s\" of box %d is out of range", key, i),
				 errhint("Coordinates are pixels and must lie within +-%.0f.", COORD_LIMIT)));
	return (int) rint(d);
}

static int
box_size(JsonbContainer *obj, int i, const char *key)
{
	int			size = box_coord(obj, i, key);

	if (size < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("box %d has a negative %s (%d)", i, key, size),
				 errhint("width and height are sizes in pixels and must be 0 or more; move the box with x and y.")));
	return size;
}

/* A string field: its value, NULL if absent or null; ERROR otherwise. */
static char *
box_string(JsonbContainer *obj, int i, const char *key)
{
	JsonbValue	v;

	if (getKeyJsonValueFromContainer(obj, key, strlen(key), &v) == NULL || v.type == jbvNull)
		return NULL;
	if (v.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" of box %d is a JSON %s, not a string", key, i, jsonb_value_type(&v)),
				 errhint("Give the text as a JSON string, or null for none.")));
	return pnstrdup(v.val.string.val, v.val.string.len);
}

static bool
has_key(JsonbContainer *obj, const char *key)
{
	JsonbValue	v;

	return getKeyJsonValueFromContainer(obj, key, strlen(key), &v) != NULL;
}

static bool
key_is_null(JsonbContainer *obj, const char *key)
{
	JsonbValue	v;

	return getKeyJsonValueFromContainer(obj, key, strlen(key), &v) != NULL && v.type == jbvNull;
}

static bool
is_blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++)
		if (!isspace((unsigned char) *s))
			return false;
	return true;
}

static void
parse_conf(JsonbContainer *obj, int i, RenderBox *box)
{
	JsonbValue	v;

	box->has_conf = false;
	if (getKeyJsonValueFromContainer(obj, "conf", 4, &v) == NULL || v.type == jbvNull)
		return;
	if (v.type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"conf\" of box %d is a JSON %s, not a number", i, jsonb_value_type(&v)),
				 errhint("conf is a confidence from 0 to 100, or null.")));
	box->conf = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v.val.numeric)));
	box->has_conf = isfinite(box->conf);
}

/* The text a box draws is at most SHAPE_MAX_CHARS characters, in any mode. */
static void
check_text_length(const char *s, int i, const char *key)
{
	int			nchars;

	if (s == NULL)
		return;
	nchars = tl_utf8_decode(s, strlen(s), NULL);
	if (nchars > SHAPE_MAX_CHARS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("\"%s\" of box %d is too long: %d characters", key, i, nchars),
				 errdetail("imgtrans draws at most %d characters in one box.", SHAPE_MAX_CHARS),
				 errhint("Shorten the text, or split it over several boxes.")));
}

static void
parse_box(JsonbValue *elem, int i, RenderBox *box)
{
	JsonbContainer *obj;
	char	   *translated;
	char	   *text;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("box %d is a JSON %s, not an object", i, jsonb_value_type(elem)),
				 errhint(BOX_HINT)));
	obj = elem->val.binary.data;
	box->x = box_coord(obj, i, "x");
	box->y = box_coord(obj, i, "y");
	box->width = box_size(obj, i, "width");
	box->height = box_size(obj, i, "height");
	parse_conf(obj, i, box);
	box->page_num = has_key(obj, "page_num") && !key_is_null(obj, "page_num") ?
		box_coord(obj, i, "page_num") : 0;
	translated = box_string(obj, i, "translated");
	text = box_string(obj, i, "text");
	box->text = translated ? translated : text;
	check_text_length(box->text, i, translated ? "translated" : "text");
	box->blank = is_blank(text) && is_blank(translated) && has_key(obj, "text");
}

RenderBox *
imgtrans_parse_boxes(Datum boxes, bool isnull, int *nboxes)
{
	Jsonb	   *jb;
	RenderBox  *out;
	int			n,
				i;

	*nboxes = 0;
	if (isnull)
		return NULL;
	jb = DatumGetJsonbP(boxes);
	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("boxes must be a JSON array of box objects, not a JSON %s", jsonb_root_type(jb)),
				 errhint(BOX_HINT)));
	n = JB_ROOT_COUNT(jb);
	out = palloc0(sizeof(RenderBox) * Max(n, 1));
	for (i = 0; i < n; i++)
		parse_box(getIthJsonbValueFromContainer(&jb->root, i), i + 1, &out[i]);
	*nboxes = n;
	return out;
}
