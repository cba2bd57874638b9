// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal PNG writer for `mmlab map --png`: 8-bit RGB, no filter. The
 * image data is compressed with zlib when the build found it (MMLAB_ZLIB,
 * Debian's zlib1g-dev, linked statically too); without it, the zlib stream
 * is made of stored (uncompressed) deflate blocks, which every PNG decoder
 * reads, only larger.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MMLAB_ZLIB
#include <zlib.h>
#endif

#include "mmlab.h"

/* Compress with zlib when built with it; the tests turn it off. */
bool png_compress = true;

/* === Checksums === */

/* CRC-32 of the PNG specification (ISO 3309), table-less. */
static unsigned long crc_update(unsigned long crc, const unsigned char *buf, size_t len)
{
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= buf[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320UL & (0UL - (crc & 1)));
	}
	return crc;
}

unsigned long png_crc32(const unsigned char *buf, size_t len)
{
	return crc_update(0xffffffffUL, buf, len) ^ 0xffffffffUL;
}

/* === Writer === */

static void be32(unsigned char *p, unsigned long v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int chunk(FILE *f, const char *type, const unsigned char *data, size_t len)
{
	unsigned char hdr[8], crc[4];
	unsigned long c;

	be32(hdr, len);
	memcpy(hdr + 4, type, 4);
	c = crc_update(0xffffffffUL, hdr + 4, 4);
	c = crc_update(c, data, len) ^ 0xffffffffUL;
	be32(crc, c);
	if (fwrite(hdr, 1, 8, f) != 8 || (len && fwrite(data, 1, len, f) != len) ||
	    fwrite(crc, 1, 4, f) != 4)
		return -1;
	return 0;
}

/**
 * png_write() - write an RGB image as a PNG file.
 * @file: path.
 * @rgb: w * h pixels, 3 bytes each, row by row.
 * @w: width.
 * @h: height.
 *
 * Return: 0, or -1 with errno set.
 */
int png_write(const char *file, const unsigned char *rgb, unsigned int w, unsigned int h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t row = (size_t)w * 3 + 1, raw_len = row * h, nblocks, out_len, i, pos, o;
	unsigned long a = 1, b = 0;
	unsigned char ihdr[13], *raw, *z;
	FILE *f;
	int err;

	raw = xcalloc(raw_len, 1);
	for (i = 0; i < h; i++)		/* filter type 0 (none) per row */
		memcpy(raw + i * row + 1, rgb + i * (size_t)w * 3, (size_t)w * 3);
	/* The zlib stream of stored (uncompressed) blocks: the longest we write. */
	nblocks = (raw_len + 65534) / 65535;
	if (!nblocks)
		nblocks = 1;
	out_len = 2 + nblocks * 5 + raw_len + 4;
	z = xcalloc(out_len, 1);
#ifdef MMLAB_ZLIB
	/* zlib's stream instead when it is shorter (Z_BUF_ERROR: it is not). */
	if (png_compress) {
		unsigned long zlen = out_len;

		if (compress2(z, &zlen, raw, raw_len, 9) == Z_OK) {
			o = zlen;
			goto write;
		}
	}
#endif
	z[0] = 0x78;			/* deflate, 32K window */
	z[1] = 0x01;			/* (0x7801 % 31 == 0) */
	o = 2;
	for (pos = 0; pos < raw_len || (!raw_len && o == 2); ) {
		size_t n = raw_len - pos > 65535 ? 65535 : raw_len - pos;

		z[o++] = pos + n == raw_len ? 1 : 0;	/* BFINAL, BTYPE 00 */
		z[o++] = n & 0xff;
		z[o++] = n >> 8;
		z[o++] = ~n & 0xff;
		z[o++] = (~n >> 8) & 0xff;
		memcpy(z + o, raw + pos, n);
		o += n;
		pos += n;
		if (!n)
			break;
	}
	for (i = 0; i < raw_len; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	be32(z + o, (b << 16) | a);
	o += 4;
#ifdef MMLAB_ZLIB
write:
#endif
	be32(ihdr, w);
	be32(ihdr + 4, h);
	ihdr[8] = 8;			/* bit depth */
	ihdr[9] = 2;			/* truecolour */
	ihdr[10] = 0;
	ihdr[11] = 0;
	ihdr[12] = 0;
	f = fopen(file, "wb");
	if (!f) {
		free(raw);
		free(z);
		return -1;
	}
	err = fwrite(sig, 1, 8, f) != 8 || chunk(f, "IHDR", ihdr, 13) ||
	      chunk(f, "IDAT", z, o) || chunk(f, "IEND", NULL, 0);
	if (fclose(f))
		err = 1;
	free(raw);
	free(z);
	return err ? -1 : 0;
}
