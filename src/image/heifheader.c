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
 * The coded frame size is read too, because the decoders allocate what
 * the codec stream says, not what ispe says: the SPS of every hvcC
 * (pic_width/height_in_luma_samples) and the sequence header in every
 * av1C (max_frame_width/height_minus_1), and any SPS or sequence header
 * in the data of an hvc1 or av01 item (iloc extents in mdat or idat),
 * which would replace the configuration's.  An hvcC without an SPS is
 * IMGHDR_UNSUPPORTED: iPhones and libheif always put it there.
 *
 * Never: read past len (every box is checked against its parent, every
 * bit of a NAL unit or OBU against its length), loop more than linearly
 * in the input (the primary item has at most 255 associations, kept in a
 * fixed array; the item tables are walked within a fixed budget), allocate,
 * or read more of the coded data than the NAL unit and OBU headers and
 * the parameter sets.
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
	HeifBox		iinf;
	HeifBox		iloc;
	HeifBox		idat;
	bool		has_ipco;
	bool		has_ipma;
	bool		has_iinf;
	bool		has_iloc;
	bool		has_idat;
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
		/* the first of each, as libheif takes it */
		if (is_type(&b, "iinf") && !m->has_iinf)
		{
			m->iinf = b;
			m->has_iinf = true;
		}
		if (is_type(&b, "iloc") && !m->has_iloc)
		{
			m->iloc = b;
			m->has_iloc = true;
		}
		if (is_type(&b, "idat") && !m->has_idat)
		{
			m->idat = b;
			m->has_idat = true;
		}
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
 * The coded frame size.  ispe is only what the container says; libde265
 * and dav1d allocate the frame the codec stream declares: an HEVC SPS
 * (pic_width/height_in_luma_samples) or an AV1 sequence header
 * (max_frame_width/height_minus_1).  Every one a decoder can be given is
 * read here: those in every hvcC and av1C property, and those in the data
 * of every hvc1 and av01 item (libheif hands the decoder the configuration
 * record's NAL units or OBUs followed by the item data, and a later
 * parameter set replaces an earlier one).
 */

#define CODED_COPY 640			/* bytes of an SPS or sequence header read:
								 * the fields needed fit in fewer than 400 */
#define MAX_ILOC_ITEMS 20000	/* libheif 1.15's own limits: more is */
#define MAX_ILOC_EXTENTS 32		/* refused by libheif before decoding */

/* A reader of the bits of a NAL unit or OBU, MSB first. */
typedef struct BitReader
{
	const uint8_t *p;
	size_t		len;
	size_t		pos;			/* next byte */
	uint8_t		cur;			/* the byte being read */
	int			left;			/* bits of cur not yet read */
	int			zeros;			/* HEVC: 0x00 bytes just read */
	bool		epb;			/* HEVC: drop 0x03 after 0x00 0x00 */
	bool		overrun;		/* read past len: the unit is truncated */
} BitReader;

static void
br_init(BitReader *br, const uint8_t *p, size_t len, bool epb)
{
	memset(br, 0, sizeof(*br));
	br->p = p;
	br->len = len;
	br->epb = epb;
}

static bool
br_next_byte(BitReader *br)
{
	uint8_t		b;

	if (br->pos >= br->len)
	{
		br->overrun = true;
		return false;
	}
	b = br->p[br->pos++];
	if (br->epb)
	{
		/* emulation_prevention_three_byte (H.265 7.3.1.1), removed here */
		if (br->zeros >= 2 && b == 3)
		{
			br->zeros = 0;
			if (br->pos >= br->len)
			{
				br->overrun = true;
				return false;
			}
			b = br->p[br->pos++];
		}
		br->zeros = b == 0 ? br->zeros + 1 : 0;
	}
	br->cur = b;
	br->left = 8;
	return true;
}

/* n (0..32) bits; 0 once overrun is set. */
static uint32_t
br_bits(BitReader *br, int n)
{
	uint64_t	v = 0;

	while (n-- > 0)
	{
		if (br->left == 0 && !br_next_byte(br))
			return 0;
		br->left--;
		v = (v << 1) | ((br->cur >> br->left) & 1);
	}
	return (uint32_t) v;
}

/*
 * ue(v) (H.265 9.2) and uvlc() (AV1 4.10.3): false if truncated or if it
 * has 32 or more leading zeros (no field we read is that large; the value
 * would not fit 32 bits).
 */
static bool
br_expgolomb(BitReader *br, uint32_t *value)
{
	int			zeros = 0;

	while (br_bits(br, 1) == 0)
	{
		if (br->overrun || ++zeros >= 32)
			return false;
	}
	if (br->overrun)
		return false;
	*value = (uint32_t) (((uint64_t) 1 << zeros) - 1 + br_bits(br, zeros));
	return !br->overrun;
}

/*
 * Keeps the largest w x h (by area) in *mw x *mh and the longest side in
 * *side: a long thin image may be smaller than the largest one.
 */
static void
keep_largest(int64_t *mw, int64_t *mh, int64_t *side, int64_t w, int64_t h)
{
	/* sides below 2^32: the products fit in 64 unsigned bits */
	if ((uint64_t) w * (uint64_t) h > (uint64_t) *mw * (uint64_t) *mh || *mw == 0)
	{
		*mw = w;
		*mh = h;
	}
	if (w > *side)
		*side = w;
	if (h > *side)
		*side = h;
}

/* A coded frame size, into hdr->coded_* */
static void
note_coded(ImgHeader *hdr, int64_t w, int64_t h)
{
	keep_largest(&hdr->coded_width, &hdr->coded_height, &hdr->coded_side, w, h);
}

/*
 * An HEVC SPS NAL unit (with its 2-byte header, emulation prevention
 * bytes still in): pic_width/height_in_luma_samples (H.265 7.3.2.2).
 */
static ImgHeaderStatus
hevc_sps_size(const uint8_t *nal, size_t len, ImgHeader *hdr)
{
	BitReader	br;
	int			max_sub,
				i;
	bool		profile[8],
				level[8];
	uint32_t	v,
				chroma,
				w,
				h;

	br_init(&br, nal, len, true);
	(void) br_bits(&br, 16);	/* nal_unit_header */
	(void) br_bits(&br, 4);		/* sps_video_parameter_set_id */
	max_sub = (int) br_bits(&br, 3);	/* sps_max_sub_layers_minus1 */
	(void) br_bits(&br, 1);		/* sps_temporal_id_nesting_flag */
	/* profile_tier_level(1, max_sub): general profile, tier, flags, level */
	(void) br_bits(&br, 32);
	(void) br_bits(&br, 32);
	(void) br_bits(&br, 32);
	for (i = 0; i < max_sub; i++)
	{
		profile[i] = br_bits(&br, 1) != 0;
		level[i] = br_bits(&br, 1) != 0;
	}
	if (max_sub > 0)
		for (i = max_sub; i < 8; i++)
			(void) br_bits(&br, 2);	/* reserved_zero_2bits */
	for (i = 0; i < max_sub; i++)
	{
		if (profile[i])
		{
			(void) br_bits(&br, 32);	/* sub-layer profile: 88 bits */
			(void) br_bits(&br, 32);
			(void) br_bits(&br, 24);
		}
		if (level[i])
			(void) br_bits(&br, 8);
	}
	if (!br_expgolomb(&br, &v) ||	/* sps_seq_parameter_set_id */
		!br_expgolomb(&br, &chroma))
		return IMGHDR_INVALID;
	if (chroma == 3)
		(void) br_bits(&br, 1); /* separate_colour_plane_flag */
	if (!br_expgolomb(&br, &w) || !br_expgolomb(&br, &h))
		return IMGHDR_INVALID;
	note_coded(hdr, w, h);
	return IMGHDR_OK;
}

ImgHeaderStatus
img_hevc_config_size(const uint8_t *p, size_t len, ImgHeader *hdr)
{
	size_t		pos = 23;		/* HEVCDecoderConfigurationRecord fields */
	int			narrays,
				a;
	bool		found = false;

	if (len < 23)
		return IMGHDR_INVALID;
	narrays = p[22];
	for (a = 0; a < narrays; a++)
	{
		uint32_t	nnal,
					n;

		if (len - pos < 3)
			return IMGHDR_INVALID;
		nnal = ((uint32_t) p[pos + 1] << 8) | p[pos + 2];
		pos += 3;
		for (n = 0; n < nnal; n++)
		{
			size_t		nal_len;

			if (len - pos < 2)
				return IMGHDR_INVALID;
			nal_len = ((size_t) p[pos] << 8) | p[pos + 1];
			pos += 2;
			if (nal_len > len - pos)
				return IMGHDR_INVALID;
			/* the NAL unit's own type, which is what the decoder reads */
			if (nal_len >= 1 && ((p[pos] >> 1) & 0x3f) == 33)
			{
				if (hevc_sps_size(p + pos, nal_len, hdr) != IMGHDR_OK)
					return IMGHDR_INVALID;
				found = true;
			}
			pos += nal_len;
		}
	}
	return found ? IMGHDR_OK : IMGHDR_UNSUPPORTED;
}

/*
 * An AV1 sequence header OBU's payload: max_frame_width/height_minus_1
 * (AV1 5.5.1), every path: the reduced still picture header, timing and
 * decoder model info, up to 32 operating points.
 */
static ImgHeaderStatus
av1_sequence_size(const uint8_t *p, size_t len, ImgHeader *hdr)
{
	BitReader	br;
	bool		reduced,
				decoder_model = false,
				initial_delay = false;
	int			buffer_delay_len = 0,
				w_bits,
				h_bits;
	uint32_t	w,
				h;

	br_init(&br, p, len, false);
	(void) br_bits(&br, 3);		/* seq_profile */
	(void) br_bits(&br, 1);		/* still_picture */
	reduced = br_bits(&br, 1) != 0;
	if (reduced)
		(void) br_bits(&br, 5); /* seq_level_idx[0] */
	else
	{
		int			nops,
					i;

		if (br_bits(&br, 1))	/* timing_info_present_flag */
		{
			(void) br_bits(&br, 32);	/* num_units_in_display_tick */
			(void) br_bits(&br, 32);	/* time_scale */
			if (br_bits(&br, 1))	/* equal_picture_interval */
			{
				uint32_t	ticks;

				if (!br_expgolomb(&br, &ticks))
					return IMGHDR_INVALID;
			}
			decoder_model = br_bits(&br, 1) != 0;
			if (decoder_model)
			{
				buffer_delay_len = (int) br_bits(&br, 5) + 1;
				(void) br_bits(&br, 32);	/* num_units_in_decoding_tick */
				(void) br_bits(&br, 10);	/* two more lengths */
			}
		}
		initial_delay = br_bits(&br, 1) != 0;
		nops = (int) br_bits(&br, 5) + 1;
		for (i = 0; i < nops && !br.overrun; i++)
		{
			(void) br_bits(&br, 12);	/* operating_point_idc */
			if (br_bits(&br, 5) > 7)	/* seq_level_idx */
				(void) br_bits(&br, 1); /* seq_tier */
			if (decoder_model && br_bits(&br, 1))
			{
				/* operating_parameters_info */
				(void) br_bits(&br, buffer_delay_len);
				(void) br_bits(&br, buffer_delay_len);
				(void) br_bits(&br, 1);
			}
			if (initial_delay && br_bits(&br, 1))
				(void) br_bits(&br, 4);
		}
	}
	w_bits = (int) br_bits(&br, 4) + 1;
	h_bits = (int) br_bits(&br, 4) + 1;
	w = br_bits(&br, w_bits);
	h = br_bits(&br, h_bits);
	if (br.overrun)
		return IMGHDR_INVALID;
	note_coded(hdr, (int64_t) w + 1, (int64_t) h + 1);
	return IMGHDR_OK;
}

/*
 * Item data, possibly in several extents (iloc), read as one stream the
 * way libheif concatenates them; also a plain buffer (no extents).
 */
typedef struct ItemStream
{
	const uint8_t *p;			/* the current run */
	size_t		n;
	uint64_t	left;			/* bytes still to come, this run included */
	const uint8_t *ext;			/* the extents not yet read, in iloc */
	uint32_t	next_ext;
	uint32_t	nexts;
	int			off_size;
	int			len_size;
	int			idx_size;
	const uint8_t *src;			/* the file or idat the offsets are into */
	size_t		srclen;
	uint64_t	base;
} ItemStream;

static uint64_t
rd_be(const uint8_t *p, int n)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* The next extent's bytes; false if it lies outside src. */
static bool
stream_extent(ItemStream *s, const uint8_t **p, uint64_t *n)
{
	const uint8_t *e = s->ext + (size_t) s->next_ext * (s->idx_size + s->off_size + s->len_size);
	uint64_t	off = rd_be(e + s->idx_size, s->off_size);
	uint64_t	len = rd_be(e + s->idx_size + s->off_size, s->len_size);

	s->next_ext++;
	if (off > s->srclen || s->base > s->srclen - off ||
		len > s->srclen - off - s->base)
		return false;
	*p = s->src + s->base + off;
	*n = len;
	return true;
}

static bool
stream_byte(ItemStream *s, uint8_t *b)
{
	while (s->n == 0)
	{
		uint64_t	n;

		if (s->next_ext >= s->nexts)
			return false;
		(void) stream_extent(s, &s->p, &n);	/* checked in stream_open */
		s->n = (size_t) n;
	}
	*b = *s->p++;
	s->n--;
	s->left--;
	return true;
}

/* Copies up to cap of the next n bytes into buf, skips the rest. */
static size_t
stream_take(ItemStream *s, uint64_t n, uint8_t *buf, size_t cap)
{
	size_t		got = 0;

	while (n > 0)
	{
		size_t		step;

		if (s->n == 0)
		{
			uint8_t		b;

			if (!stream_byte(s, &b))
				break;
			if (got < cap)
				buf[got++] = b;
			n--;
			continue;
		}
		step = n < s->n ? (size_t) n : s->n;
		if (got < cap)
		{
			size_t		c = step < cap - got ? step : cap - got;

			memcpy(buf + got, s->p, c);
			got += c;
		}
		s->p += step;
		s->n -= step;
		s->left -= step;
		n -= step;
	}
	return got;
}

static void
stream_buffer(ItemStream *s, const uint8_t *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->n = n;
	s->left = n;
}

/*
 * The OBUs of a configOBUs field or an av01 item's data (AV1 5.3, the
 * low-overhead format: a unit without obu_size runs to the end, as dav1d
 * reads it): the size in every sequence header.  *budget counts units.
 */
static ImgHeaderStatus
av1_obus(ItemStream *s, ImgHeader *hdr, uint64_t *budget)
{
	uint8_t		buf[CODED_COPY];

	while (s->left > 0)
	{
		uint8_t		h,
					b;
		uint64_t	size = 0;
		int			i;

		if (*budget == 0)
			return IMGHDR_UNSUPPORTED;
		(*budget)--;
		(void) stream_byte(s, &h);
		if ((h & 4) && !stream_byte(s, &b))	/* obu_extension_flag */
			return IMGHDR_INVALID;
		if (h & 2)				/* obu_has_size_field: leb128() */
		{
			for (i = 0; i < 8; i++)
			{
				if (!stream_byte(s, &b))
					return IMGHDR_INVALID;
				size |= (uint64_t) (b & 0x7f) << (7 * i);
				if (!(b & 0x80))
					break;
			}
			if (i == 8 || size > s->left)
				return IMGHDR_INVALID;
		}
		else
			size = s->left;
		if (((h >> 3) & 15) == 1)	/* OBU_SEQUENCE_HEADER */
		{
			size_t		n = stream_take(s, size, buf, sizeof(buf));

			if (av1_sequence_size(buf, n, hdr) != IMGHDR_OK)
				return IMGHDR_INVALID;
		}
		else
			(void) stream_take(s, size, buf, 0);
	}
	return IMGHDR_OK;
}

ImgHeaderStatus
img_av1_config_size(const uint8_t *p, size_t len, ImgHeader *hdr)
{
	ItemStream	s;
	uint64_t	budget = len;

	if (len < 4)
		return IMGHDR_INVALID;
	stream_buffer(&s, p + 4, len - 4);	/* configOBUs after 4 bytes */
	return av1_obus(&s, hdr, &budget);
}

/*
 * An hvc1 item's data as libheif 1.15 hands it to libde265: NAL units
 * each after a 4-byte length (whatever hvcC's lengthSizeMinusOne says).
 */
static ImgHeaderStatus
hevc_nals(ItemStream *s, ImgHeader *hdr, uint64_t *budget)
{
	uint8_t		buf[CODED_COPY];

	while (s->left > 0)
	{
		uint8_t		len4[4];
		uint64_t	n;

		if (*budget == 0)
			return IMGHDR_UNSUPPORTED;
		(*budget)--;
		if (stream_take(s, 4, len4, 4) < 4)
			return IMGHDR_INVALID;
		n = img_rd_be32(len4);
		if (n > s->left)
			return IMGHDR_INVALID;
		if (n >= 1 && s->n >= 1 && ((s->p[0] >> 1) & 0x3f) != 33)
			(void) stream_take(s, n, buf, 0);
		else
		{
			size_t		got = stream_take(s, n, buf, sizeof(buf));

			if (got >= 1 && ((buf[0] >> 1) & 0x3f) == 33 &&
				hevc_sps_size(buf, got, hdr) != IMGHDR_OK)
				return IMGHDR_INVALID;
		}
	}
	return IMGHDR_OK;
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
			else if (!primary)
				keep_largest(&hdr->part_width, &hdr->part_height, &hdr->part_side, w, h);
		}
		else if (is_type(&b, "hvcC") || is_type(&b, "av1C"))
		{
			/* every one, whichever item it belongs to */
			ImgHeaderStatus status = is_type(&b, "hvcC") ?
				img_hevc_config_size(b.body, b.len, hdr) :
				img_av1_config_size(b.body, b.len, hdr);

			if (status != IMGHDR_OK)
				return status;
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

/*
 * Whether an infe box for item says hvc1 (1) or av01 (2), or both if
 * there are several; -1 if the budget ran out, -2 if iinf is malformed.
 */
static int
item_codecs(const HeifBox *iinf, uint32_t item, uint64_t *budget)
{
	size_t		pos;
	HeifBox		b;
	int			r,
				codecs = 0;

	if (iinf->len < 4)
		return -2;
	pos = iinf->body[0] == 0 ? 6 : 8;	/* entry_count is 16 or 32 bits */
	if (pos > iinf->len)
		return -2;
	while ((r = next_box(iinf->body, iinf->len, &pos, &b)) > 0)
	{
		uint32_t	id;
		const uint8_t *type;

		if (*budget == 0)
			return -1;
		(*budget)--;
		if (!is_type(&b, "infe") || b.len < 4)
			continue;
		if (b.body[0] == 2 && b.len >= 12)
		{
			id = ((uint32_t) b.body[4] << 8) | b.body[5];
			type = b.body + 8;
		}
		else if (b.body[0] >= 3 && b.len >= 14)
		{
			id = img_rd_be32(b.body + 4);
			type = b.body + 10;
		}
		else
			continue;			/* versions 0 and 1 have no item_type */
		if (id != item)
			continue;
		if (memcmp(type, "hvc1", 4) == 0)
			codecs |= 1;
		else if (memcmp(type, "av01", 4) == 0)
			codecs |= 2;
	}
	return r < 0 ? -2 : codecs;
}

static bool
iloc_field_size(int n)
{
	return n == 0 || n == 4 || n == 8;
}

/*
 * The SPS and sequence headers in the data of every hvc1 and av01 item,
 * its extents as iloc lists them (libheif 1.15's reading of iloc, whose
 * limits are kept too).  The work is bounded by a budget of units and
 * infe visits: input that exceeds it (overlapping or unsorted tables of
 * thousands of items) is refused, never read quadratically.
 */
static ImgHeaderStatus
check_item_data(const uint8_t *data, size_t len, const HeifMeta *m, ImgHeader *hdr)
{
	const uint8_t *p = m->iloc.body;
	size_t		n = m->iloc.len;
	size_t		pos,
				extsize;
	int			version,
				off_size,
				len_size,
				base_size,
				idx_size;
	uint32_t	count,
				i;
	uint64_t	budget = (uint64_t) len + ((uint64_t) 1 << 24);

	if (!m->has_iloc || !m->has_iinf)
		return IMGHDR_OK;		/* libheif finds no coded data either */
	if (n < 6)
		return IMGHDR_INVALID;
	version = p[0];
	off_size = p[4] >> 4;
	len_size = p[4] & 15;
	base_size = p[5] >> 4;
	idx_size = p[5] & 15;
	/* libheif 1.15 reads index_size only in version 2, the standard also in 1 */
	if (version > 2 || (version == 1 && idx_size != 0))
		return IMGHDR_UNSUPPORTED;
	if (version < 2)
		idx_size = 0;
	if (!iloc_field_size(off_size) || !iloc_field_size(len_size) ||
		!iloc_field_size(base_size) || !iloc_field_size(idx_size))
		return IMGHDR_INVALID;
	extsize = (size_t) (idx_size + off_size + len_size);
	pos = 6;
	if (n - pos < (version < 2 ? 2u : 4u))
		return IMGHDR_INVALID;
	count = version < 2 ? (((uint32_t) p[pos] << 8) | p[pos + 1]) : img_rd_be32(p + pos);
	pos += version < 2 ? 2 : 4;
	if (count > MAX_ILOC_ITEMS)
		return IMGHDR_INVALID;
	for (i = 0; i < count; i++)
	{
		uint32_t	item,
					e;
		int			method = 0;
		int			codecs,
					k;
		ItemStream	s;
		uint64_t	total = 0;
		ImgHeaderStatus status;

		if (n - pos < (size_t) (version < 2 ? 2 : 4) + (version >= 1 ? 2 : 0) + 2 + base_size + 2)
			return IMGHDR_INVALID;
		item = version < 2 ? (((uint32_t) p[pos] << 8) | p[pos + 1]) : img_rd_be32(p + pos);
		pos += version < 2 ? 2 : 4;
		if (version >= 1)
		{
			method = p[pos + 1] & 15;
			pos += 2;
		}
		pos += 2;				/* data_reference_index */
		memset(&s, 0, sizeof(s));
		s.base = rd_be(p + pos, base_size);
		pos += base_size;
		s.nexts = ((uint32_t) p[pos] << 8) | p[pos + 1];
		pos += 2;
		if (s.nexts > MAX_ILOC_EXTENTS || s.nexts * extsize > n - pos)
			return IMGHDR_INVALID;
		s.ext = p + pos;
		pos += s.nexts * extsize;
		if (method > 1)
			continue;			/* libheif 1.15 reads no other method */
		codecs = item_codecs(&m->iinf, item, &budget);
		if (codecs == -1)
			return IMGHDR_UNSUPPORTED;
		if (codecs < 0)
			return IMGHDR_INVALID;
		if (codecs == 0)
			continue;
		if (method == 1 && !m->has_idat)
			continue;			/* libheif: no data, nothing decoded */
		s.src = method == 0 ? data : m->idat.body;
		s.srclen = method == 0 ? len : m->idat.len;
		s.off_size = off_size;
		s.len_size = len_size;
		s.idx_size = idx_size;
		for (e = 0; e < s.nexts; e++)
		{
			const uint8_t *ep;
			uint64_t	en;

			if (!stream_extent(&s, &ep, &en))
				break;
			total += en;
		}
		if (e < s.nexts)
			continue;			/* past the end (a truncated file): libheif
								 * reads every extent before it decodes, and
								 * refuses this item */
		for (k = 0; k < 2; k++)
		{
			/* bit 0: HEVC NAL units, bit 1: AV1 OBUs */
			if (!(codecs & (1 << k)))
				continue;
			s.next_ext = 0;
			s.n = 0;
			s.left = total;
			status = k == 0 ? hevc_nals(&s, hdr, &budget) : av1_obus(&s, hdr, &budget);
			if (status != IMGHDR_OK)
				return status;
		}
	}
	return IMGHDR_OK;
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
	status = read_properties(&m.ipco, idx, nassoc, hdr);
	if (status != IMGHDR_OK)
		return status;
	return check_item_data(data, len, &m, hdr);
}
