/* pdffont.c — the PDF objects of one subset font (pdffont.h). FreeType reads
 * the subset's tables; libdeflate packs its program and CIDToGIDMap; the
 * objects are libharu dictionaries and streams (hpdf_objects.h). Metrics are
 * scaled to 1000 units as libharu's loader scaled them (truncated), widths
 * exactly. */
#include "pdffont.h"
#include "pdfa.h"
#include "pe_util.h"

#include <hpdf_consts.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TABLES_H

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM_LEVEL 6     /* libdeflate; level 7 took 7 M more instructions for 1.2 KB */
#define MAP_LEVEL 6
#define CODES 0x10000u
#define CMAP_BLOCK 100      /* entries per bf block (PDF Reference 5.9.2) */
#define FLAGS_NONSYMBOLIC 32

static int scale(long v, int upem)
{
    return (int)(v * 1000 / upem);  /* truncated, as libharu's loader */
}

static unsigned char *deflate_bytes(const unsigned char *in, size_t n, int level, size_t *zlen)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    unsigned char *z = NULL;

    *zlen = 0;
    if (c) {
        size_t cap = libdeflate_zlib_compress_bound(c, n);
        z = malloc(cap);
        *zlen = z ? libdeflate_zlib_compress(c, in, n, z, cap) : 0;
        libdeflate_free_compressor(c);
    }
    if (*zlen == 0) {
        free(z);
        z = NULL;
    }
    return z;
}

/* The top of the glyph code `u` maps to, in font units (0 without one). */
static long glyph_top(FT_Face face, unsigned u)
{
    FT_UInt g = FT_Get_Char_Index(face, u);
    if (!g || FT_Load_Glyph(face, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) != 0)
        return 0;
    return face->glyph->metrics.horiBearingY;
}

/* "ABCDEF+Name": a tag from the code points and the name (PDF 1.4 §5.5.3),
 * the name reduced to the characters a PDF name keeps unescaped. */
static void subset_name(pe_pdf_font_data *fd, const char *ps)
{
    unsigned long h = 2166136261u;
    size_t i, k = 7;

    for (i = 0; i < fd->ncodes; i++)
        h = ((h ^ fd->codes[i]) * 16777619u) & 0xFFFFFFFFu;
    for (i = 0; ps && ps[i]; i++)
        h = ((h ^ (unsigned char)ps[i]) * 16777619u) & 0xFFFFFFFFu;
    for (i = 0; i < 6; i++) {
        fd->name[i] = (char)('A' + h % 26);
        h /= 26;
    }
    fd->name[6] = '+';
    for (i = 0; ps && ps[i] && k < sizeof fd->name - 1; i++) {
        char ch = ps[i];
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == ',')
            fd->name[k++] = ch;
    }
    if (k == 7) {
        memcpy(fd->name + 7, "Font", 4);
        k += 4;
    }
    fd->name[k] = '\0';
}

/* Code points, advances and the CIDToGIDMap from the subset's Unicode cmap
 * (one walk: the glyph ids are kept until the map is made). */
static int read_codes(pe_pdf_font_data *fd, FT_Face face)
{
    FT_UInt g;
    FT_ULong u;
    size_t n = 0, cap = 0;
    uint16_t *gids = NULL;
    unsigned char *map = NULL;
    int ok = 0;

    if (FT_Select_Charmap(face, FT_ENCODING_UNICODE) != 0)
        return 0;
    for (u = FT_Get_First_Char(face, &g); g != 0 && u < CODES; u = FT_Get_Next_Char(face, u, &g)) {
        FT_Fixed adv = 0;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            uint16_t *c2 = realloc(fd->codes, nc * sizeof *c2);
            if (c2)
                fd->codes = c2;
            uint16_t *a2 = c2 ? realloc(fd->advance, nc * sizeof *a2) : NULL;
            if (a2)
                fd->advance = a2;
            uint16_t *g2 = a2 ? realloc(gids, nc * sizeof *g2) : NULL;
            if (!g2)
                goto done;
            gids = g2;
            cap = nc;
        }
        if (FT_Get_Advance(face, g, FT_LOAD_NO_SCALE, &adv) != 0)
            adv = 0;
        fd->codes[n] = (uint16_t)u;
        fd->advance[n] = (uint16_t)(adv < 0 ? 0 : adv > 0xFFFF ? 0xFFFF : adv);
        gids[n] = (uint16_t)g;
        n++;
    }
    fd->ncodes = n;
    if (n == 0)
        goto done;
    fd->map_raw = 2 * ((size_t)fd->codes[n - 1] + 1);
    map = calloc(fd->map_raw, 1);
    if (!map)
        goto done;
    for (size_t i = 0; i < n; i++) {
        map[2 * fd->codes[i]] = (unsigned char)(gids[i] >> 8);
        map[2 * fd->codes[i] + 1] = (unsigned char)gids[i];
    }
    fd->map = deflate_bytes(map, fd->map_raw, MAP_LEVEL, &fd->map_len);
    ok = fd->map != NULL;
done:
    free(map);
    free(gids);
    return ok;
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The most frequent advance whose /DW is a whole number of thousandths of an
 * em (ties: the larger), or the em when none is: poppler reads /DW only as
 * an integer and takes 1000 for a real one, which set every code of that
 * advance an em apart (a 黑体 header of years, whose digits of 599.6 were
 * the most frequent advance, ran into the next column in Evince); the codes
 * of other advances go into /W with their exact widths. 0 on no memory. */
static uint16_t common_advance(const pe_pdf_font_data *fd)
{
    uint16_t *s = malloc(fd->ncodes * sizeof *s), best = (uint16_t)fd->upem;
    size_t i, run = 0, bestn = 0;

    if (!s)
        return 0;
    memcpy(s, fd->advance, fd->ncodes * sizeof *s);
    qsort(s, fd->ncodes, sizeof *s, cmp_u16);
    for (i = 0; i < fd->ncodes; i++) {
        run = i > 0 && s[i] == s[i - 1] ? run + 1 : 1;
        if (run >= bestn && (unsigned)s[i] * 1000u % (unsigned)fd->upem == 0) {
            bestn = run;
            best = s[i];
        }
    }
    free(s);
    return best;
}

void *pe_pdf_font_read(void *arg)
{
    pe_pdf_font_data *fd = arg;
    FT_Library lib = NULL;
    FT_Face face = NULL;
    size_t len = 0;
    char *raw = NULL;
    pe_diags quiet;     /* a failure is told by fd->ok; the caller names the file */
    TT_Header *head;
    TT_HoriHeader *hhea;
    TT_Postscript *post;

    fd->ok = 0;
    pe_diags_init(&quiet);
    if (pe_file_read(fd->path, fd->path, &quiet, &raw, &len) != PE_OK || len > 0x7FFFFFFF ||
        FT_Init_FreeType(&lib) != 0)
        goto done;
    if (FT_New_Memory_Face(lib, (const FT_Byte *)raw, (FT_Long)len, 0, &face) != 0 ||
        !FT_IS_SFNT(face) ||
        face->units_per_EM == 0)
        goto done;
    head = FT_Get_Sfnt_Table(face, FT_SFNT_HEAD);
    hhea = FT_Get_Sfnt_Table(face, FT_SFNT_HHEA);
    post = FT_Get_Sfnt_Table(face, FT_SFNT_POST);
    if (!head || !hhea)
        goto done;
    fd->upem = face->units_per_EM;
    fd->bbox[0] = scale(head->xMin, fd->upem);
    fd->bbox[1] = scale(head->yMin, fd->upem);
    fd->bbox[2] = scale(head->xMax, fd->upem);
    fd->bbox[3] = scale(head->yMax, fd->upem);
    fd->ascent = scale(hhea->Ascender, fd->upem);
    fd->descent = scale(hhea->Descender, fd->upem);
    fd->italic_angle = post ? (int)(post->italicAngle / 65536) : 0;
    /* libharu measures 'H' and 'x'; a subset without Latin capitals has no
     * 'H', and then the ascent is the top of its capitals */
    fd->cap_height = scale(glyph_top(face, 'H'), fd->upem);
    if (fd->cap_height <= 0)
        fd->cap_height = fd->ascent;
    fd->x_height = scale(glyph_top(face, 'x'), fd->upem);
    if (!read_codes(fd, face))
        goto done;
    fd->dw_advance = common_advance(fd);
    subset_name(fd, FT_Get_Postscript_Name(face));
    fd->program = deflate_bytes((const unsigned char *)raw, len, PROGRAM_LEVEL, &fd->program_len);
    fd->program_raw = len;
    fd->ok = fd->program != NULL;
done:
    if (face)
        FT_Done_Face(face);
    if (lib)
        FT_Done_FreeType(lib);
    free(raw);
    pe_diags_release(&quiet);
    return NULL;
}

void pe_pdf_font_data_free(pe_pdf_font_data *fd)
{
    free(fd->program);
    free(fd->map);
    free(fd->codes);
    free(fd->advance);
    fd->program = fd->map = NULL;
    fd->codes = fd->advance = NULL;
    fd->ncodes = 0;
    fd->ok = 0;
}

HPDF_Dict pe_pdf_font_shell(HPDF_Doc pdf)
{
    HPDF_Dict f = HPDF_Dict_New(pdf->mmgr);
    if (!f || HPDF_Xref_Add(pdf->xref, f) != HPDF_OK)
        return NULL;    /* HPDF_Xref_Add frees f on failure */
    return f;
}

/* A width in 1000 units: an integer when exact. */
static HPDF_STATUS add_width(HPDF_Array a, unsigned adv, int upem)
{
    if (adv * 1000u % (unsigned)upem == 0)
        return HPDF_Array_AddNumber(a, (HPDF_INT32)(adv * 1000u / (unsigned)upem));
    return HPDF_Array_AddReal(a, (HPDF_REAL)((double)adv * 1000.0 / upem));
}

/* /W: c [w w …] for each run of consecutive codes whose advance is not /DW. */
static HPDF_STATUS widths(HPDF_Doc pdf, HPDF_Dict cid, const pe_pdf_font_data *fd)
{
    HPDF_Array w = NULL, run = NULL;
    HPDF_STATUS ret = HPDF_OK;
    unsigned prev = CODES;

    for (size_t i = 0; i < fd->ncodes && ret == HPDF_OK; i++) {
        if (fd->advance[i] == fd->dw_advance) {
            run = NULL;
            continue;
        }
        if (!w) {
            w = HPDF_Array_New(pdf->mmgr);
            if (!w || HPDF_Dict_Add(cid, "W", w) != HPDF_OK)
                return HPDF_FAILD_TO_ALLOC_MEM;
        }
        if (!run || fd->codes[i] != prev + 1) {
            ret |= HPDF_Array_AddNumber(w, fd->codes[i]);
            run = HPDF_Array_New(pdf->mmgr);
            if (!run || HPDF_Array_Add(w, run) != HPDF_OK)
                return HPDF_FAILD_TO_ALLOC_MEM;
        }
        ret |= add_width(run, fd->advance[i], fd->upem);
        prev = fd->codes[i];
    }
    return ret;
}

/* The ToUnicode CMap. Codes are Unicode, so the map is the identity: one
 * bfrange <HH00> <HHFF> <HH00> per high byte HH the font draws a code of (a
 * bfrange may not cross a last-byte boundary). Codes without a glyph never
 * occur in the content, so covering them costs nothing, and the uniform lines
 * compress to a few bytes each. */
static HPDF_STATUS tounicode(HPDF_Doc pdf, HPDF_Dict type0, const pe_pdf_font_data *fd)
{
    HPDF_Dict cm = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    HPDF_STATUS ret = HPDF_OK;
    unsigned char used[256] = { 0 };
    unsigned hi, n = 0, done = 0;
    char line[48];

    if (!cm)
        return HPDF_FAILD_TO_ALLOC_MEM;
    cm->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    for (size_t i = 0; i < fd->ncodes; i++)
        if (fd->codes[i] && !used[fd->codes[i] >> 8]) {
            used[fd->codes[i] >> 8] = 1;
            n++;
        }
    ret |= HPDF_Stream_WriteStr(cm->stream,
                                "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                                "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                                "1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for (hi = 0; hi < 256; hi++) {
        if (!used[hi])
            continue;
        if (done % CMAP_BLOCK == 0) {
            snprintf(line, sizeof line, "%u beginbfrange\n",
                     n - done < CMAP_BLOCK ? n - done : CMAP_BLOCK);
            ret |= HPDF_Stream_WriteStr(cm->stream, line);
        }
        snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        ret |= HPDF_Stream_WriteStr(cm->stream, line);
        if (++done % CMAP_BLOCK == 0 || done == n)
            ret |= HPDF_Stream_WriteStr(cm->stream, "endbfrange\n");
    }
    ret |= HPDF_Stream_WriteStr(cm->stream,
                                "endcmap CMapName currentdict /CMap defineresource pop end end\n");
    ret |= HPDF_Dict_Add(type0, "ToUnicode", cm);
    return ret;
}

/* CIDSet: the CIDs whose glyphs the program holds (CID 0, .notdef, always). */
static HPDF_Dict cidset(HPDF_Doc pdf, const pe_pdf_font_data *fd)
{
    unsigned maxcid = fd->ncodes ? fd->codes[fd->ncodes - 1] : 0;
    size_t n = maxcid / 8 + 1;
    unsigned char *bits = calloc(n, 1);
    HPDF_Dict s = bits ? HPDF_DictStream_New(pdf->mmgr, pdf->xref) : NULL;

    if (s) {
        bits[0] = 0x80;
        for (size_t i = 0; i < fd->ncodes; i++)
            bits[fd->codes[i] >> 3] |= (unsigned char)(0x80u >> (fd->codes[i] & 7));
        s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
        if (HPDF_Stream_Write(s->stream, bits, (HPDF_UINT)n) != HPDF_OK)
            s = NULL;
    }
    free(bits);
    return s;
}

static HPDF_Dict descriptor(HPDF_Doc pdf, const pe_pdf_font_data *fd)
{
    HPDF_Dict desc = HPDF_Dict_New(pdf->mmgr), ff, cs;
    HPDF_Box box;
    HPDF_STATUS ret = HPDF_OK;

    if (!desc || HPDF_Xref_Add(pdf->xref, desc) != HPDF_OK)
        return NULL;
    ff = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    cs = ff ? cidset(pdf, fd) : NULL;
    if (!cs)
        return NULL;
    ret |= HPDF_Stream_Write(ff->stream, fd->program, (HPDF_UINT)fd->program_len);
    ret |= HPDF_Dict_AddNumber(ff, "Length1", (HPDF_INT32)fd->program_raw);
    pe_pdfa_stream_deflated(ff);
    box.left = (HPDF_REAL)fd->bbox[0];
    box.bottom = (HPDF_REAL)fd->bbox[1];
    box.right = (HPDF_REAL)fd->bbox[2];
    box.top = (HPDF_REAL)fd->bbox[3];
    ret |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    ret |= HPDF_Dict_AddName(desc, "FontName", fd->name);
    ret |= HPDF_Dict_AddNumber(desc, "Flags", FLAGS_NONSYMBOLIC);
    ret |= HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(pdf->mmgr, box));
    ret |= HPDF_Dict_AddNumber(desc, "ItalicAngle", fd->italic_angle);
    ret |= HPDF_Dict_AddNumber(desc, "Ascent", fd->ascent);
    ret |= HPDF_Dict_AddNumber(desc, "Descent", fd->descent);
    ret |= HPDF_Dict_AddNumber(desc, "CapHeight", fd->cap_height);
    if (fd->x_height > 0)
        ret |= HPDF_Dict_AddNumber(desc, "XHeight", fd->x_height);
    ret |= HPDF_Dict_AddNumber(desc, "StemV", 0);
    ret |= HPDF_Dict_Add(desc, "FontFile2", ff);
    ret |= HPDF_Dict_Add(desc, "CIDSet", cs);
    return ret == HPDF_OK ? desc : NULL;
}

HPDF_STATUS pe_pdf_font_complete(HPDF_Doc pdf, HPDF_Dict type0, const pe_pdf_font_data *fd)
{
    HPDF_Dict cid, info, desc, map;
    HPDF_Array desc_fonts;
    HPDF_STATUS ret = HPDF_OK;

    if (!fd->ok || fd->program_len > 0xFFFFFFFFu || fd->map_len > 0xFFFFFFFFu)
        return HPDF_INVALID_FONTDEF_DATA;
    cid = HPDF_Dict_New(pdf->mmgr);
    if (!cid || HPDF_Xref_Add(pdf->xref, cid) != HPDF_OK)
        return HPDF_FAILD_TO_ALLOC_MEM;
    info = HPDF_Dict_New(pdf->mmgr);
    desc_fonts = info ? HPDF_Array_New(pdf->mmgr) : NULL;
    map = desc_fonts ? HPDF_DictStream_New(pdf->mmgr, pdf->xref) : NULL;
    desc = map ? descriptor(pdf, fd) : NULL;
    if (!desc)
        return HPDF_FAILD_TO_ALLOC_MEM;

    ret |= HPDF_Stream_Write(map->stream, fd->map, (HPDF_UINT)fd->map_len);
    pe_pdfa_stream_deflated(map);

    ret |= HPDF_Dict_AddName(type0, "Type", "Font");
    ret |= HPDF_Dict_AddName(type0, "Subtype", "Type0");
    ret |= HPDF_Dict_AddName(type0, "BaseFont", fd->name);
    ret |= HPDF_Dict_AddName(type0, "Encoding", "Identity-H");
    ret |= HPDF_Dict_Add(type0, "DescendantFonts", desc_fonts);
    ret |= HPDF_Array_Add(desc_fonts, cid);
    ret |= tounicode(pdf, type0, fd);

    ret |= HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL));
    ret |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
    ret |= HPDF_Dict_AddNumber(info, "Supplement", 0);
    ret |= HPDF_Dict_AddName(cid, "Type", "Font");
    ret |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
    ret |= HPDF_Dict_AddName(cid, "BaseFont", fd->name);
    ret |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    ret |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
    ret |= HPDF_Dict_AddNumber(cid, "DW", (HPDF_INT32)((unsigned)fd->dw_advance * 1000u /
                                                        (unsigned)fd->upem));
    ret |= widths(pdf, cid, fd);
    ret |= HPDF_Dict_Add(cid, "CIDToGIDMap", map);
    return ret;
}
