/* pdf.c — the PDF backend (pe_pdf.h): draws a page model (pe_page.h) with
 * libharu on the HarfBuzz subset fonts, with outline and document info. It
 * measures nothing and decides no position: layout is done in src/pages.c.
 * The operators are written into the page's content stream here, in the
 * form libharu's HPDF_Page_* functions write them (its number format), for
 * fonts made by pdffont.c: libharu's font objects cost more to make than the
 * whole drawing, and each of its operators clears a 512-byte buffer. */
#include "pe_pdf.h"
#include "pdfa.h"
#include "pdffont.h"

#include <hpdf.h>
#include <hpdf_pages.h>
#include <hpdf_utils.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NROLES PE_FONT_ROLES
#define OUTLINE_DEPTH 4
#define OUTLINE_RISE 4.0    /* pt: a bookmark shows a little above its heading */

/* One font slot: its dictionary, named by the pages while they are drawn,
 * and the reading of its subset file on a thread of its own meanwhile. */
typedef struct {
    HPDF_Dict dict;
    pe_pdf_font_data data;
    pthread_t tid;
    int started;
} font_job;

typedef struct {
    const pe_pages *p;
    pe_diags *d;
    const char *shown;      /* the output's name in messages */
    int oom;
    HPDF_Doc pdf;
    HPDF_Encoder enc;
    HPDF_STATUS herr, hdetail;
    HPDF_Page *pages;
    font_job fonts[NROLES];         /* per font slot */
    /* the current page: its content stream and graphics state, to emit
     * only changes; the text matrix as libharu would track it */
    HPDF_Stream cs;
    int in_text;
    HPDF_Dict cur_font;
    double cur_size, cur_tc, cur_lw, cur_fill, cur_stroke, cur_dash_on, cur_dash_off;
    HPDF_REAL tm_x, tm_y;
} pdf_ctx;

/* libharu takes floats. Positions are rounded to 1/100 pt and spacing and
 * matrices to 1/10000 so that the content streams stay short and compress well. */
static HPDF_REAL R(double v) { return (HPDF_REAL)(round(v * 100.0) / 100.0); }
static HPDF_REAL RF(double v) { return (HPDF_REAL)(round(v * 10000.0) / 10000.0); }

static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                                       void *user_data)
{
    pdf_ctx *c = user_data;
    if (c->herr == 0) {
        c->herr = error_no;
        c->hdetail = detail_no;
    }
}

/* Waits for the font threads; with `embed`, fills each slot's dictionary. */
static void fonts_finish(pdf_ctx *c, int embed)
{
    pe_src at = { c->shown, 0, 0 };

    for (int s = 0; s < NROLES; s++) {
        font_job *j = &c->fonts[s];
        if (j->started)
            pthread_join(j->tid, NULL);
        j->started = 0;
        if (embed && j->dict && c->herr == 0) {
            HPDF_STATUS ret = pe_pdf_font_complete(c->pdf, j->dict, &j->data);
            if (ret != HPDF_OK) {
                if (!j->data.ok)
                    pe_error(c->d, at, "无法读取或解析字体子集文件（%s）；请检查临时目录的空间与"
                             "权限，或换用其他字体", c->p->fonts.path[s]);
                else
                    pe_error(c->d, at, "生成字体 %s 的 PDF 对象时 libharu 出错（错误 0x%04X）",
                             c->p->fonts.path[s], (unsigned)ret);
                c->herr = ret ? ret : HPDF_INVALID_FONTDEF_DATA;
            }
        }
    }
}

static void fonts_free(pdf_ctx *c)
{
    fonts_finish(c, 0);
    for (int s = 0; s < NROLES; s++)
        pe_pdf_font_data_free(&c->fonts[s].data);
}

/* Makes every used slot's font dictionary and starts reading its subset
 * file (pe_pages_subset). */
static pe_status fonts_load(pdf_ctx *c)
{
    const pe_page_fonts *f = &c->p->fonts;
    pe_src at = { c->shown, 0, 0 };

    for (int s = 0; s < NROLES; s++) {
        font_job *j = &c->fonts[s];
        if (!pe_pages_slot_used(c->p, s))
            continue;
        j->dict = f->subset[s] ? pe_pdf_font_shell(c->pdf) : NULL;
        if (!j->dict) {
            pe_error(c->d, at, "libharu 无法载入字体 %s（错误 0x%04X）；请换用其他字体",
                     f->path[s], (unsigned)c->herr);
            return PE_ERR_IO;
        }
        j->data.path = f->subset[s];
        if (pthread_create(&j->tid, NULL, pe_pdf_font_read, &j->data) == 0)
            j->started = 1;
        else
            pe_pdf_font_read(&j->data);
    }
    return PE_OK;
}

static void page_state_reset(pdf_ctx *c, HPDF_Page pg)
{
    c->cs = ((HPDF_PageAttr)pg->attr)->stream;
    c->in_text = 0;
    c->cur_font = NULL;
    c->cur_size = -1;
    c->cur_tc = 1e9;
    c->cur_lw = -1;
    c->cur_fill = 0;
    c->cur_stroke = 0;
    c->cur_dash_on = c->cur_dash_off = 0;
}

/* Writes `s` into the page's content stream. */
static void put(pdf_ctx *c, const char *s)
{
    if (HPDF_Stream_WriteStr(c->cs, s) != HPDF_OK && c->herr == 0)
        c->herr = HPDF_FAILD_TO_ALLOC_MEM;
}

/* Appends v to *p as libharu writes a real (HPDF_FToA: up to 5 decimals). */
static void put_real(char **p, char *end, HPDF_REAL v)
{
    char tmp[HPDF_REAL_LEN + 2] = { 0 };
    HPDF_FToA(tmp, v, tmp + sizeof tmp - 2);
    for (const char *q = tmp; *q && *p < end; q++)
        *(*p)++ = *q;
    **p = '\0';
}

/* "a b … op\n" with n reals. */
static void put_op(pdf_ctx *c, const HPDF_REAL *v, int n, const char *op)
{
    char line[HPDF_TMP_BUF_SIZ], *p = line, *end = line + sizeof line - 16;
    for (int i = 0; i < n; i++) {
        if (i)
            *p++ = ' ';
        put_real(&p, end, v[i]);
    }
    snprintf(p, (size_t)(line + sizeof line - p), " %s\n", op);
    put(c, line);
}

static void text_begin(pdf_ctx *c)
{
    put(c, "BT\n");
    c->in_text = 1;
    c->tm_x = c->tm_y = 0;
}

static void text_end(pdf_ctx *c, HPDF_Page pg)
{
    (void)pg;
    if (c->in_text) {
        put(c, "ET\n");
        c->in_text = 0;
    }
}

/* "v op": a grey or a width, checked as libharu checks it. */
static void put_level(pdf_ctx *c, double v, double max, const char *op)
{
    HPDF_REAL r = R(v);
    if (r < 0 || r > max) {
        c->herr = c->herr ? c->herr : HPDF_PAGE_OUT_OF_RANGE;
        return;
    }
    put_op(c, &r, 1, op);
}

static void set_fill(pdf_ctx *c, HPDF_Page pg, double gray)
{
    (void)pg;
    if (fabs(c->cur_fill - gray) > 1e-6) {
        put_level(c, gray, 1, "g");
        c->cur_fill = gray;
    }
}

/* "/Fn size Tf": the slot's font, named in the page's resources. */
static void set_font(pdf_ctx *c, HPDF_Page pg, const pe_page_run *t)
{
    HPDF_Dict f = c->fonts[c->p->fonts.slot[t->role]].dict;
    const char *name = f ? HPDF_Page_GetLocalFontName(pg, f) : NULL;
    HPDF_REAL size = R(t->size);

    if (!name) {
        c->herr = c->herr ? c->herr : HPDF_PAGE_INVALID_FONT;
        return;
    }
    put(c, "/");
    put(c, name);
    put(c, " ");
    put_op(c, &size, 1, "Tf");
    c->cur_font = f;
    c->cur_size = t->size;
}

/* "<UTF-16BE codes> Tj" (code points outside the BMP were refused earlier;
 * libharu's encoder made them spaces, and so does this). */
static void show(pdf_ctx *c, const pe_page_run *t)
{
    static const char hex[] = "0123456789ABCDEF";
    char buf[512];
    size_t k = 0, i = 0;

    buf[k++] = '<';
    while (i < t->len) {
        unsigned cp = 0;
        size_t n = pe_utf8_decode(t->text + i, t->len - i, &cp);
        if (n == 0)
            break;
        i += n;
        if (cp > 0xFFFF)
            cp = 0x20;
        if (k + 8 > sizeof buf) {
            buf[k] = '\0';
            put(c, buf);
            k = 0;
        }
        buf[k++] = hex[cp >> 12 & 15];
        buf[k++] = hex[cp >> 8 & 15];
        buf[k++] = hex[cp >> 4 & 15];
        buf[k++] = hex[cp & 15];
    }
    memcpy(buf + k, "> Tj\n", 6);
    put(c, buf);
}

/* A glyph run: text objects stay open across consecutive runs, and font,
 * size and character spacing are set only when they change. A rotated run
 * gets a text object of its own. The operators are those of libharu's
 * HPDF_Page_TextOut: Td relative to the text matrix, in libharu's floats. */
static void draw_run(pdf_ctx *c, HPDF_Page pg, const pe_page_run *t)
{
    if (t->angle != 0) {
        double a = t->angle * M_PI / 180.0;
        HPDF_REAL m[6] = { RF(cos(a)), RF(sin(a)), RF(-sin(a)), RF(cos(a)), R(t->x), R(t->y) };
        text_end(c, pg);
        set_fill(c, pg, t->gray);
        text_begin(c);
        set_font(c, pg, t);
        put_op(c, m, 6, "Tm");
        if (t->len)
            show(c, t);
        text_end(c, pg);
        c->cur_font = NULL;
        c->cur_size = -1;
    } else {
        HPDF_REAL d[2];
        if (!c->in_text)
            text_begin(c);
        set_fill(c, pg, t->gray);
        if (c->cur_font != c->fonts[c->p->fonts.slot[t->role]].dict ||
            fabs(c->cur_size - t->size) > 1e-6)
            set_font(c, pg, t);
        if (fabs(c->cur_tc - t->tc) > 5e-4) {
            HPDF_REAL tc = RF(t->tc);
            if (tc < HPDF_MIN_CHARSPACE || tc > HPDF_MAX_CHARSPACE) {
                c->herr = c->herr ? c->herr : HPDF_PAGE_OUT_OF_RANGE;
                return;
            }
            put_op(c, &tc, 1, "Tc");
            c->cur_tc = t->tc;
        }
        d[0] = R(t->x) - c->tm_x;
        d[1] = R(t->y) - c->tm_y;
        put_op(c, d, 2, "Td");
        c->tm_x += d[0];
        c->tm_y += d[1];
        if (t->len)
            show(c, t);
    }
}

/* Stroked segments as one path. */
static void draw_lines(pdf_ctx *c, HPDF_Page pg, const pe_page_lines *l)
{
    size_t i;

    text_end(c, pg);
    if (fabs(c->cur_stroke - l->gray) > 1e-6) {
        put_level(c, l->gray, 1, "G");
        c->cur_stroke = l->gray;
    }
    if (c->cur_dash_on != l->dash_on || c->cur_dash_off != l->dash_off) {
        long on = lround(l->dash_on), off = lround(l->dash_off);
        char d[64];
        if (l->dash_on > 0 && (on < 1 || off < 1 || on > HPDF_MAX_DASH_PATTERN ||
                               off > HPDF_MAX_DASH_PATTERN)) {
            c->herr = c->herr ? c->herr : HPDF_PAGE_OUT_OF_RANGE;
            return;
        }
        if (l->dash_on > 0)
            snprintf(d, sizeof d, "[%ld %ld ] 0 d\n", on, off);
        else
            snprintf(d, sizeof d, "[] 0 d\n");
        put(c, d);
        c->cur_dash_on = l->dash_on;
        c->cur_dash_off = l->dash_off;
    }
    if (fabs(c->cur_lw - l->width) > 1e-6) {
        put_level(c, l->width, HPDF_LIMIT_MAX_REAL, "w");
        c->cur_lw = l->width;
    }
    for (i = 0; i < l->nsegs; i++) {
        HPDF_REAL m[2] = { R(l->segs[i].x0), R(l->segs[i].y0) };
        HPDF_REAL t[2] = { R(l->segs[i].x1), R(l->segs[i].y1) };
        put_op(c, m, 2, "m");
        put_op(c, t, 2, "l");
    }
    put(c, "S\n");
}

static void draw_rect(pdf_ctx *c, HPDF_Page pg, const pe_page_rect *r)
{
    HPDF_REAL v[4] = { R(r->x), R(r->y), R(r->w), R(r->h) };
    text_end(c, pg);
    set_fill(c, pg, r->gray);
    put_op(c, v, 4, "re");
    put(c, "f\n");
}

static void draw_page(pdf_ctx *c, HPDF_Page pg, const pe_page *page)
{
    size_t i;

    page_state_reset(c, pg);
    HPDF_Page_SetWidth(pg, R(page->width));
    HPDF_Page_SetHeight(pg, R(page->height));
    for (i = 0; i < page->n && !c->oom; i++) {
        const pe_page_obj *o = &page->objs[i];
        switch (o->kind) {
        case PE_OBJ_TEXT: draw_run(c, pg, &o->u.text); break;
        case PE_OBJ_LINES: draw_lines(c, pg, &o->u.lines); break;
        case PE_OBJ_RECT: draw_rect(c, pg, &o->u.rect); break;
        }
    }
    text_end(c, pg);
}

/* Bookmarks: each entry under the nearest shallower one before it. */
static void draw_outline(pdf_ctx *c)
{
    HPDF_Outline open[OUTLINE_DEPTH + 1] = { NULL };
    size_t i;

    for (i = 0; i < c->p->noutline; i++) {
        const pe_page_outline *e = &c->p->outline[i];
        HPDF_Outline parent = NULL, ol;
        int depth = e->level < 1 ? 1 : e->level > OUTLINE_DEPTH ? OUTLINE_DEPTH : e->level, k;

        if (e->page < 0 || (size_t)e->page >= c->p->npages)
            continue;
        for (k = depth - 1; k >= 1 && !parent; k--)
            parent = open[k];
        ol = HPDF_CreateOutline(c->pdf, parent, e->title, c->enc);
        if (!ol)
            return;
        pe_pdfa_outline_dest(ol, c->pages[e->page], 0, R(e->y + OUTLINE_RISE), 1);
        HPDF_Outline_SetOpened(ol, depth == 1 ? HPDF_TRUE : HPDF_FALSE);
        open[depth] = ol;
        for (k = depth + 1; k <= OUTLINE_DEPTH; k++)
            open[k] = NULL;
    }
}

static void set_info(pdf_ctx *c)
{
    const pe_pages *p = c->p;
    HPDF_Date dt;
    struct tm tm;
    time_t ts = (time_t)p->timestamp;

    if (p->title)
        HPDF_SetInfoAttr(c->pdf, HPDF_INFO_TITLE, p->title);
    if (p->author)
        HPDF_SetInfoAttr(c->pdf, HPDF_INFO_AUTHOR, p->author);
    if (p->subject)
        HPDF_SetInfoAttr(c->pdf, HPDF_INFO_SUBJECT, p->subject);
    if (p->creator)
        HPDF_SetInfoAttr(c->pdf, HPDF_INFO_CREATOR, p->creator);
    memset(&tm, 0, sizeof tm);
    gmtime_r(&ts, &tm);
    memset(&dt, 0, sizeof dt);
    dt.year = tm.tm_year + 1900;
    dt.month = tm.tm_mon + 1;
    dt.day = tm.tm_mday;
    dt.hour = tm.tm_hour;
    dt.minutes = tm.tm_min;
    dt.seconds = tm.tm_sec;
    dt.ind = 'Z';
    HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, dt);
    HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, dt);
}

pe_status pe_pdf_write(const pe_pages *p, const char *file, const char *shown, pe_diags *d,
                       pe_pdf_result *res)
{
    pdf_ctx c;
    pe_status st;
    pe_src at = { shown, 0, 0 };
    const char *names[NROLES];
    size_t i, nnames = 0;

    if (res) {
        res->pages = 0;
        res->bytes = 0;
    }
    memset(&c, 0, sizeof c);
    c.p = p;
    c.d = d;
    c.shown = shown;
    c.pages = calloc(p->npages ? p->npages : 1, sizeof *c.pages);
    c.pdf = c.pages ? HPDF_New(on_hpdf_error, &c) : NULL;
    if (!c.pdf) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    HPDF_SetCompressionMode(c.pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(c.pdf);
    HPDF_SetCurrentEncoder(c.pdf, "UTF-8");
    c.enc = HPDF_GetEncoder(c.pdf, "UTF-8");
    HPDF_SetPageMode(c.pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    set_info(&c);
    st = fonts_load(&c);
    if (st != PE_OK)
        goto cleanup;
    for (i = 0; i < p->npages && !c.herr && !c.oom; i++) {
        c.pages[i] = HPDF_AddPage(c.pdf);
        if (!c.pages[i])
            break;
        draw_page(&c, c.pages[i], &p->pages[i]);
    }
    if (!c.herr && !c.oom)
        draw_outline(&c);
    if (c.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    if (c.herr) {
        pe_error(d, at, "生成 PDF 时 libharu 出错（错误 0x%04X，细节 %u）", (unsigned)c.herr,
                 (unsigned)c.hdetail);
        st = PE_ERR_IO;
        goto cleanup;
    }
    fonts_finish(&c, 1);
    if (c.herr) {
        st = PE_ERR_IO;
        goto cleanup;
    }
    for (i = 0; i < NROLES; i++)
        if (c.fonts[i].dict)
            names[nnames++] = c.fonts[i].data.name;
    st = pe_pdfa_finish(c.pdf, names, nnames, d);
    if (st != PE_OK)
        goto cleanup;
    if (HPDF_SaveToFile(c.pdf, file) != HPDF_OK || c.herr) {
        pe_error(d, at, "写入 PDF 失败（libharu 错误 0x%04X）；请检查磁盘空间与权限",
                 (unsigned)c.herr);
        st = PE_ERR_IO;
        goto cleanup;
    }
    if (res)
        res->pages = (int)p->npages;
    st = PE_OK;
cleanup:
    fonts_free(&c);
    if (c.pdf)
        HPDF_Free(c.pdf);
    free(c.pages);
    return st;
}
