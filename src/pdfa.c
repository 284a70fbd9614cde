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
 * - Its Type0 fonts have a ToUnicode CMap with `begincidrange` (which a
 *   ToUnicode stream may not contain) and no CapHeight or CIDSet; the fonts
 *   are made by pdffont.c instead, complete.
 * - HPDF_ICC_LoadIccFromMem is used as is: an ICC stream with /N and
 *   /Alternate. */
#include "pdfa.h"

#include <hpdf_doc.h>
#include <hpdf_encrypt.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <errno.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICC_MAX (4L << 20)          /* larger "profiles" are refused */
#define SRGB_NAME "sRGB IEC61966-2.1"
#define STREAM_LEVEL 6              /* libdeflate level of content streams and maps */

/* ---- deflated streams ---- */

/* A stream that holds deflated bytes: its /Filter is written from `filter`
 * (FlateDecode), then, once the dictionary is written and before the data,
 * the filter is lifted so libharu copies the bytes as they are. */
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
        pe_pdfa_stream_deflated(dict);
    }
    free(raw);
    free(z);
    libdeflate_free_compressor(c);
    return ret;
}

void pe_pdfa_stream_deflated(HPDF_Dict stream)
{
    stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    stream->write_fn = raw_data_write;
    stream->after_write_fn = raw_data_done;
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
static pe_status trailer_id(HPDF_Doc pdf, const char *const *fonts, size_t nfonts, pe_diags *d)
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
    for (i = 0; i < nfonts; i++)
        HPDF_MD5Update(&ctx, (const HPDF_BYTE *)fonts[i], (HPDF_UINT32)strlen(fonts[i]) + 1);
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

pe_status pe_pdfa_finish(HPDF_Doc pdf, const char *const *fonts, size_t nfonts, pe_diags *d)
{
    pe_status st;

    pdf->pdf_version = HPDF_VER_14;   /* PDF/A-1 is based on PDF 1.4 */
    st = output_intent(pdf, d);
    if (st == PE_OK)
        st = metadata(pdf, d);
    if (st == PE_OK)
        st = trailer_id(pdf, fonts, nfonts, d);
    if (st == PE_OK) {
        HPDF_STATUS ret = streams_deflate(pdf);
        if (ret != HPDF_OK) {
            pe_error(d, ((pe_src){ NULL, 0, 0 }), "压缩 PDF 内容流失败（libharu 错误 0x%04X）", (unsigned)ret);
            st = ret == HPDF_FAILD_TO_ALLOC_MEM ? PE_ERR_NOMEM : PE_ERR_IO;
        }
    }
    return st;
}
