/* pdfa.c — PDF/A-1b (ISO 19005-1 = GB/T 23286.1) for a libharu 2.3.0
 * document (pdfa.h): the parts libharu leaves out or writes wrong, added
 * through its object API (hpdf_objects.h dictionaries and streams).
 *
 * What libharu 2.3.0 itself offers was read before choosing (hpdf_pdfa.c,
 * hpdf_font_cid.c) and is not used where it is wrong:
 * - HPDF_PDFA_AppendOutputIntents writes the key "DestOutputProfile " (with
 *   a trailing space), so the profile is lost; the intent is built here.
 * - HPDF_PDFA_SetPDFAConformance writes "/SubType", no xpacket BOM, no XML
 *   escaping, no pdf:Producer namespace check, and HPDF_PDFA_GenerateID
 *   hashes the wall clock (reruns would differ); both are replaced here.
 * - The ToUnicode CMap of a Type0 font (CreateCMap) is the encoding CMap
 *   with `begincidrange`, which a ToUnicode stream may not contain; its
 *   stream is rewritten in place (same object, no orphan).
 * - The font descriptor is made lazily in CIDFontType2_BeforeWrite_Func, at
 *   save time, after the used glyphs are known; pe_pdfa_finish runs that
 *   same function early (it is idempotent) and then adds CapHeight (missing
 *   in 2.3.0) and CIDSet.
 * - HPDF_ICC_LoadIccFromMem is used as is: an ICC stream with /N and
 *   /Alternate. */
#include "pdfa.h"

#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <errno.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODES 0x10000u              /* UTF-8 encoder: code = CID = BMP code point */
#define CMAP_BLOCK 100              /* entries per bf block (PDF Reference 5.9.2) */
#define ICC_MAX (4L << 20)          /* larger "profiles" are refused */
#define SRGB_NAME "sRGB IEC61966-2.1"
#define STREAM_LEVEL 6              /* libdeflate level of content streams and maps */

/* ---- fonts ---- */

/* gid[u] = the glyph the font's subset cmap gives code u (0 = .notdef; our
 * subsets map every unused code to 0). Only codes inside the format-4
 * segments are looked up, not all 65,536 (libharu scans the segments
 * linearly on every lookup). */
static void font_codes(HPDF_FontDef def, HPDF_UINT16 *gid)
{
    HPDF_TTFontDefAttr ta = def->attr;
    unsigned i, u, nseg = ta->cmap.seg_count_x2 / 2u;

    memset(gid, 0, CODES * sizeof *gid);
    if (ta->cmap.format != 4) {
        for (u = 0; u < CODES; u++)
            gid[u] = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)u);
        return;
    }
    for (i = 0; i < nseg; i++)
        for (u = ta->cmap.start_count[i]; u <= ta->cmap.end_count[i] && u < CODES; u++)
            gid[u] = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)u);
}

/* Rewrites the ToUnicode stream `cm` in place. Codes are Unicode (the UTF-8
 * encoder, Identity-H), so the map is the identity: one bfrange <HH00> <HHFF>
 * <HH00> per high byte HH that holds a code the font draws (a bfrange may not
 * cross a last-byte boundary). Codes without a glyph never occur in the
 * content, so covering them costs nothing, and these uniform lines compress to
 * a few bytes each (an exact map of the sample's body font was 3 KB). */
static HPDF_STATUS tounicode_write(HPDF_Dict cm, const HPDF_UINT16 *gid)
{
    HPDF_Stream s = cm->stream;
    HPDF_STATUS ret = HPDF_OK;
    unsigned hi, n = 0, done = 0, u;
    unsigned char used[256] = { 0 };
    char line[48];

    for (u = 1; u < CODES; u++)
        if (gid[u] && !used[u >> 8]) {
            used[u >> 8] = 1;
            n++;
        }
    HPDF_MemStream_FreeData(s);
    HPDF_Dict_RemoveElement(cm, "Type");
    HPDF_Dict_RemoveElement(cm, "CMapName");
    HPDF_Dict_RemoveElement(cm, "CIDSystemInfo");
    HPDF_Dict_RemoveElement(cm, "WMode");
    ret |= HPDF_Stream_WriteStr(s, "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                                   "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                                   "1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for (hi = 0; hi < 256; hi++) {
        if (!used[hi])
            continue;
        if (done % CMAP_BLOCK == 0) {
            snprintf(line, sizeof line, "%u beginbfrange\n",
                     n - done < CMAP_BLOCK ? n - done : CMAP_BLOCK);
            ret |= HPDF_Stream_WriteStr(s, line);
        }
        snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        ret |= HPDF_Stream_WriteStr(s, line);
        if (++done % CMAP_BLOCK == 0 || done == n)
            ret |= HPDF_Stream_WriteStr(s, "endbfrange\n");
    }
    ret |= HPDF_Stream_WriteStr(s, "endcmap CMapName currentdict /CMap defineresource pop end end\n");
    return ret;
}

/* The FontFile2 stream holds deflated bytes: its /Filter is written from
 * `filter` (FlateDecode), then, once the dictionary is written and before
 * the data, the filter is lifted so libharu copies the bytes as they are. */
static HPDF_STATUS raw_data_write(HPDF_Dict obj, HPDF_Stream stream)
{
    (void)stream;
    obj->filter = HPDF_STREAM_FILTER_NONE;
    return HPDF_OK;
}

static HPDF_STATUS raw_data_done(HPDF_Dict obj)
{
    obj->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    return HPDF_OK;
}

/* Makes *buf hold at least `need` bytes (its contents are not kept). */
static int grow(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    unsigned char *nb = realloc(*buf, need);
    if (!nb)
        return -1;
    *buf = nb;
    *cap = need;
    return 0;
}

/* Deflates the data of every stream libharu would deflate at save time
 * (content streams, CIDToGIDMap, ToUnicode, CIDSet, ICC profile) with
 * libdeflate now, and marks them written as is: libharu's own deflate (zlib's
 * default level, on the saving thread) is about twice as slow for the same
 * size. Streams that still change when written (a before-write function) or
 * are already deflated are left alone. */
static HPDF_STATUS streams_deflate(HPDF_Doc pdf)
{
    HPDF_Xref x = pdf->xref;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(STREAM_LEVEL);
    unsigned char *raw = NULL, *z = NULL;
    size_t cap = 0, zcap = 0;
    HPDF_STATUS ret = HPDF_OK;

    if (!c)
        return HPDF_FAILD_TO_ALLOC_MEM;
    for (HPDF_UINT i = 0; i < x->entries->count && ret == HPDF_OK; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(x->entries, i);
        HPDF_Obj_Header *h = e ? e->obj : NULL;
        HPDF_Dict dict;
        if (!h || (h->obj_class & 0x00FF) != HPDF_OCLASS_DICT)
            continue;
        dict = e->obj;
        if (!dict->stream || dict->filter != HPDF_STREAM_FILTER_FLATE_DECODE ||
            dict->before_write_fn || dict->write_fn || dict->stream->type != HPDF_STREAM_MEMORY)
            continue;
        size_t n = HPDF_Stream_Size(dict->stream), k = 0;
        if (n == 0)
            continue;
        if (grow(&raw, &cap, n) != 0) {
            ret = HPDF_FAILD_TO_ALLOC_MEM;
            break;
        }
        for (HPDF_UINT b = 0; b < HPDF_MemStream_GetBufCount(dict->stream); b++) {
            HPDF_UINT len = 0;
            HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(dict->stream, b, &len);
            if (p && len && k + len <= n) {
                memcpy(raw + k, p, len);
                k += len;
            }
        }
        if (k != n)
            continue;   /* not a plain memory stream: libharu deflates it */
        if (grow(&z, &zcap, libdeflate_zlib_compress_bound(c, n)) != 0) {
            ret = HPDF_FAILD_TO_ALLOC_MEM;
            break;
        }
        size_t zn = libdeflate_zlib_compress(c, raw, n, z, zcap);
        if (zn == 0 || zn > 0xFFFFFFFFu)
            continue;
        HPDF_MemStream_FreeData(dict->stream);
        ret = HPDF_Stream_Write(dict->stream, z, (HPDF_UINT)zn);
        dict->write_fn = raw_data_write;
        dict->after_write_fn = raw_data_done;
    }
    free(raw);
    free(z);
    libdeflate_free_compressor(c);
    return ret;
}

HPDF_STATUS pe_pdf_font_program(HPDF_Doc pdf, HPDF_Font f, const unsigned char *z, size_t zlen,
                                size_t len)
{
    HPDF_FontAttr fa = f->attr;
    HPDF_FontDef def = fa->fontdef;
    HPDF_TTFontDefAttr ta = def->attr;
    HPDF_Dict desc, ff;
    HPDF_STATUS ret = HPDF_OK;

    if (fa->type != HPDF_FONT_TYPE0_TT || def->descriptor || zlen > 0xFFFFFFFFu ||
        len > 0x7FFFFFFF)
        return HPDF_INVALID_FONTDEF_DATA;
    desc = HPDF_Dict_New(pdf->mmgr);
    ff = desc ? HPDF_DictStream_New(pdf->mmgr, pdf->xref) : NULL;
    if (!ff)
        return HPDF_FAILD_TO_ALLOC_MEM;
    ret |= HPDF_Stream_Write(ff->stream, z, (HPDF_UINT)zlen);
    ret |= HPDF_Dict_AddNumber(ff, "Length1", (HPDF_INT32)len);
    ff->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    ff->write_fn = raw_data_write;
    ff->after_write_fn = raw_data_done;
    ret |= HPDF_Dict_Add(desc, "FontFile2", ff);
    /* the entries of libharu's CIDFontType2_BeforeWrite_Func, in its order */
    ret |= HPDF_Xref_Add(pdf->xref, desc);
    ret |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    ret |= HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    ret |= HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    ret |= HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
    ret |= HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(pdf->mmgr, def->font_bbox));
    ret |= HPDF_Dict_AddName(desc, "FontName", ta->base_font);
    ret |= HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    ret |= HPDF_Dict_AddNumber(desc, "StemV", def->stemv);
    ret |= HPDF_Dict_AddNumber(desc, "XHeight", def->x_height);
    if (ret == HPDF_OK)
        def->descriptor = desc;
    return ret;
}

/* Adds CapHeight and CIDSet to the descriptor of a CIDFontType2 font whose
 * descriptor exists. A CID is in the set when its glyph is in the embedded
 * program: the subset holds exactly the code points its cmap maps (when
 * libharu embeds the program itself, only the glyphs flagged as used). */
static HPDF_STATUS descriptor_complete(HPDF_Doc pdf, HPDF_FontDef def, const HPDF_UINT16 *gid,
                                       int own_program)
{
    HPDF_TTFontDefAttr ta = def->attr;
    HPDF_Dict desc = def->descriptor, cidset;
    unsigned char *bits;
    unsigned u, maxcid = 0;
    HPDF_INT32 cap;
    HPDF_STATUS ret = HPDF_OK;

    /* libharu measures 'H' (hpdf_fontdef_tt.c); a subset without Latin
     * capitals has none, and then the ascent is the top of its capitals */
    cap = def->cap_height ? (HPDF_INT32)def->cap_height : (HPDF_INT32)def->ascent;
    {   /* Length2/Length3 belong to Type 1 font files, not FontFile2 */
        HPDF_Dict ff = HPDF_Dict_GetItem(desc, "FontFile2", HPDF_OCLASS_DICT);
        if (ff) {
            HPDF_Dict_RemoveElement(ff, "Length2");
            HPDF_Dict_RemoveElement(ff, "Length3");
        }
    }
    ret |= HPDF_Dict_AddNumber(desc, "CapHeight", cap);

    bits = calloc(CODES / 8, 1);
    if (!bits)
        return HPDF_FAILD_TO_ALLOC_MEM;
    bits[0] = 0x80; /* CID 0, .notdef, is always embedded */
    for (u = 1; u < CODES; u++) {
        if (gid[u] && gid[u] < ta->num_glyphs && (own_program || ta->glyph_tbl.flgs[gid[u]])) {
            bits[u >> 3] |= (unsigned char)(0x80u >> (u & 7));
            maxcid = u;
        }
    }
    cidset = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!cidset) {
        free(bits);
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    cidset->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    ret |= HPDF_Stream_Write(cidset->stream, bits, maxcid / 8 + 1);
    ret |= HPDF_Dict_Add(desc, "CIDSet", cidset);
    free(bits);
    return ret;
}

/* ToUnicode, descriptor, CapHeight and CIDSet of every Type0 TrueType font. */
static pe_status fonts_complete(HPDF_Doc pdf, pe_diags *d)
{
    pe_src at = { NULL, 0, 0 };
    HPDF_UINT16 *gid = malloc(CODES * sizeof *gid);
    HPDF_UINT i;
    pe_status st = PE_OK;

    if (!gid)
        return PE_ERR_NOMEM;
    for (i = 0; i < pdf->font_mgr->count && st == PE_OK; i++) {
        HPDF_Font f = HPDF_List_ItemAt(pdf->font_mgr, i);
        HPDF_FontAttr fa = f->attr;
        HPDF_STATUS ret;

        if (fa->type != HPDF_FONT_TYPE0_TT)
            continue;
        if (strcmp(fa->encoder->name, "UTF-8") != 0 || !fa->cmap_stream ||
            !f->before_write_fn) {
            pe_error(d, at, "PDF/A：字体 %s 未使用 UTF-8 编码器，无法生成 ToUnicode；"
                     "这是程序缺陷，请报告", fa->fontdef->base_font);
            st = PE_ERR_IO;
            break;
        }
        int own_program = fa->fontdef->descriptor != NULL;   /* pe_pdf_font_program */
        font_codes(fa->fontdef, gid);
        ret = tounicode_write(fa->cmap_stream, gid);
        /* CIDFontType2_BeforeWrite_Func: embeds the glyphs used so far and
         * makes the descriptor once; at save time it only re-links it */
        if (ret == HPDF_OK)
            ret = f->before_write_fn(f);
        if (ret == HPDF_OK && fa->fontdef->descriptor)
            ret = descriptor_complete(pdf, fa->fontdef, gid, own_program);
        /* vertical metrics of a horizontal font: not needed */
        HPDF_Dict_RemoveElement(fa->descendant_font, "DW2");
        if (ret != HPDF_OK || !fa->fontdef->descriptor) {
            pe_error(d, at, "PDF/A：无法补全字体 %s 的 ToUnicode、CapHeight 或 CIDSet"
                     "（libharu 错误 0x%04X）", fa->fontdef->base_font, (unsigned)ret);
            st = ret == HPDF_FAILD_TO_ALLOC_MEM ? PE_ERR_NOMEM : PE_ERR_IO;
        }
    }
    free(gid);
    return st;
}

/* ---- output intent ---- */

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* Reads the sRGB profile into *buf (malloc'd) after checking that it is an
 * ICC version 2 RGB display/colour-space profile (PDF/A-1 takes ICC v2). */
static pe_status icc_read(const char *path, unsigned char **buf, long *len, pe_diags *d)
{
    pe_src at = { path, 0, 0 };
    FILE *f = fopen(path, "rb");
    long n = 0;

    *buf = NULL;
    if (!f) {
        pe_error(d, at, "无法读取 PDF/A 所需的 sRGB 色彩特性文件（%s）；请安装 Debian 软件包 "
                 "icc-profiles-free（sudo apt-get install icc-profiles-free），或用环境变量 "
                 PE_PDFA_ICC_ENV " 指定一个 ICC v2 sRGB 特性文件", strerror(errno));
        return PE_ERR_IO;
    }
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 132 || n > ICC_MAX || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        pe_error(d, at, "这不是有效的 ICC 色彩特性文件（大小 %ld 字节）；请安装 icc-profiles-free"
                 "，或用环境变量 " PE_PDFA_ICC_ENV " 指定 sRGB 特性文件", n);
        return PE_ERR_IO;
    }
    *buf = malloc((size_t)n);
    if (!*buf) {
        fclose(f);
        return PE_ERR_NOMEM;
    }
    if (fread(*buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(*buf);
        *buf = NULL;
        pe_error(d, at, "读取 ICC 色彩特性文件出错；请检查该文件是否完整");
        return PE_ERR_IO;
    }
    fclose(f);
    if (be32(*buf) != (unsigned)n || memcmp(*buf + 36, "acsp", 4) != 0 ||
        memcmp(*buf + 16, "RGB ", 4) != 0 || (*buf)[8] != 2) {
        free(*buf);
        *buf = NULL;
        pe_error(d, at, "ICC 色彩特性文件不是 ICC v2 RGB 特性文件（PDF/A-1 要求 ICC v2）；请使用 "
                 "icc-profiles-free 的 sRGB.icc，或用环境变量 " PE_PDFA_ICC_ENV " 指定");
        return PE_ERR_IO;
    }
    *len = n;
    return PE_OK;
}

/* Catalog /OutputIntents [<< /S /GTS_PDFA1 … /DestOutputProfile icc >>]. */
static pe_status output_intent(HPDF_Doc pdf, pe_diags *d)
{
    const char *env = getenv(PE_PDFA_ICC_ENV);
    const char *path = env && *env ? env : PE_PDFA_ICC_PATH;
    unsigned char *data = NULL;
    long len = 0;
    HPDF_Stream ms = NULL;
    HPDF_Dict icc, intent;
    HPDF_Array intents;
    HPDF_STATUS ret = HPDF_OK;
    pe_src at = { path, 0, 0 };
    pe_status st;

    st = icc_read(path, &data, &len, d);
    if (st != PE_OK)
        return st;
    ms = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)len);
    if (!ms || HPDF_Stream_Write(ms, data, (HPDF_UINT)len) != HPDF_OK) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    icc = HPDF_ICC_LoadIccFromMem(pdf, pdf->mmgr, ms, pdf->xref, 3);
    intent = HPDF_Dict_New(pdf->mmgr);
    intents = HPDF_Array_New(pdf->mmgr);
    if (!icc || !intent || !intents) {
        if (intent)
            HPDF_Dict_Free(intent);
        if (intents)
            HPDF_Array_Free(intents);
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    icc->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    ret |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    ret |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    ret |= HPDF_Dict_Add(intent, "OutputConditionIdentifier",
                         HPDF_String_New(pdf->mmgr, SRGB_NAME, NULL));
    ret |= HPDF_Dict_Add(intent, "RegistryName",
                         HPDF_String_New(pdf->mmgr, "http://www.color.org", NULL));
    ret |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, SRGB_NAME, NULL));
    ret |= HPDF_Dict_Add(intent, "DestOutputProfile", icc);
    ret |= HPDF_Array_Add(intents, intent);
    ret |= HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents);
    if (ret != HPDF_OK) {
        pe_error(d, at, "PDF/A：无法写入输出意图（libharu 错误 0x%04X）",
                 (unsigned)pdf->error.error_no);
        st = PE_ERR_IO;
    }
cleanup:
    if (ms)
        HPDF_Stream_Free(ms);
    free(data);
    return st;
}

/* ---- XMP metadata ---- */

static void xml_text(pe_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': pe_buf_puts(b, "&amp;"); break;
        case '<': pe_buf_puts(b, "&lt;"); break;
        case '>': pe_buf_puts(b, "&gt;"); break;
        case '"': pe_buf_puts(b, "&quot;"); break;
        default: pe_buf_add(b, s, 1);
        }
    }
}

/* "D:YYYYMMDDHHmmSS" + ("Z…" | "+HH'mm'" | "-HH'mm'" | "") as libharu
 * writes Info dates → XMP "YYYY-MM-DDTHH:mm:SS" + ("Z" | "+HH:mm" | ""). */
static int xmp_date(pe_buf *b, const char *v)
{
    size_t k;
    if (!v || strncmp(v, "D:", 2) != 0 || strlen(v) < 16)
        return 0;
    for (k = 2; k < 16; k++)
        if (v[k] < '0' || v[k] > '9')
            return 0;
    pe_buf_printf(b, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", v + 2, v + 6, v + 8, v + 10, v + 12,
                  v + 14);
    v += 16;
    if (*v == 'Z')
        pe_buf_puts(b, "Z");
    else if ((*v == '+' || *v == '-') && strlen(v) >= 6)
        pe_buf_printf(b, "%c%.2s:%.2s", v[0], v + 1, v + 4);
    return 1;
}

/* One XMP property: <ns:name>value</ns:name>, optionally in an rdf:Alt
 * (x-default) or rdf:Seq. Nothing when the Info entry is absent. */
static void xmp_prop(pe_buf *b, const char *tag, const char *container, const char *v)
{
    if (!v)
        return;
    pe_buf_printf(b, "<%s>", tag);
    if (container)
        pe_buf_printf(b, "<rdf:%s><rdf:li%s>", container,
                      strcmp(container, "Alt") == 0 ? " xml:lang=\"x-default\"" : "");
    xml_text(b, v);
    if (container)
        pe_buf_printf(b, "</rdf:li></rdf:%s>", container);
    pe_buf_printf(b, "</%s>", tag);
}

static void xmp_date_prop(pe_buf *b, const char *tag, const char *v)
{
    size_t mark = b->len;
    pe_buf_printf(b, "<%s>", tag);
    if (!xmp_date(b, v)) {
        b->len = mark;
        return;
    }
    pe_buf_printf(b, "</%s>", tag);
}

/* libharu writes UTC as "Z00'00'"; PDFBox Preflight sees a time zone in an
 * Info date only when it ends in Z or has a '+', and requires Info and XMP to
 * agree on having one. The same instant is rewritten as "+00'00'". */
static HPDF_STATUS info_date_utc(HPDF_Doc pdf, HPDF_InfoType type, const char *key)
{
    const char *v = HPDF_GetInfoAttr(pdf, type);
    char buf[32];
    size_t n = v ? strlen(v) : 0;

    if (n != 23 || strcmp(v + 16, "Z00'00'") != 0)
        return HPDF_OK;
    snprintf(buf, sizeof buf, "%.16s+00'00'", v);
    return HPDF_Dict_Add(pdf->info, key, HPDF_String_New(pdf->mmgr, buf, NULL));
}

/* Catalog /Metadata: an uncompressed XMP packet that says what Info says. */
static pe_status metadata(HPDF_Doc pdf, pe_diags *d)
{
    pe_src at = { NULL, 0, 0 };
    pe_buf b;
    HPDF_Dict xmp;
    HPDF_STATUS ret = HPDF_OK;
    pe_status st = PE_OK;

    ret |= info_date_utc(pdf, HPDF_INFO_CREATION_DATE, "CreationDate");
    ret |= info_date_utc(pdf, HPDF_INFO_MOD_DATE, "ModDate");
    pe_buf_init(&b);
    pe_buf_puts(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                    "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">");
    xmp_prop(&b, "dc:title", "Alt", HPDF_GetInfoAttr(pdf, HPDF_INFO_TITLE));
    xmp_prop(&b, "dc:creator", "Seq", HPDF_GetInfoAttr(pdf, HPDF_INFO_AUTHOR));
    xmp_prop(&b, "dc:description", "Alt", HPDF_GetInfoAttr(pdf, HPDF_INFO_SUBJECT));
    pe_buf_puts(&b, "</rdf:Description>\n"
                    "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">");
    xmp_prop(&b, "xmp:CreatorTool", NULL, HPDF_GetInfoAttr(pdf, HPDF_INFO_CREATOR));
    xmp_date_prop(&b, "xmp:CreateDate", HPDF_GetInfoAttr(pdf, HPDF_INFO_CREATION_DATE));
    xmp_date_prop(&b, "xmp:ModifyDate", HPDF_GetInfoAttr(pdf, HPDF_INFO_MOD_DATE));
    pe_buf_puts(&b, "</rdf:Description>\n"
                    "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">");
    xmp_prop(&b, "pdf:Producer", NULL, HPDF_GetInfoAttr(pdf, HPDF_INFO_PRODUCER));
    xmp_prop(&b, "pdf:Keywords", NULL, HPDF_GetInfoAttr(pdf, HPDF_INFO_KEYWORDS));
    pe_buf_puts(&b, "</rdf:Description>\n"
                    "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">"
                    "<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
                    "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    if (b.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    xmp = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!xmp) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    ret |= HPDF_Dict_AddName(xmp, "Type", "Metadata");
    ret |= HPDF_Dict_AddName(xmp, "Subtype", "XML");
    ret |= HPDF_Stream_Write(xmp->stream, (const HPDF_BYTE *)b.s, (HPDF_UINT)b.len);
    ret |= HPDF_Dict_Add(pdf->catalog, "Metadata", xmp);
    if (ret != HPDF_OK) {
        pe_error(d, at, "PDF/A：无法写入 XMP 元数据（libharu 错误 0x%04X）",
                 (unsigned)pdf->error.error_no);
        st = PE_ERR_IO;
    }
cleanup:
    pe_buf_release(&b);
    return st;
}

/* ---- trailer /ID ---- */

static void md5_stream(HPDF_MD5_CTX *ctx, HPDF_Stream s)
{
    HPDF_UINT k, n = HPDF_MemStream_GetBufCount(s);
    for (k = 0; k < n; k++) {
        HPDF_UINT len = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, k, &len);
        if (p && len)
            HPDF_MD5Update(ctx, p, len);
    }
}

/* /ID [<h> <h>], h = MD5 of the Info values, the embedded fonts' names and
 * every page's content stream: the same content gives the same ID (reruns
 * stay byte-identical), different text, fonts or metadata a different one.
 * Font programs, CMaps and the ICC profile follow from these and are not
 * hashed again (they are most of the bytes). */
static pe_status trailer_id(HPDF_Doc pdf, pe_diags *d)
{
    static const HPDF_InfoType info[] = {
        HPDF_INFO_TITLE, HPDF_INFO_AUTHOR, HPDF_INFO_SUBJECT, HPDF_INFO_KEYWORDS,
        HPDF_INFO_CREATOR, HPDF_INFO_PRODUCER, HPDF_INFO_CREATION_DATE, HPDF_INFO_MOD_DATE
    };
    pe_src at = { NULL, 0, 0 };
    HPDF_MD5_CTX ctx;
    HPDF_BYTE digest[HPDF_MD5_KEY_LEN];
    HPDF_Array id;
    HPDF_UINT i;
    HPDF_STATUS ret = HPDF_OK;

    HPDF_MD5Init(&ctx);
    for (i = 0; i < sizeof info / sizeof info[0]; i++) {
        const char *v = HPDF_GetInfoAttr(pdf, info[i]);
        HPDF_BYTE sep = 0;
        if (v)
            HPDF_MD5Update(&ctx, (const HPDF_BYTE *)v, (HPDF_UINT32)strlen(v));
        HPDF_MD5Update(&ctx, &sep, 1);
    }
    for (i = 0; i < pdf->font_mgr->count; i++) {
        HPDF_Font f = HPDF_List_ItemAt(pdf->font_mgr, i);
        HPDF_FontAttr fa = f->attr;
        HPDF_MD5Update(&ctx, (const HPDF_BYTE *)fa->fontdef->base_font,
                       (HPDF_UINT32)strlen(fa->fontdef->base_font) + 1);
    }
    for (i = 0; i < pdf->page_list->count; i++) {
        HPDF_Page pg = HPDF_List_ItemAt(pdf->page_list, i);
        HPDF_PageAttr pa = pg->attr;
        if (pa->contents && pa->contents->stream &&
            pa->contents->stream->type == HPDF_STREAM_MEMORY)
            md5_stream(&ctx, pa->contents->stream);
    }
    HPDF_MD5Final(digest, &ctx);

    id = HPDF_Array_New(pdf->mmgr);
    if (!id)
        return PE_ERR_NOMEM;
    ret |= HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, digest, HPDF_MD5_KEY_LEN));
    ret |= HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, digest, HPDF_MD5_KEY_LEN));
    ret |= HPDF_Dict_Add(pdf->trailer, "ID", id);
    if (ret != HPDF_OK) {
        pe_error(d, at, "PDF/A：无法写入文件标识 /ID（libharu 错误 0x%04X）",
                 (unsigned)pdf->error.error_no);
        return PE_ERR_IO;
    }
    return PE_OK;
}

/* ---- public ---- */

HPDF_STATUS pe_pdfa_outline_dest(HPDF_Outline ol, HPDF_Page page, HPDF_REAL left,
                                 HPDF_REAL top, HPDF_REAL zoom)
{
    HPDF_Array dst = HPDF_Array_New(ol->mmgr);
    HPDF_STATUS ret = HPDF_OK;

    if (!dst)
        return HPDF_CheckError(ol->error);
    ret |= HPDF_Array_Add(dst, page);
    ret |= HPDF_Array_AddName(dst, "XYZ");
    ret |= HPDF_Array_AddReal(dst, left);
    ret |= HPDF_Array_AddReal(dst, top);
    ret |= HPDF_Array_AddReal(dst, zoom);
    if (ret != HPDF_OK) {
        HPDF_Array_Free(dst);
        return HPDF_CheckError(ol->error);
    }
    if (HPDF_Dict_Add(ol, "Dest", dst) != HPDF_OK)
        return HPDF_CheckError(ol->error);
    /* libharu gives items the root's /Type /Outlines; items have no Type */
    HPDF_Dict_RemoveElement(ol, "Type");
    return HPDF_OK;
}

pe_status pe_pdfa_finish(HPDF_Doc pdf, pe_diags *d)
{
    pe_status st;

    pdf->pdf_version = HPDF_VER_14;   /* PDF/A-1 is based on PDF 1.4 */
    st = fonts_complete(pdf, d);
    if (st == PE_OK)
        st = output_intent(pdf, d);
    if (st == PE_OK)
        st = metadata(pdf, d);
    if (st == PE_OK)
        st = trailer_id(pdf, d);
    if (st == PE_OK) {
        HPDF_STATUS ret = streams_deflate(pdf);
        if (ret != HPDF_OK) {
            pe_error(d, ((pe_src){ NULL, 0, 0 }), "压缩 PDF 内容流失败（libharu 错误 0x%04X）", (unsigned)ret);
            st = ret == HPDF_FAILD_TO_ALLOC_MEM ? PE_ERR_NOMEM : PE_ERR_IO;
        }
    }
    return st;
}
