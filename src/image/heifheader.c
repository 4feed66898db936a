/*-------------------------------------------------------------------------
 * heifheader.c
 *	  The header of a HEIF file (HEIC from iPhones, AVIF), read from its
 *	  ISOBMFF boxes in plain C, before libheif sees a byte.
 *
 * What it is for: the size limits are checked before anything is decoded,
 * as for every other format.  From the 'meta' box it reads the primary
 * item ('pitm'), that item's properties ('ipma' associations into 'ipco'):
 * its size ('ispe'), bit depth ('pixi') and transformative properties
 * ('irot' turns counter-clockwise in steps of 90 degrees, 'imir' mirrors:
 * axis 0 left-right, axis 1 top-bottom, ISO/IEC 23008-12), composed in
 * association order into the one EXIF orientation 1..8 that image.c
 * applies.  The largest 'ispe' of any other item (grid tiles, thumbnails,
 * alpha planes: libheif decodes the tiles one by one) is reported too, so
 * a small grid of huge tiles is refused like a huge image.
 *
 * Never: read past len (every box is checked against its parent), loop
 * more than linearly in the input (the primary item has at most 255
 * associations, kept in a fixed array), allocate, or look inside 'mdat'.
 *-------------------------------------------------------------------------
 */
#include "image/imgheader.h"

#include <string.h>

#define MAX_ASSOC 255			/* association_count is 8 bits */

/* A box: its type and its body (after the size/type header). */
typedef struct HeifBox
{
	const uint8_t *type;
	const uint8_t *body;
	size_t		len;
} HeifBox;

bool
img_is_heif_brand(const uint8_t *brand)
{
	static const char *const brands[] = {
		"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"
	};
	size_t		i;

	for (i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
		if (memcmp(brand, brands[i], 4) == 0)
			return true;
	return false;
}

/*
 * The box at *pos of data[0..len): 1 and *pos moved past it, 0 at the end
 * of data, -1 if the box claims more bytes than there are.
 */
static int
next_box(const uint8_t *data, size_t len, size_t *pos, HeifBox *box)
{
	size_t		p = *pos;
	size_t		hdrlen = 8;
	uint64_t	size;

	if (p >= len)
		return 0;
	if (len - p < 8)
		return -1;
	size = img_rd_be32(data + p);
	if (size == 1)
	{
		if (len - p < 16)
			return -1;
		size = ((uint64_t) img_rd_be32(data + p + 8) << 32) | img_rd_be32(data + p + 12);
		hdrlen = 16;
	}
	else if (size == 0)
		size = len - p;			/* to the end of the enclosing box */
	if (size < hdrlen || size > len - p)
		return -1;
	box->type = data + p + 4;
	box->body = data + p + hdrlen;
	box->len = (size_t) size - hdrlen;
	*pos = p + (size_t) size;
	return 1;
}

static bool
is_type(const HeifBox *box, const char *type)
{
	return memcmp(box->type, type, 4) == 0;
}

/* Matrices [a b; c d] taking stored to displayed coordinates, y down. */
static const int orient_matrix[9][4] = {
	{0, 0, 0, 0},
	{1, 0, 0, 1},				/* 1 as stored */
	{-1, 0, 0, 1},				/* 2 mirrored left-right */
	{-1, 0, 0, -1},				/* 3 turned 180 */
	{1, 0, 0, -1},				/* 4 mirrored top-bottom */
	{0, 1, 1, 0},				/* 5 transposed */
	{0, -1, 1, 0},				/* 6 turned 90 clockwise */
	{0, -1, -1, 0},				/* 7 transversed */
	{0, 1, -1, 0},				/* 8 turned 90 counter-clockwise */
};

/* The orientation of doing first, then then (1..8). */
static int
orient_then(int first, int then)
{
	const int  *f = orient_matrix[first];
	const int  *t = orient_matrix[then];
	int			m[4] = {
		t[0] * f[0] + t[1] * f[2], t[0] * f[1] + t[1] * f[3],
		t[2] * f[0] + t[3] * f[2], t[2] * f[1] + t[3] * f[3]
	};
	int			o;

	for (o = 1; o <= 8; o++)
		if (memcmp(m, orient_matrix[o], sizeof(m)) == 0)
			return o;
	return 1;					/* unreachable: the eight form a group */
}

/* What the meta box says about the primary item, gathered in one pass. */
typedef struct HeifMeta
{
	bool		has_pitm;
	uint32_t	primary;
	HeifBox		ipco;
	HeifBox		ipma;
	bool		has_ipco;
	bool		has_ipma;
} HeifMeta;

static ImgHeaderStatus
read_pitm(const HeifBox *b, HeifMeta *m)
{
	if (b->len < 4)
		return IMGHDR_INVALID;
	if (b->body[0] == 0)
	{
		if (b->len < 6)
			return IMGHDR_INVALID;
		m->primary = ((uint32_t) b->body[4] << 8) | b->body[5];
	}
	else
	{
		if (b->len < 8)
			return IMGHDR_INVALID;
		m->primary = img_rd_be32(b->body + 4);
	}
	m->has_pitm = true;
	return IMGHDR_OK;
}

static ImgHeaderStatus
read_meta(const HeifBox *meta, HeifMeta *m)
{
	size_t		pos = 4;		/* FullBox: version and flags */
	HeifBox		b;
	int			r;

	if (meta->len < 4)
		return IMGHDR_INVALID;
	while ((r = next_box(meta->body, meta->len, &pos, &b)) > 0)
	{
		if (is_type(&b, "pitm") && read_pitm(&b, m) != IMGHDR_OK)
			return IMGHDR_INVALID;
		if (is_type(&b, "iprp"))
		{
			size_t		ipos = 0;
			HeifBox		c;
			int			ir;

			while ((ir = next_box(b.body, b.len, &ipos, &c)) > 0)
			{
				if (is_type(&c, "ipco") && !m->has_ipco)
				{
					m->ipco = c;
					m->has_ipco = true;
				}
				else if (is_type(&c, "ipma") && !m->has_ipma)
				{
					m->ipma = c;
					m->has_ipma = true;
				}
			}
			if (ir < 0)
				return IMGHDR_INVALID;
		}
	}
	if (r < 0)
		return IMGHDR_INVALID;
	return (m->has_pitm && m->has_ipco && m->has_ipma) ? IMGHDR_OK : IMGHDR_INVALID;
}

/*
 * The property indices (1-based into ipco, 0 = none) associated with item,
 * in order; the count, or -1 if ipma is malformed.
 */
static int
item_associations(const HeifBox *ipma, uint32_t item, uint16_t *idx)
{
	const uint8_t *p = ipma->body;
	size_t		len = ipma->len;
	int			version;
	bool		wide;
	uint32_t	entries,
				e;
	size_t		pos = 8;

	if (len < 8)
		return -1;
	version = p[0];
	wide = (p[3] & 1) != 0;
	entries = img_rd_be32(p + 4);
	for (e = 0; e < entries; e++)
	{
		uint32_t	id;
		size_t		n,
					i,
					need;

		if (version < 1)
		{
			if (len - pos < 3)
				return -1;
			id = ((uint32_t) p[pos] << 8) | p[pos + 1];
			pos += 2;
		}
		else
		{
			if (len - pos < 5)
				return -1;
			id = img_rd_be32(p + pos);
			pos += 4;
		}
		n = p[pos++];
		need = n * (wide ? 2 : 1);
		if (need > len - pos)
			return -1;
		if (id == item)
		{
			for (i = 0; i < n; i++)
				idx[i] = wide ? (uint16_t) (((p[pos + 2 * i] << 8) | p[pos + 2 * i + 1]) & 0x7fff)
					: (uint16_t) (p[pos + i] & 0x7f);
			return (int) n;
		}
		pos += need;
	}
	return 0;
}

/*
 * Walks ipco once: the primary item's ispe and pixi, its transforms in
 * association order, and the largest ispe of any other property.
 */
static ImgHeaderStatus
read_properties(const HeifBox *ipco, const uint16_t *idx, int nassoc, ImgHeader *hdr)
{
	HeifBox		b;
	size_t		pos = 0;
	uint16_t	index = 0;
	int			r;
	int			i;
	int			transform[MAX_ASSOC];	/* orientation per association, 0 none */
	bool		has_ispe = false;

	memset(transform, 0, sizeof(transform));
	while ((r = next_box(ipco->body, ipco->len, &pos, &b)) > 0)
	{
		bool		primary = false;

		index++;
		for (i = 0; i < nassoc; i++)
			if (idx[i] == index)
			{
				primary = true;
				if (is_type(&b, "irot") && b.len >= 1)
				{
					static const int ccw[4] = {1, 8, 3, 6};

					transform[i] = ccw[b.body[0] & 3];
				}
				else if (is_type(&b, "imir") && b.len >= 1)
					transform[i] = (b.body[0] & 1) ? 4 : 2;
			}
		if (is_type(&b, "ispe"))
		{
			int64_t		w,
						h;

			if (b.len < 12)
				return IMGHDR_INVALID;
			w = img_rd_be32(b.body + 4);
			h = img_rd_be32(b.body + 8);
			if (primary && !has_ispe)
			{
				hdr->width = w;
				hdr->height = h;
				has_ispe = true;
			}
			else if (!primary &&
					 (uint64_t) w * (uint64_t) h >
					 (uint64_t) hdr->part_width * (uint64_t) hdr->part_height)
			{
				/* sides below 2^32: the products fit in 64 unsigned bits */
				hdr->part_width = w;
				hdr->part_height = h;
			}
		}
		else if (primary && is_type(&b, "pixi") && b.len >= 5)
		{
			size_t		nch = b.body[4];
			size_t		c;

			hdr->depth = 0;
			for (c = 0; c < nch && 5 + c < b.len; c++)
				hdr->depth += b.body[5 + c];
		}
	}
	if (r < 0 || !has_ispe)
		return IMGHDR_INVALID;
	hdr->orientation = 1;
	for (i = 0; i < nassoc; i++)
		if (transform[i] != 0)
			hdr->orientation = orient_then(hdr->orientation, transform[i]);
	return (hdr->width == 0 || hdr->height == 0) ? IMGHDR_INVALID : IMGHDR_OK;
}

ImgHeaderStatus
img_parse_heif(const uint8_t *data, size_t len, ImgHeader *hdr)
{
	size_t		pos = 0;
	HeifBox		b;
	HeifMeta	m;
	uint16_t	idx[MAX_ASSOC];
	int			nassoc;
	int			r;
	ImgHeaderStatus status;

	memset(hdr, 0, sizeof(*hdr));
	memset(&m, 0, sizeof(m));
	hdr->format = IMG_HEIF;
	hdr->orientation = 1;
	while ((r = next_box(data, len, &pos, &b)) > 0)
		if (is_type(&b, "meta"))
			break;
	if (r < 0)
		return IMGHDR_TRUNCATED;
	if (r == 0)
		return len < 64 ? IMGHDR_TRUNCATED : IMGHDR_INVALID;
	status = read_meta(&b, &m);
	if (status != IMGHDR_OK)
		return status;
	nassoc = item_associations(&m.ipma, m.primary, idx);
	if (nassoc <= 0)
		return IMGHDR_INVALID;
	return read_properties(&m.ipco, idx, nassoc, hdr);
}
