/* xlsxread.c — cell values of an XLSX workbook, read with libzip and libxml2's
 * xmlTextReader (pe_xlsxread.h). Everything from the file is untrusted: sizes
 * are bounded, nothing is fetched, a DTD is an error. */
#include "pe_xlsxread.h"

#include <libxml/xmlreader.h>
#include <libxml/parserInternals.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define NS_REL_T "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_REL_S "http://purl.oclc.org/ooxml/officeDocument/relationships"

typedef struct {
    zip_t *za;
    const char *file;
    pe_diags *d;
    pe_arena *arena;
    size_t total;           /* uncompressed bytes read so far */
} rd;

/* ---- zip parts ---- */

/* Reads part `name` (NUL-terminated, malloc'd). Returns 1 if read, 0 if the
 * part does not exist, -1 on error (recorded). */
static int part_read(rd *r, const char *name, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    zip_int64_t idx = zip_name_locate(r->za, name, 0);
    if (idx < 0)
        idx = zip_name_locate(r->za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 0;
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(r->za, (zip_uint64_t)idx, 0, &zs) != 0) {
        pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "文件已损坏：无法读取压缩包中的“%s”，请让填报单位重新保存后再发送", name);
        return -1;
    }
    if ((zs.valid & ZIP_STAT_SIZE) &&
        (zs.size > PE_XREAD_MAX_PART || r->total + zs.size > PE_XREAD_MAX_TOTAL)) {
        pe_error(r->d, ((pe_src){ r->file, 0, 0 }),
                 "压缩包中的“%s”解压后有 %llu 字节，超过上限 %u 字节，疑似“压缩炸弹”或并非填报表，已拒绝读取",
                 name, (unsigned long long)zs.size, PE_XREAD_MAX_PART);
        return -1;
    }
    zip_file_t *zf = zip_fopen_index(r->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "文件已损坏：无法解压“%s”（%s），请让填报单位重新保存后再发送",
                 name, zip_strerror(r->za));
        return -1;
    }
    size_t cap = (zs.valid & ZIP_STAT_SIZE) ? (size_t)zs.size + 1 : 65536, len = 0;
    char *buf = malloc(cap);
    int rc = -1, oom = 0;
    if (!buf) {
        oom = 1;
        goto done;
    }
    for (;;) {
        if (len + 1 >= cap) {
            /* never more than the limit (+ the byte that detects passing it) */
            size_t ncap = cap * 2 > (size_t)PE_XREAD_MAX_PART + 2 ? (size_t)PE_XREAD_MAX_PART + 2 : cap * 2;
            if (ncap <= cap)
                ncap = cap + 1;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                oom = 1;
                goto done;
            }
            buf = nb;
            cap = ncap;
        }
        zip_int64_t got = zip_fread(zf, buf + len, cap - 1 - len);
        if (got < 0) {
            pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "文件已损坏：解压“%s”失败（%s），请让填报单位重新保存后再发送",
                     name, zip_file_strerror(zf));
            goto done;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len > PE_XREAD_MAX_PART || r->total + len > PE_XREAD_MAX_TOTAL) {
            pe_error(r->d, ((pe_src){ r->file, 0, 0 }),
                     "压缩包中的“%s”解压后超过上限 %u 字节，疑似“压缩炸弹”或并非填报表，已拒绝读取",
                     name, PE_XREAD_MAX_PART);
            goto done;
        }
    }
    buf[len] = '\0';
    r->total += len;
    *out = buf;
    *outlen = len;
    buf = NULL;
    rc = 1;
done:
    if (oom)
        pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "内存不足，无法读取“%s”", name);
    free(buf);
    zip_fclose(zf);
    return rc;
}

/* ---- XML ---- */

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

typedef struct {
    rd *r;
    const char *part;
    int reported;
} xml_err_ctx;

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    xml_err_ctx *c = arg;
    if (c->reported || !e || e->level < XML_ERR_ERROR)
        return;
    c->reported = 1;
    char where[1024];
    snprintf(where, sizeof where, "%s:%s", c->r->file, c->part);
    const char *f = pe_arena_strdup(c->r->arena, where);
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    pe_error(c->r->d, ((pe_src){ f, e->line, e->int2 }),
             "XML 格式错误（%s），文件已损坏或被改动，请让填报单位用 Excel、WPS 或 LibreOffice 重新保存", msg);
}

/* A reader over part `name`'s bytes: no network, no DTD loading, no entity
 * substitution; the caller checks every node for a DTD. */
static xmlTextReaderPtr xml_open(const char *buf, size_t len, const char *name)
{
    if (len > (size_t)0x7fffffff)
        return NULL;
    return xmlReaderForMemory(buf, (int)len, name, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Steps the reader; 1 = a node, 0 = end, -1 = error (recorded). A DTD is an error. */
static int xml_next(xmlTextReaderPtr x, xml_err_ctx *c)
{
    int rc = xmlTextReaderRead(x);
    if (rc < 0) {
        if (!c->reported) {
            c->reported = 1;
            pe_error(c->r->d, ((pe_src){ c->r->file, 0, 0 }),
                     "“%s”不是有效的 XML，文件已损坏或被改动，请让填报单位重新保存", c->part);
        }
        return -1;
    }
    if (rc == 0)
        return 0;
    int t = xmlTextReaderNodeType(x);
    if (t == XML_READER_TYPE_DOCUMENT_TYPE || t == XML_READER_TYPE_ENTITY_REFERENCE ||
        t == XML_READER_TYPE_ENTITY) {
        if (!c->reported) {
            c->reported = 1;
            pe_error(c->r->d, ((pe_src){ c->r->file, 0, 0 }),
                     "“%s”含有 DTD 或实体声明（XLSX 文件从不含有），可能是恶意构造的文件，已拒绝读取，未展开或下载任何实体",
                     c->part);
        }
        return -1;
    }
    return 1;
}

static int is_elem(xmlTextReaderPtr x, const char *local)
{
    const xmlChar *n = xmlTextReaderConstLocalName(x);
    return n && strcmp((const char *)n, local) == 0;
}

static char *attr(xmlTextReaderPtr x, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(x, (const xmlChar *)name);
}

/* The r:id attribute of a <sheet>, in either OOXML namespace, or NULL. */
static char *attr_rid(xmlTextReaderPtr x)
{
    char *v = (char *)xmlTextReaderGetAttributeNs(x, (const xmlChar *)"id", (const xmlChar *)NS_REL_T);
    if (!v)
        v = (char *)xmlTextReaderGetAttributeNs(x, (const xmlChar *)"id", (const xmlChar *)NS_REL_S);
    return v;
}

/* ---- relationships ---- */

typedef struct {
    char **id, **target, **type;
    size_t n;
} rels;

static void rels_release(rels *rl)
{
    for (size_t i = 0; i < rl->n; i++) {
        xmlFree(rl->id[i]);
        xmlFree(rl->target[i]);
        xmlFree(rl->type[i]);
    }
    free(rl->id);
    free(rl->target);
    free(rl->type);
    memset(rl, 0, sizeof *rl);
}

static int rels_read(rd *r, const char *name, rels *rl)
{
    char *buf;
    size_t len;
    memset(rl, 0, sizeof *rl);
    int got = part_read(r, name, &buf, &len);
    if (got <= 0)
        return got;
    xml_err_ctx c = { r, name, 0 };
    xmlTextReaderPtr x = xml_open(buf, len, name);
    int rc = 1;
    if (!x) {
        free(buf);
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(x, on_xml_error, &c);
    int s;
    while ((s = xml_next(x, &c)) == 1) {
        if (xmlTextReaderNodeType(x) != XML_READER_TYPE_ELEMENT || !is_elem(x, "Relationship"))
            continue;
        char **a = realloc(rl->id, (rl->n + 1) * sizeof *a);
        if (a)
            rl->id = a;
        char **b = realloc(rl->target, (rl->n + 1) * sizeof *b);
        if (b)
            rl->target = b;
        char **t = realloc(rl->type, (rl->n + 1) * sizeof *t);
        if (t)
            rl->type = t;
        if (!a || !b || !t) {
            rc = -1;
            break;
        }
        rl->id[rl->n] = attr(x, "Id");
        rl->target[rl->n] = attr(x, "Target");
        rl->type[rl->n] = attr(x, "Type");
        rl->n++;
    }
    if (s < 0)
        rc = -1;
    xmlFreeTextReader(x);
    free(buf);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Resolves a relationship target against the directory of the part `base`. */
static char *resolve_target(pe_arena *a, const char *base, const char *target)
{
    if (target[0] == '/')
        return pe_arena_strdup(a, target + 1);
    const char *slash = strrchr(base, '/');
    size_t dl = slash ? (size_t)(slash - base) + 1 : 0;
    pe_buf b;
    pe_buf_init(&b);
    pe_buf_add(&b, base, dl);
    /* drop "../" pieces against the directory */
    while (strncmp(target, "../", 3) == 0) {
        target += 3;
        if (b.len > 0) {
            b.len--;
            while (b.len > 0 && b.s[b.len - 1] != '/')
                b.len--;
        }
    }
    pe_buf_puts(&b, target);
    char *res = b.oom ? NULL : pe_arena_strndup(a, b.s ? b.s : "", b.len);
    pe_buf_release(&b);
    return res;
}

/* ---- shared strings and styles ---- */

typedef struct {
    char **s;
    size_t n, cap;
} strtab;

/* Text of the element the reader is on (`si` or `is`): every <t> not inside
 * <rPh> (phonetic runs), rich-text runs joined. Leaves the reader on its end. */
static int read_rich_text(xmlTextReaderPtr x, xml_err_ctx *c, pe_buf *out)
{
    if (xmlTextReaderIsEmptyElement(x))
        return 0;
    int depth = xmlTextReaderDepth(x), in_t = 0, in_rph = 0, s;
    while ((s = xml_next(x, c)) == 1) {
        int t = xmlTextReaderNodeType(x);
        if (t == XML_READER_TYPE_END_ELEMENT) {
            if (xmlTextReaderDepth(x) == depth)
                return 0;
            if (is_elem(x, "t"))
                in_t = 0;
            else if (is_elem(x, "rPh"))
                in_rph = 0;
        } else if (t == XML_READER_TYPE_ELEMENT) {
            if (is_elem(x, "t") && !xmlTextReaderIsEmptyElement(x))
                in_t = 1;
            else if (is_elem(x, "rPh") && !xmlTextReaderIsEmptyElement(x))
                in_rph = 1;
        } else if ((t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                    t == XML_READER_TYPE_WHITESPACE || t == XML_READER_TYPE_CDATA) &&
                   in_t && !in_rph) {
            const char *v = (const char *)xmlTextReaderConstValue(x);
            if (v)
                pe_buf_puts(out, v);
        }
    }
    return s < 0 ? -1 : 0;
}

static int sst_read(rd *r, const char *name, strtab *st)
{
    char *buf;
    size_t len;
    int got = part_read(r, name, &buf, &len);
    if (got <= 0)
        return got;
    xml_err_ctx c = { r, name, 0 };
    xmlTextReaderPtr x = xml_open(buf, len, name);
    int rc = 1, s;
    if (!x) {
        free(buf);
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(x, on_xml_error, &c);
    while ((s = xml_next(x, &c)) == 1) {
        if (xmlTextReaderNodeType(x) != XML_READER_TYPE_ELEMENT || !is_elem(x, "si"))
            continue;
        pe_buf b;
        pe_buf_init(&b);
        if (read_rich_text(x, &c, &b) < 0) {
            pe_buf_release(&b);
            rc = -1;
            break;
        }
        if (st->n == st->cap) {
            size_t cap = st->cap ? st->cap * 2 : 256;
            char **ns = realloc(st->s, cap * sizeof *ns);
            if (!ns) {
                pe_buf_release(&b);
                rc = -1;
                break;
            }
            st->s = ns;
            st->cap = cap;
        }
        st->s[st->n] = pe_arena_strndup(r->arena, b.s ? b.s : "", b.len);
        pe_buf_release(&b);
        if (!st->s[st->n]) {
            rc = -1;
            break;
        }
        st->n++;
    }
    if (s < 0)
        rc = -1;
    xmlFreeTextReader(x);
    free(buf);
    return rc;
}

/* Marks each cellXfs entry whose number format shows a percentage. */
static int styles_read(rd *r, const char *name, unsigned char **pct, size_t *npct)
{
    char *buf;
    size_t len;
    *pct = NULL;
    *npct = 0;
    int got = part_read(r, name, &buf, &len);
    if (got <= 0)
        return got;
    xml_err_ctx c = { r, name, 0 };
    xmlTextReaderPtr x = xml_open(buf, len, name);
    int rc = 1, s, in_xfs = 0;
    unsigned long custom_pct[64];
    size_t ncustom = 0;
    if (!x) {
        free(buf);
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(x, on_xml_error, &c);
    while ((s = xml_next(x, &c)) == 1) {
        int t = xmlTextReaderNodeType(x);
        if (t == XML_READER_TYPE_END_ELEMENT && is_elem(x, "cellXfs"))
            in_xfs = 0;
        if (t != XML_READER_TYPE_ELEMENT)
            continue;
        if (is_elem(x, "numFmt")) {
            char *id = attr(x, "numFmtId"), *code = attr(x, "formatCode");
            if (id && code && strchr(code, '%') && ncustom < 64)
                custom_pct[ncustom++] = strtoul(id, NULL, 10);
            xmlFree(id);
            xmlFree(code);
        } else if (is_elem(x, "cellXfs")) {
            in_xfs = !xmlTextReaderIsEmptyElement(x);
        } else if (in_xfs && is_elem(x, "xf")) {
            char *id = attr(x, "numFmtId");
            unsigned long f = id ? strtoul(id, NULL, 10) : 0;
            xmlFree(id);
            unsigned char is_pct = f == 9 || f == 10;
            for (size_t i = 0; i < ncustom; i++)
                if (custom_pct[i] == f)
                    is_pct = 1;
            unsigned char *np = realloc(*pct, *npct + 1);
            if (!np) {
                rc = -1;
                break;
            }
            *pct = np;
            (*pct)[(*npct)++] = is_pct;
        }
    }
    if (s < 0)
        rc = -1;
    xmlFreeTextReader(x);
    free(buf);
    return rc;
}

/* ---- worksheets ---- */

int pe_xcell_parse_ref(const char *ref, unsigned *row, unsigned *col)
{
    unsigned long c = 0, rw = 0;
    const char *p = ref;
    if (*p == '$')
        p++;
    if (!(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z'))
        return -1;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
        c = c * 26 + (unsigned long)((*p | 0x20) - 'a' + 1);
        if (c > 16384)
            return -1;
        p++;
    }
    if (*p == '$')
        p++;
    if (!(*p >= '1' && *p <= '9'))
        return -1;
    while (*p >= '0' && *p <= '9') {
        rw = rw * 10 + (unsigned long)(*p - '0');
        if (rw > 1048576)
            return -1;
        p++;
    }
    if (*p)
        return -1;
    *row = (unsigned)(rw - 1);
    *col = (unsigned)(c - 1);
    return 0;
}

static int cell_cmp(const void *a, const void *b)
{
    const pe_xcell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return 0;
}

typedef struct {
    const strtab *sst;
    const unsigned char *pct;
    size_t npct;
} sheet_ctx;

static int sheet_read(rd *r, const char *name, const sheet_ctx *sc, pe_xsheet *sh)
{
    char *buf;
    size_t len;
    int got = part_read(r, name, &buf, &len);
    if (got == 0) {
        pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "工作表“%s”的内容（%s）缺失，文件不完整，请让填报单位重新保存",
                 sh->name, name);
        return -1;
    }
    if (got < 0)
        return -1;
    xml_err_ctx c = { r, name, 0 };
    xmlTextReaderPtr x = xml_open(buf, len, name);
    int rc = 1, s;
    size_t cap = 0;
    unsigned cur_row = 0, next_col = 0;
    int have_row = 0;
    if (!x) {
        free(buf);
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(x, on_xml_error, &c);
    while ((s = xml_next(x, &c)) == 1) {
        if (xmlTextReaderNodeType(x) != XML_READER_TYPE_ELEMENT)
            continue;
        if (is_elem(x, "row")) {
            char *rr = attr(x, "r");
            if (rr) {
                long v = strtol(rr, NULL, 10);
                if (v >= 1 && v <= 1048576)
                    cur_row = (unsigned)(v - 1);
            } else if (have_row) {
                cur_row++;
            }
            xmlFree(rr);
            have_row = 1;
            next_col = 0;
            continue;
        }
        if (!is_elem(x, "c"))
            continue;
        char *ref = attr(x, "r"), *t = attr(x, "t"), *st = attr(x, "s");
        unsigned row = cur_row, col = next_col;
        if (ref && pe_xcell_parse_ref(ref, &row, &col) != 0) {
            pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "工作表“%s”中的单元格引用“%s”无效，文件已损坏", sh->name, ref);
            xmlFree(ref);
            xmlFree(t);
            xmlFree(st);
            rc = -1;
            break;
        }
        next_col = col + 1;
        unsigned long style = st ? strtoul(st, NULL, 10) : 0;
        pe_xv_type type = PE_XV_NUMBER;
        int inline_str = 0, shared = 0;
        if (t) {
            if (strcmp(t, "s") == 0)
                shared = 1, type = PE_XV_STRING;
            else if (strcmp(t, "inlineStr") == 0)
                inline_str = 1, type = PE_XV_STRING;
            else if (strcmp(t, "str") == 0 || strcmp(t, "d") == 0)
                type = PE_XV_STRING;
            else if (strcmp(t, "b") == 0)
                type = PE_XV_BOOL;
            else if (strcmp(t, "e") == 0)
                type = PE_XV_ERROR;
        }
        xmlFree(ref);
        xmlFree(t);
        xmlFree(st);
        /* children: <f>, <v>, <is> */
        pe_buf v;
        pe_buf_init(&v);
        int has_v = 0, has_f = 0;
        if (!xmlTextReaderIsEmptyElement(x)) {
            int depth = xmlTextReaderDepth(x), in_v = 0;
            while ((s = xml_next(x, &c)) == 1) {
                int nt = xmlTextReaderNodeType(x);
                if (nt == XML_READER_TYPE_END_ELEMENT) {
                    if (xmlTextReaderDepth(x) == depth)
                        break;
                    if (is_elem(x, "v"))
                        in_v = 0;
                } else if (nt == XML_READER_TYPE_ELEMENT) {
                    if (is_elem(x, "v")) {
                        has_v = 1;
                        in_v = !xmlTextReaderIsEmptyElement(x);
                    } else if (is_elem(x, "f")) {
                        has_f = 1;
                    } else if (is_elem(x, "is") && inline_str) {
                        has_v = 1;
                        if (read_rich_text(x, &c, &v) < 0) {
                            s = -1;
                            break;
                        }
                    }
                } else if ((nt == XML_READER_TYPE_TEXT ||
                            nt == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && in_v) {
                    const char *tv = (const char *)xmlTextReaderConstValue(x);
                    if (tv)
                        pe_buf_puts(&v, tv);
                }
            }
            if (s < 0) {
                pe_buf_release(&v);
                rc = -1;
                break;
            }
        }
        if (!has_v) {
            pe_buf_release(&v);
            continue;
        }
        const char *text = v.s ? v.s : "";
        if (shared) {
            char *end;
            unsigned long k = strtoul(text, &end, 10);
            if (end == text || *end || k >= sc->sst->n) {
                pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "工作表“%s”引用了不存在的共享字符串“%s”，文件已损坏",
                         sh->name, text);
                pe_buf_release(&v);
                rc = -1;
                break;
            }
            text = sc->sst->s[k];
        }
        if (sh->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            pe_xcell *nc = realloc(sh->cells, ncap * sizeof *nc);
            if (!nc) {
                pe_buf_release(&v);
                rc = -1;
                break;
            }
            sh->cells = nc;
            cap = ncap;
        }
        pe_xcell *cell = &sh->cells[sh->n];
        cell->row = row;
        cell->col = col;
        cell->type = type;
        cell->has_formula = has_f;
        cell->percent_style = style < sc->npct && sc->pct[style];
        cell->text = shared ? text : pe_arena_strdup(r->arena, text);
        pe_buf_release(&v);
        if (!cell->text) {
            rc = -1;
            break;
        }
        sh->n++;
    }
    if (s < 0)
        rc = -1;
    xmlFreeTextReader(x);
    free(buf);
    if (rc > 0 && sh->n > 1)
        qsort(sh->cells, sh->n, sizeof *sh->cells, cell_cmp);
    return rc;
}

/* ---- the workbook ---- */

static pe_status book_read(rd *r, pe_xbook *book)
{
    pe_status st = PE_ERR_INPUT;
    rels root = { 0 }, wbrels = { 0 };
    strtab sst = { 0 };
    unsigned char *pct = NULL;
    size_t npct = 0;
    char *buf = NULL;
    size_t len;
    xmlTextReaderPtr x = NULL;
    const char *wbpart = "xl/workbook.xml";
    char **rids = NULL;
    size_t nr = 0;

    if (rels_read(r, "_rels/.rels", &root) < 0)
        goto cleanup;
    for (size_t i = 0; i < root.n; i++)
        if (root.type[i] && root.target[i] && ends_with(root.type[i], "/officeDocument")) {
            wbpart = resolve_target(r->arena, "", root.target[i]);
            if (!wbpart)
                goto cleanup;
        }
    int got = part_read(r, wbpart, &buf, &len);
    if (got == 0)
        pe_error(r->d, ((pe_src){ r->file, 0, 0 }),
                 "不是 Excel 工作簿（压缩包中没有 %s），请发送用 Excel、WPS 或 LibreOffice 保存的 .xlsx 文件", wbpart);
    if (got <= 0)
        goto cleanup;
    char *rel_name = pe_arena_printf(r->arena, "%.*s_rels/%s.rels",
                                     (int)(strrchr(wbpart, '/') ? strrchr(wbpart, '/') - wbpart + 1 : 0),
                                     wbpart, strrchr(wbpart, '/') ? strrchr(wbpart, '/') + 1 : wbpart);
    if (!rel_name || rels_read(r, rel_name, &wbrels) < 0)
        goto cleanup;

    /* sheets in workbook order */
    xml_err_ctx c = { r, wbpart, 0 };
    x = xml_open(buf, len, wbpart);
    if (!x)
        goto cleanup;
    xmlTextReaderSetStructuredErrorHandler(x, on_xml_error, &c);
    int s;
    size_t cap = 0;
    while ((s = xml_next(x, &c)) == 1) {
        if (xmlTextReaderNodeType(x) != XML_READER_TYPE_ELEMENT || !is_elem(x, "sheet"))
            continue;
        if (book->nsheets == cap) {
            cap = cap ? cap * 2 : 16;
            pe_xsheet *ns = realloc(book->sheets, cap * sizeof *ns);
            char **nrid = realloc(rids, cap * sizeof *nrid);
            if (ns)
                book->sheets = ns;
            if (nrid)
                rids = nrid;
            if (!ns || !nrid) {
                st = PE_ERR_NOMEM;
                goto cleanup;
            }
        }
        pe_xsheet *sh = &book->sheets[book->nsheets];
        memset(sh, 0, sizeof *sh);
        char *nm = attr(x, "name"), *state = attr(x, "state");
        sh->name = pe_arena_strdup(r->arena, nm ? nm : "");
        sh->hidden = state && (strcmp(state, "hidden") == 0 || strcmp(state, "veryHidden") == 0);
        xmlFree(nm);
        xmlFree(state);
        rids[nr++] = attr_rid(x);
        book->nsheets++;
        if (!sh->name) {
            st = PE_ERR_NOMEM;
            goto cleanup;
        }
    }
    if (s < 0)
        goto cleanup;

    /* shared strings and styles */
    sheet_ctx sc = { &sst, NULL, 0 };
    for (size_t i = 0; i < wbrels.n; i++) {
        if (!wbrels.type[i] || !wbrels.target[i])
            continue;
        const char *target = resolve_target(r->arena, wbpart, wbrels.target[i]);
        if (!target)
            goto cleanup;
        if (ends_with(wbrels.type[i], "/sharedStrings") && sst_read(r, target, &sst) < 0)
            goto cleanup;
        if (ends_with(wbrels.type[i], "/styles") && !pct && styles_read(r, target, &pct, &npct) < 0)
            goto cleanup;
    }
    sc.pct = pct;
    sc.npct = npct;
    for (size_t k = 0; k < book->nsheets; k++) {
        pe_xsheet *sh = &book->sheets[k];
        const char *target = NULL;
        for (size_t i = 0; rids[k] && i < wbrels.n; i++)
            if (wbrels.id[i] && wbrels.target[i] && strcmp(wbrels.id[i], rids[k]) == 0)
                target = resolve_target(r->arena, wbpart, wbrels.target[i]);
        if (!target) {
            pe_error(r->d, ((pe_src){ r->file, 0, 0 }), "工作表“%s”在工作簿中找不到对应的内容，文件已损坏", sh->name);
            goto cleanup;
        }
        if (sheet_read(r, target, &sc, sh) < 0)
            goto cleanup;
    }
    st = PE_OK;

cleanup:
    if (x)
        xmlFreeTextReader(x);
    for (size_t i = 0; i < nr; i++)
        xmlFree(rids[i]);
    free(rids);
    free(buf);
    free(pct);
    free(sst.s);
    rels_release(&root);
    rels_release(&wbrels);
    return st;
}

/* Sheets' cell arrays are malloc'd (they grow while reading); the rest lives in the arena. */
void pe_xbook_free(pe_xbook *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nsheets; i++)
        free(b->sheets[i].cells);
    free(b->sheets);
    pe_arena_free(b->arena);
    free(b);
}

static pe_status read_zip(zip_t *za, const char *shown, pe_diags *d, pe_xbook **out)
{
    pe_status st;
    pe_xbook *b = calloc(1, sizeof *b);
    size_t errors_before = d->nerrors;
    if (!b)
        return PE_ERR_NOMEM;
    b->arena = pe_arena_new();
    if (!b->arena) {
        free(b);
        return PE_ERR_NOMEM;
    }
    b->file = pe_arena_strdup(b->arena, shown);
    rd r = { za, b->file, d, b->arena, 0 };
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0 || n > PE_XREAD_MAX_ENTRIES) {
        pe_error(d, ((pe_src){ shown, 0, 0 }), "压缩包中有 %lld 个文件，超过上限 %d，不是填报表", (long long)n,
                 PE_XREAD_MAX_ENTRIES);
        st = PE_ERR_INPUT;
    } else {
        /* libxml2: never load anything from outside (global; restored below) */
        xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
        xmlSetExternalEntityLoader(refuse_entity);
        st = book_read(&r, b);
        xmlSetExternalEntityLoader(old);
    }
    if (st == PE_OK && d->nerrors > errors_before)
        st = PE_ERR_INPUT;
    if (st == PE_ERR_INPUT && d->nerrors == errors_before)
        pe_error(d, ((pe_src){ shown, 0, 0 }), "无法读取工作簿（内存不足或文件异常）");
    if (st != PE_OK) {
        pe_xbook_free(b);
        return st;
    }
    *out = b;
    return PE_OK;
}

static void zip_open_error(int code, const char *shown, pe_diags *d)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    if (code == ZIP_ER_NOZIP)
        pe_error(d, ((pe_src){ shown, 0, 0 }),
                 "不是有效的 .xlsx 工作簿（不是 zip 格式，或文件已损坏），请发送用 Excel、WPS 或 LibreOffice 保存的 .xlsx 文件");
    else
        pe_error(d, ((pe_src){ shown, 0, 0 }),
                 "工作簿已损坏，无法打开（%s），请让填报单位重新保存后再发送", zip_error_strerror(&ze));
    zip_error_fini(&ze);
}

pe_status pe_xbook_read_buf(const void *buf, size_t len, const char *shown, pe_diags *d,
                            pe_xbook **out)
{
    zip_error_t ze;
    *out = NULL;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return PE_ERR_NOMEM;
    }
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za) {
        zip_open_error(zip_error_code_zip(&ze), shown, d);
        zip_source_free(src);
        zip_error_fini(&ze);
        return PE_ERR_INPUT;
    }
    zip_error_fini(&ze);
    pe_status st = read_zip(za, shown, d, out);
    zip_discard(za);
    return st;
}

pe_status pe_xbook_read(const char *path, const char *shown, pe_diags *d, pe_xbook **out)
{
    int err = 0;
    *out = NULL;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!za) {
        if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ)
            pe_error(d, ((pe_src){ shown, 0, 0 }), "无法读取文件，请检查路径和权限");
        else
            zip_open_error(err, shown, d);
        return PE_ERR_INPUT;
    }
    pe_status st = read_zip(za, shown, d, out);
    zip_discard(za);
    return st;
}

const pe_xsheet *pe_xbook_sheet(const pe_xbook *b, const char *name)
{
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcmp(b->sheets[i].name, name) == 0)
            return &b->sheets[i];
    return NULL;
}

const pe_xcell *pe_xsheet_cell(const pe_xsheet *s, unsigned row, unsigned col)
{
    size_t lo = 0, hi = s->n;
    pe_xcell key;
    key.row = row;
    key.col = col;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = cell_cmp(&key, &s->cells[mid]);
        if (c == 0)
            return &s->cells[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
