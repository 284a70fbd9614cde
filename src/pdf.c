/* pdf.c — the PDF backend (pe_pdf.h): draws a page model (pe_page.h) with
 * libharu on the HarfBuzz subset fonts, with outline and document info. It
 * measures nothing and decides no position: layout is done in src/pages.c. */
#include "pe_pdf.h"
#include "pdfa.h"

#include <hpdf.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libdeflate.h>

#define NROLES PE_FONT_ROLES
#define OUTLINE_DEPTH 4
#define OUTLINE_RISE 4.0    /* pt: a bookmark shows a little above its heading */

/* One font program, read from its subset file and deflated on a thread of
 * its own while the pages are drawn. */
typedef struct {
    const char *path;
    unsigned char *z;       /* deflated program (malloc'd) */
    size_t zlen, len;
    int ok;
    pthread_t tid;
    int started;
} program_job;

typedef struct {
    const pe_pages *p;
    pe_diags *d;
    const char *shown;      /* the output's name in messages */
    int oom;
    HPDF_Doc pdf;
    HPDF_Font hfont[NROLES];
    HPDF_Encoder enc;
    HPDF_STATUS herr, hdetail;
    HPDF_Page *pages;
    program_job programs[NROLES];   /* per font slot */
    /* graphics state of the current page, to emit only changes */
    int in_text;
    HPDF_Font cur_font;
    double cur_size, cur_tc, cur_lw, cur_fill, cur_stroke, cur_dash_on, cur_dash_off;
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

/* libdeflate at level 7: on the sample's fonts 1.6 × faster than zlib's
 * default level and 1 % smaller (the PDF has a size budget, SPEC §9). */
#define PROGRAM_LEVEL 7

/* Reads and deflates job->path (a zlib stream, as /FlateDecode wants). */
static void *program_deflate(void *arg)
{
    program_job *j = arg;
    FILE *f = fopen(j->path, "rb");
    unsigned char *raw = NULL;
    struct libdeflate_compressor *c = NULL;
    long n = -1;

    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (f && n > 0 && fseek(f, 0, SEEK_SET) == 0 && (raw = malloc((size_t)n)) != NULL &&
        fread(raw, 1, (size_t)n, f) == (size_t)n &&
        (c = libdeflate_alloc_compressor(PROGRAM_LEVEL)) != NULL) {
        size_t cap = libdeflate_zlib_compress_bound(c, (size_t)n);
        j->z = malloc(cap);
        j->zlen = j->z ? libdeflate_zlib_compress(c, raw, (size_t)n, j->z, cap) : 0;
        j->len = (size_t)n;
        j->ok = j->zlen > 0;
    }
    libdeflate_free_compressor(c);
    if (f)
        fclose(f);
    free(raw);
    return NULL;
}

/* Waits for the deflate threads; each ready program becomes its font's
 * FontFile2 (a program that could not be read is left to libharu, which
 * embeds it from the file it loaded). */
static void programs_finish(pdf_ctx *c, int embed)
{
    for (int s = 0; s < NROLES; s++) {
        program_job *j = &c->programs[s];
        if (j->started)
            pthread_join(j->tid, NULL);
        j->started = 0;
        if (embed && j->ok)
            for (int r = 0; r < NROLES; r++)
                if (c->p->fonts.slot[r] == s && c->hfont[r]) {
                    if (pe_pdf_font_program(c->pdf, c->hfont[r], j->z, j->zlen, j->len) != HPDF_OK)
                        c->herr = c->herr ? c->herr : HPDF_INVALID_FONTDEF_DATA;
                    break;
                }
        free(j->z);
        j->z = NULL;
    }
}

/* Loads every font slot's subset file (pe_pages_subset) into libharu. */
static pe_status fonts_load(pdf_ctx *c)
{
    const pe_page_fonts *f = &c->p->fonts;
    pe_src at = { c->shown, 0, 0 };
    int r, s;

    for (s = 0; s < NROLES; s++) {
        const char *name;
        HPDF_Font hf;
        if (!pe_pages_slot_used(c->p, s))
            continue;
        name = f->subset[s] ? HPDF_LoadTTFontFromFile(c->pdf, f->subset[s], HPDF_TRUE) : NULL;
        hf = name ? HPDF_GetFont(c->pdf, name, "UTF-8") : NULL;
        if (!hf) {
            pe_error(c->d, at, "libharu 无法载入字体 %s（错误 0x%04X）；请换用其他字体",
                     f->path[s], (unsigned)c->herr);
            return PE_ERR_IO;
        }
        for (r = 0; r < NROLES; r++)
            if (f->slot[r] == s)
                c->hfont[r] = hf;
        c->programs[s].path = f->subset[s];
        if (pthread_create(&c->programs[s].tid, NULL, program_deflate, &c->programs[s]) == 0)
            c->programs[s].started = 1;
        else
            program_deflate(&c->programs[s]);
    }
    return PE_OK;
}

static void page_state_reset(pdf_ctx *c)
{
    c->in_text = 0;
    c->cur_font = NULL;
    c->cur_size = -1;
    c->cur_tc = 1e9;
    c->cur_lw = -1;
    c->cur_fill = 0;
    c->cur_stroke = 0;
    c->cur_dash_on = c->cur_dash_off = 0;
}

static void text_end(pdf_ctx *c, HPDF_Page pg)
{
    if (c->in_text) {
        HPDF_Page_EndText(pg);
        c->in_text = 0;
    }
}

static void set_fill(pdf_ctx *c, HPDF_Page pg, double gray)
{
    if (fabs(c->cur_fill - gray) > 1e-6) {
        HPDF_Page_SetGrayFill(pg, R(gray));
        c->cur_fill = gray;
    }
}

/* A glyph run: text objects stay open across consecutive runs, and font,
 * size and character spacing are set only when they change. A rotated run
 * gets a text object of its own. */
static void draw_run(pdf_ctx *c, HPDF_Page pg, const pe_page_run *t)
{
    char stackbuf[512];
    char *buf = t->len < sizeof stackbuf ? stackbuf : malloc(t->len + 1);

    if (!buf) {
        c->oom = 1;
        return;
    }
    memcpy(buf, t->text, t->len);
    buf[t->len] = '\0';
    if (t->angle != 0) {
        double a = t->angle * M_PI / 180.0;
        text_end(c, pg);
        set_fill(c, pg, t->gray);
        HPDF_Page_BeginText(pg);
        HPDF_Page_SetFontAndSize(pg, c->hfont[t->role], R(t->size));
        HPDF_Page_SetTextMatrix(pg, RF(cos(a)), RF(sin(a)), RF(-sin(a)), RF(cos(a)), R(t->x),
                                R(t->y));
        HPDF_Page_ShowText(pg, buf);
        HPDF_Page_EndText(pg);
        c->cur_font = NULL;
        c->cur_size = -1;
    } else {
        if (!c->in_text) {
            HPDF_Page_BeginText(pg);
            c->in_text = 1;
        }
        set_fill(c, pg, t->gray);
        if (c->cur_font != c->hfont[t->role] || fabs(c->cur_size - t->size) > 1e-6) {
            HPDF_Page_SetFontAndSize(pg, c->hfont[t->role], R(t->size));
            c->cur_font = c->hfont[t->role];
            c->cur_size = t->size;
        }
        if (fabs(c->cur_tc - t->tc) > 5e-4) {
            HPDF_Page_SetCharSpace(pg, RF(t->tc));
            c->cur_tc = t->tc;
        }
        HPDF_Page_TextOut(pg, R(t->x), R(t->y), buf);
    }
    if (buf != stackbuf)
        free(buf);
}

/* Stroked segments as one path. */
static void draw_lines(pdf_ctx *c, HPDF_Page pg, const pe_page_lines *l)
{
    size_t i;

    text_end(c, pg);
    if (fabs(c->cur_stroke - l->gray) > 1e-6) {
        HPDF_Page_SetGrayStroke(pg, R(l->gray));
        c->cur_stroke = l->gray;
    }
    if (c->cur_dash_on != l->dash_on || c->cur_dash_off != l->dash_off) {
        if (l->dash_on > 0) {
            HPDF_UINT16 dash[2];
            dash[0] = (HPDF_UINT16)lround(l->dash_on);
            dash[1] = (HPDF_UINT16)lround(l->dash_off);
            HPDF_Page_SetDash(pg, dash, 2, 0);
        } else {
            HPDF_Page_SetDash(pg, NULL, 0, 0);
        }
        c->cur_dash_on = l->dash_on;
        c->cur_dash_off = l->dash_off;
    }
    if (fabs(c->cur_lw - l->width) > 1e-6) {
        HPDF_Page_SetLineWidth(pg, R(l->width));
        c->cur_lw = l->width;
    }
    for (i = 0; i < l->nsegs; i++) {
        HPDF_Page_MoveTo(pg, R(l->segs[i].x0), R(l->segs[i].y0));
        HPDF_Page_LineTo(pg, R(l->segs[i].x1), R(l->segs[i].y1));
    }
    HPDF_Page_Stroke(pg);
}

static void draw_rect(pdf_ctx *c, HPDF_Page pg, const pe_page_rect *r)
{
    text_end(c, pg);
    set_fill(c, pg, r->gray);
    HPDF_Page_Rectangle(pg, R(r->x), R(r->y), R(r->w), R(r->h));
    HPDF_Page_Fill(pg);
}

static void draw_page(pdf_ctx *c, HPDF_Page pg, const pe_page *page)
{
    size_t i;

    page_state_reset(c);
    HPDF_Page_SetWidth(pg, R(c->p->width));
    HPDF_Page_SetHeight(pg, R(c->p->height));
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
    size_t i;

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
    programs_finish(&c, 1);
    if (c.herr) {
        pe_error(d, at, "嵌入字体时 libharu 出错（错误 0x%04X）", (unsigned)c.herr);
        st = PE_ERR_IO;
        goto cleanup;
    }
    st = pe_pdfa_finish(c.pdf, d);
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
    programs_finish(&c, 0);
    if (c.pdf)
        HPDF_Free(c.pdf);
    free(c.pages);
    return st;
}
