/*-------------------------------------------------------------------------
 * boxes.c
 *	  Building imgtrans_box rows (the SQL row type of every OCR result).
 *
 * One place knows the column order of the imgtrans_box type declared in
 * the install script; the OCR, translation and job code all add rows here.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/geo_decls.h"

#include "ocr/boxes.h"

void
imgtrans_box_put(ReturnSetInfo *rsinfo, const BoxRow *row)
{
	Datum		values[BOX_NCOLS + 1];
	bool		nulls[BOX_NCOLS + 1] = {false};
	BOX		   *bbox = palloc(sizeof(BOX));

	bbox->low.x = row->left;
	bbox->low.y = row->top;
	bbox->high.x = row->right;
	bbox->high.y = row->bottom;

	values[0] = CStringGetTextDatum(ocr_level_name(row->level));
	values[1] = Int32GetDatum(row->block);
	values[2] = Int32GetDatum(row->par);
	values[3] = Int32GetDatum(row->line);
	values[4] = Int32GetDatum(row->word);
	values[5] = Int32GetDatum(row->left);
	values[6] = Int32GetDatum(row->top);
	values[7] = Int32GetDatum(row->right - row->left);
	values[8] = Int32GetDatum(row->bottom - row->top);
	values[9] = Float4GetDatum(row->conf);
	nulls[9] = row->conf_null;
	values[10] = row->text;
	nulls[10] = row->text_null;
	values[11] = BoxPGetDatum(bbox);
	/* page_num, since 0.7.0; an older imgtrans_box type reads only BOX_NCOLS */
	values[BOX_NCOLS] = Int32GetDatum(row->page);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}
