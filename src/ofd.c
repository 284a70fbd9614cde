/* ofd.c — the OFD backend (pe_ofd.h, GB/T 33190-2016): writes a page model
 * (pe_page.h) as OFD.xml, Doc_0/Document.xml, Doc_0/PublicRes.xml with the
 * subset fonts as FontFile, and one Content.xml per page, with libxml2's
 * xmlTextWriter, zipped with libzip at a fixed timestamp. No layout.
 *
 * Units: millimetres, y downwards from the page's top-left corner (the page
 * model is in points, y upwards). Each object's Boundary holds its ink: text
 * from one em above the baseline to a quarter em below, the advances plus
 * the last glyph; lines with half their width around them. IDs are unique
 * and increase in reading order: fonts, pages, then each page's layer and
 * objects. */
#include "pe_ofd.h"

#include <libxml/xmlwriter.h>
#include <zip.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NROLES PE_FONT_ROLES
#define OFD_NS "http://www.ofdspec.org/2016"
#define MM_PER_PT (25.4 / 72.0)
#define TEXT_ASCENT 1.0     /* em above the baseline a Boundary reserves */
#define TEXT_DESCENT 0.25   /* em below it */
#define INK_PAD 0.2         /* mm around every Boundary */
#define OUTLINE_DEPTH 4
#define NUM_MAX 32
#define ZIP_MODE 0100644u   /* every entry: a regular file, rw-r--r-- */
/* zlib level 3: on the sample the package is 311 KB instead of 288 KB at
 * libzip's default 9, for 40 % of the writer's instructions (callgrind). */
#define OFD_DEFLATE_LEVEL 3u

typedef struct {
    const pe_pages *p;
    pe_diags *d;
    const char *shown;
    zip_t *z;
    time_t mtime;           /* the zip entries' local time, fixed */
    unsigned font_id[NROLES];   /* per slot */
    unsigned *page_id;
    unsigned next_id, max_id;
    double page_h;          /* height of the page being written, pt */
    int oom, failed;
} ofd_ctx;

/* ---- numbers ---- */

/* k thousandths as a decimal with at most three decimals, no trailing
 * zeros, never "-0" (written by hand: printf's float path would be most of
 * the writer's time). */
static const char *num_k(long long k, char out[NUM_MAX])
{
    char tmp[24];
    unsigned long long a = k < 0 ? (unsigned long long)(-k) : (unsigned long long)k;
    unsigned long long ip = a / 1000, fp = a % 1000;
    size_t n = 0, t = 0;

    if (k < 0)
        out[n++] = '-';
    do {
        tmp[t++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (t)
        out[n++] = tmp[--t];
    if (fp) {
        out[n++] = '.';
        out[n++] = (char)('0' + fp / 100);
        if (fp % 100) {
            out[n++] = (char)('0' + fp / 10 % 10);
            if (fp % 10)
                out[n++] = (char)('0' + fp % 10);
        }
    }
    out[n] = '\0';
    return out;
}

/* v rounded to thousandths, as num_k. */
static const char *num(double v, char out[NUM_MAX])
{
    return num_k(llround(v * 1000.0), out);
}

static double mm(double pt) { return pt * MM_PER_PT; }

/* Page y (points, upwards) to OFD y (mm, downwards). */
static double mm_y(const ofd_ctx *c, double y) { return mm(c->page_h - y); }

/* ---- XML parts ---- */

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
} part;

static int part_begin(ofd_ctx *c, part *pt, const char *root)
{
    pt->buf = xmlBufferCreate();
    pt->w = pt->buf ? xmlNewTextWriterMemory(pt->buf, 0) : NULL;
    if (!pt->w || xmlTextWriterStartDocument(pt->w, NULL, "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElementNS(pt->w, BAD_CAST "ofd", BAD_CAST root, BAD_CAST OFD_NS) < 0) {
        c->oom = 1;
        return 0;
    }
    return 1;
}

/* Fixed time, mode and compression of zip entry `idx`: the same pages give
 * the same bytes. */
static void entry_fix(ofd_ctx *c, zip_int64_t idx)
{
    zip_uint64_t i = (zip_uint64_t)idx;
    if (zip_file_set_mtime(c->z, i, c->mtime, 0) < 0 ||
        zip_file_set_external_attributes(c->z, i, 0, ZIP_OPSYS_UNIX, ZIP_MODE << 16) < 0 ||
        zip_set_file_compression(c->z, i, ZIP_CM_DEFLATE, OFD_DEFLATE_LEVEL) < 0)
        c->failed = 1;
}

/* Ends the document and adds it to the zip as `name`. */
static void part_end(ofd_ctx *c, part *pt, const char *name)
{
    zip_source_t *src;
    zip_int64_t idx;
    void *data;
    size_t len;

    if (!pt->w)
        goto cleanup;
    if (xmlTextWriterEndDocument(pt->w) < 0) {
        c->oom = 1;
        goto cleanup;
    }
    xmlFreeTextWriter(pt->w);
    pt->w = NULL;
    len = (size_t)xmlBufferLength(pt->buf);
    data = malloc(len ? len : 1);
    if (!data) {
        c->oom = 1;
        goto cleanup;
    }
    memcpy(data, xmlBufferContent(pt->buf), len);
    src = zip_source_buffer(c->z, data, len, 1);
    if (!src) {
        free(data);
        c->failed = 1;
        goto cleanup;
    }
    idx = zip_file_add(c->z, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        c->failed = 1;
        goto cleanup;
    }
    entry_fix(c, idx);
cleanup:
    if (pt->w)
        xmlFreeTextWriter(pt->w);
    if (pt->buf)
        xmlBufferFree(pt->buf);
    pt->w = NULL;
    pt->buf = NULL;
}

static void el_start(part *pt, const char *name)
{
    xmlTextWriterStartElementNS(pt->w, BAD_CAST "ofd", BAD_CAST name, NULL);
}

static void el_end(part *pt) { xmlTextWriterEndElement(pt->w); }

static void el_text(part *pt, const char *name, const char *text)
{
    xmlTextWriterWriteElementNS(pt->w, BAD_CAST "ofd", BAD_CAST name, NULL, BAD_CAST text);
}

static void attr(part *pt, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(pt->w, BAD_CAST name, BAD_CAST value);
}

static void attr_u(part *pt, const char *name, unsigned v)
{
    char b[NUM_MAX];
    snprintf(b, sizeof b, "%u", v);
    attr(pt, name, b);
}

static void attr_num(part *pt, const char *name, double v)
{
    char b[NUM_MAX];
    attr(pt, name, num(v, b));
}

/* Boundary="x y w h" in mm, rounded outwards. */
static void attr_box(part *pt, double x0, double y0, double x1, double y1)
{
    char b[4][NUM_MAX], s[4 * NUM_MAX + 4];
    double x = floor(x0 * 1000.0) / 1000.0, y = floor(y0 * 1000.0) / 1000.0;
    snprintf(s, sizeof s, "%s %s %s %s", num(x, b[0]), num(y, b[1]),
             num(ceil((x1 - x) * 1000.0) / 1000.0, b[2]), num(ceil((y1 - y) * 1000.0) / 1000.0, b[3]));
    attr(pt, "Boundary", s);
}

static void color(part *pt, const char *name, double gray)
{
    char v[NUM_MAX];
    int g = (int)lround(gray * 255.0);
    snprintf(v, sizeof v, "%d %d %d", g, g, g);
    el_start(pt, name);
    attr(pt, "Value", v);
    el_end(pt);
}

/* ---- OFD.xml ---- */

/* DocID: 32 hex digits derived from the document (FNV-1a over title, author,
 * date and every glyph run), so that reruns give the same bytes. */
static void doc_id(const pe_pages *p, char out[33])
{
    unsigned long long h1 = 1469598103934665603ULL, h2 = 1099511628211ULL * 31;
    size_t i, k, j;
    const char *fixed[3];

    fixed[0] = p->title ? p->title : "";
    fixed[1] = p->author ? p->author : "";
    fixed[2] = p->subject ? p->subject : "";
    for (i = 0; i < 3; i++)
        for (j = 0; fixed[i][j]; j++) {
            h1 = (h1 ^ (unsigned char)fixed[i][j]) * 1099511628211ULL;
            h2 = (h2 ^ (unsigned char)fixed[i][j]) * 1099511628211ULL + 7;
        }
    h1 ^= (unsigned long long)p->timestamp;
    for (k = 0; k < p->npages; k++)
        for (i = 0; i < p->pages[k].n; i++) {
            const pe_page_obj *o = &p->pages[k].objs[i];
            if (o->kind != PE_OBJ_TEXT)
                continue;
            for (j = 0; j < o->u.text.len; j++) {
                h1 = (h1 ^ (unsigned char)o->u.text.text[j]) * 1099511628211ULL;
                h2 = (h2 ^ (unsigned char)o->u.text.text[j]) * 1099511628211ULL + 7;
            }
        }
    snprintf(out, 33, "%016llx%016llx", h1, h2);
}

static void write_ofd_xml(ofd_ctx *c)
{
    const pe_pages *p = c->p;
    part pt = { NULL, NULL };
    char id[33], date[16], creator[128];
    const char *version = NULL;
    struct tm tm;
    time_t ts = (time_t)p->timestamp;

    if (!part_begin(c, &pt, "OFD"))
        goto done;
    attr(&pt, "Version", "1.0");
    attr(&pt, "DocType", "OFD");
    el_start(&pt, "DocBody");
    el_start(&pt, "DocInfo");
    doc_id(p, id);
    el_text(&pt, "DocID", id);
    if (p->title)
        el_text(&pt, "Title", p->title);
    if (p->author)
        el_text(&pt, "Author", p->author);
    if (p->subject)
        el_text(&pt, "Subject", p->subject);
    memset(&tm, 0, sizeof tm);
    gmtime_r(&ts, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    el_text(&pt, "CreationDate", date);
    el_text(&pt, "ModDate", date);
    if (p->creator) {
        /* "planeval 0.1.0" → Creator planeval, CreatorVersion 0.1.0 */
        const char *sp = strchr(p->creator, ' ');
        size_t n = sp ? (size_t)(sp - p->creator) : strlen(p->creator);
        if (n >= sizeof creator)
            n = sizeof creator - 1;
        memcpy(creator, p->creator, n);
        creator[n] = '\0';
        version = sp ? sp + 1 : NULL;
        el_text(&pt, "Creator", creator);
        if (version && *version)
            el_text(&pt, "CreatorVersion", version);
    }
    el_end(&pt);    /* DocInfo */
    el_text(&pt, "DocRoot", "Doc_0/Document.xml");
done:
    part_end(c, &pt, "OFD.xml");
}

/* ---- Document.xml ---- */

/* One outline entry and, nested, the deeper entries that follow it; returns
 * the index after them. */
static size_t write_outline(ofd_ctx *c, part *pt, size_t i)
{
    const pe_page_outline *e = &c->p->outline[i];
    size_t k = i + 1;

    el_start(pt, "OutlineElem");
    attr(pt, "Title", e->title ? e->title : "");
    if (e->level <= 1)
        attr(pt, "Expanded", "true");
    else
        attr(pt, "Expanded", "false");
    el_start(pt, "Actions");
    el_start(pt, "Action");
    attr(pt, "Event", "CLICK");
    el_start(pt, "Goto");
    el_start(pt, "Dest");
    attr(pt, "Type", "XYZ");
    attr_u(pt, "PageID", c->page_id[e->page]);
    attr(pt, "Left", "0");
    c->page_h = c->p->pages[e->page].height;
    attr_num(pt, "Top", fmax(0, mm_y(c, e->y)));
    attr(pt, "Zoom", "1");
    el_end(pt); /* Dest */
    el_end(pt); /* Goto */
    el_end(pt); /* Action */
    el_end(pt); /* Actions */
    while (k < c->p->noutline && c->p->outline[k].level > e->level)
        k = write_outline(c, pt, k);
    el_end(pt);
    return k;
}

static void write_document(ofd_ctx *c)
{
    const pe_pages *p = c->p;
    part pt = { NULL, NULL };
    char box[4 * NUM_MAX + 8], b1[NUM_MAX], b2[NUM_MAX], name[64];
    size_t i;

    if (!part_begin(c, &pt, "Document"))
        goto done;
    el_start(&pt, "CommonData");
    snprintf(name, sizeof name, "%u", c->max_id);
    el_text(&pt, "MaxUnitID", name);
    el_start(&pt, "PageArea");
    snprintf(box, sizeof box, "0 0 %s %s", num(mm(p->width), b1), num(mm(p->height), b2));
    el_text(&pt, "PhysicalBox", box);
    el_end(&pt);
    el_text(&pt, "PublicRes", "PublicRes.xml");
    el_end(&pt);    /* CommonData */
    el_start(&pt, "Pages");
    for (i = 0; i < p->npages; i++) {
        el_start(&pt, "Page");
        attr_u(&pt, "ID", c->page_id[i]);
        snprintf(name, sizeof name, "Pages/Page_%zu/Content.xml", i);
        attr(&pt, "BaseLoc", name);
        el_end(&pt);
    }
    el_end(&pt);
    if (p->noutline) {
        el_start(&pt, "Outlines");
        for (i = 0; i < p->noutline;)
            i = write_outline(c, &pt, i);
        el_end(&pt);
    }
done:
    part_end(c, &pt, "Doc_0/Document.xml");
}

/* ---- PublicRes.xml and the font files ---- */

static void write_public_res(ofd_ctx *c)
{
    const pe_page_fonts *f = &c->p->fonts;
    part pt = { NULL, NULL };
    char name[64], entry[96];
    int s;

    if (!part_begin(c, &pt, "Res"))
        goto done;
    attr(&pt, "BaseLoc", "Res");
    el_start(&pt, "Fonts");
    for (s = 0; s < NROLES; s++) {
        const char *fam;
        zip_source_t *src;
        zip_int64_t idx;
        if (!pe_pages_slot_used(c->p, s))
            continue;
        fam = pe_font_family(f->font[s]);
        el_start(&pt, "Font");
        attr_u(&pt, "ID", c->font_id[s]);
        attr(&pt, "FontName", fam ? fam : "font");
        attr(&pt, "FamilyName", fam ? fam : "font");
        snprintf(name, sizeof name, "font_%u.ttf", c->font_id[s]);
        el_text(&pt, "FontFile", name);
        el_end(&pt);
        snprintf(entry, sizeof entry, "Doc_0/Res/%s", name);
        src = f->subset[s] ? zip_source_file(c->z, f->subset[s], 0, -1) : NULL;
        if (!src) {
            c->failed = 1;
            continue;
        }
        idx = zip_file_add(c->z, entry, src, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(src);
            c->failed = 1;
            continue;
        }
        entry_fix(c, idx);
    }
    el_end(&pt);
done:
    part_end(c, &pt, "Doc_0/PublicRes.xml");
}

/* ---- Content.xml ---- */

/* DeltaX of a run: the advances of every glyph but the last, in mm, equal
 * neighbours folded into the `g N value` repeat form. */
static void write_delta_x(part *pt, const pe_page_run *r)
{
    pe_buf b;
    size_t i = 0, n = r->nchars ? r->nchars - 1 : 0;
    char v[NUM_MAX];

    if (n == 0)
        return;
    pe_buf_init(&b);
    while (i < n) {
        size_t k = i + 1;
        long long ki = llround(mm(r->adv[i]) * 1000.0);
        while (k < n && llround(mm(r->adv[k]) * 1000.0) == ki)
            k++;
        if (b.len)
            pe_buf_add(&b, " ", 1);
        if (k - i >= 2)
            pe_buf_printf(&b, "g %zu %s", k - i, num_k(ki, v));
        else
            pe_buf_puts(&b, num_k(ki, v));
        i = k;
    }
    if (!b.oom)
        attr(pt, "DeltaX", b.s);
    pe_buf_release(&b);
}

static void write_text(ofd_ctx *c, part *pt, const pe_page_run *r, unsigned id)
{
    double size = mm(r->size), w = 0, ox = mm(r->x), oy = mm_y(c, r->y);
    double x0, y0, x1, y1;
    char *text;
    size_t i;

    for (i = 0; i < r->nchars; i++)
        w += mm(r->adv[i]);
    w += fabs(mm(r->tc));   /* the last glyph's ink ends before or after its advance */
    el_start(pt, "TextObject");
    attr_u(pt, "ID", id);
    if (r->angle == 0) {
        x0 = ox - INK_PAD;
        y0 = oy - TEXT_ASCENT * size - INK_PAD;
        x1 = ox + w + INK_PAD;
        y1 = oy + TEXT_DESCENT * size + INK_PAD;
        attr_box(pt, x0, y0, x1, y1);
    } else {
        /* rotated about the origin: y points down, so the angle turns back */
        double a = r->angle * M_PI / 180.0, ca = cos(a), sa = sin(a);
        double cx[4] = { 0, w, 0, w }, cy[4] = { -TEXT_ASCENT * size, -TEXT_ASCENT * size,
                                                 TEXT_DESCENT * size, TEXT_DESCENT * size };
        char m[6][NUM_MAX], ctm[6 * NUM_MAX + 8];
        int k;
        x0 = y0 = 1e9;
        x1 = y1 = -1e9;
        for (k = 0; k < 4; k++) {
            double px = ox + ca * cx[k] + sa * cy[k], py = oy - sa * cx[k] + ca * cy[k];
            x0 = fmin(x0, px);
            x1 = fmax(x1, px);
            y0 = fmin(y0, py);
            y1 = fmax(y1, py);
        }
        x0 -= INK_PAD;
        y0 -= INK_PAD;
        x1 += INK_PAD;
        y1 += INK_PAD;
        attr_box(pt, x0, y0, x1, y1);
        x0 = floor(x0 * 1000.0) / 1000.0;
        y0 = floor(y0 * 1000.0) / 1000.0;
        snprintf(ctm, sizeof ctm, "%s %s %s %s %s %s", num(ca, m[0]), num(-sa, m[1]),
                 num(sa, m[2]), num(ca, m[3]), num(ox - x0, m[4]), num(oy - y0, m[5]));
        attr(pt, "CTM", ctm);
        ox = x0;    /* the text then starts at the CTM's origin */
        oy = y0;
    }
    attr_u(pt, "Font", c->font_id[c->p->fonts.slot[r->role]]);
    attr_num(pt, "Size", size);
    if (r->gray != 0)
        color(pt, "FillColor", r->gray);
    el_start(pt, "TextCode");
    if (r->angle == 0) {
        attr_num(pt, "X", ox - floor(x0 * 1000.0) / 1000.0);
        attr_num(pt, "Y", oy - floor(y0 * 1000.0) / 1000.0);
    } else {
        attr(pt, "X", "0");
        attr(pt, "Y", "0");
    }
    write_delta_x(pt, r);
    text = malloc(r->len + 1);
    if (!text) {
        c->oom = 1;
    } else {
        memcpy(text, r->text, r->len);
        text[r->len] = '\0';
        for (i = 0; i < r->len; i++)    /* XML 1.0 has no C0 controls: one byte each, */
            if ((unsigned char)text[i] < 0x20)  /* so the DeltaX still line up */
                text[i] = ' ';
        xmlTextWriterWriteString(pt->w, BAD_CAST text);
        free(text);
    }
    el_end(pt); /* TextCode */
    el_end(pt);
}

static void write_lines(ofd_ctx *c, part *pt, const pe_page_lines *l, unsigned id)
{
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, half = mm(l->width) / 2 + INK_PAD, bx, by;
    size_t i;
    pe_buf b;
    char v[4][NUM_MAX];

    for (i = 0; i < l->nsegs; i++) {
        const pe_page_seg *s = &l->segs[i];
        x0 = fmin(x0, fmin(mm(s->x0), mm(s->x1)));
        x1 = fmax(x1, fmax(mm(s->x0), mm(s->x1)));
        y0 = fmin(y0, fmin(mm_y(c, s->y0), mm_y(c, s->y1)));
        y1 = fmax(y1, fmax(mm_y(c, s->y0), mm_y(c, s->y1)));
    }
    el_start(pt, "PathObject");
    attr_u(pt, "ID", id);
    attr_box(pt, x0 - half, y0 - half, x1 + half, y1 + half);
    bx = floor((x0 - half) * 1000.0) / 1000.0;
    by = floor((y0 - half) * 1000.0) / 1000.0;
    attr_num(pt, "LineWidth", mm(l->width));
    if (l->dash_on > 0) {
        char dash[2 * NUM_MAX + 2];
        snprintf(dash, sizeof dash, "%s %s", num(mm(l->dash_on), v[0]), num(mm(l->dash_off), v[1]));
        attr(pt, "DashPattern", dash);
    }
    if (l->gray != 0)
        color(pt, "StrokeColor", l->gray);
    pe_buf_init(&b);
    for (i = 0; i < l->nsegs; i++) {
        const pe_page_seg *s = &l->segs[i];
        pe_buf_printf(&b, "%sM %s %s L %s %s", i ? " " : "", num(mm(s->x0) - bx, v[0]),
                      num(mm_y(c, s->y0) - by, v[1]), num(mm(s->x1) - bx, v[2]),
                      num(mm_y(c, s->y1) - by, v[3]));
    }
    if (b.oom)
        c->oom = 1;
    else
        el_text(pt, "AbbreviatedData", b.s);
    pe_buf_release(&b);
    el_end(pt);
}

static void write_rect(ofd_ctx *c, part *pt, const pe_page_rect *r, unsigned id)
{
    double x0 = mm(r->x), y0 = mm_y(c, r->y + r->h), w = mm(r->w), h = mm(r->h);
    double dx = x0 - floor(x0 * 1000.0) / 1000.0, dy = y0 - floor(y0 * 1000.0) / 1000.0;
    char path[8 * NUM_MAX + 32], v[4][NUM_MAX];

    el_start(pt, "PathObject");
    attr_u(pt, "ID", id);
    attr_box(pt, x0, y0, x0 + w, y0 + h);
    attr(pt, "Stroke", "false");
    attr(pt, "Fill", "true");
    color(pt, "FillColor", r->gray);
    /* the box is rounded outwards; the path keeps the exact rectangle */
    num(dx, v[0]);
    num(dy, v[1]);
    num(dx + w, v[2]);
    num(dy + h, v[3]);
    snprintf(path, sizeof path, "M %s %s L %s %s L %s %s L %s %s C", v[0], v[1], v[2], v[1],
             v[2], v[3], v[0], v[3]);
    el_text(pt, "AbbreviatedData", path);
    el_end(pt);
}

static void write_page(ofd_ctx *c, size_t k, unsigned *id)
{
    const pe_page *pg = &c->p->pages[k];
    part pt = { NULL, NULL };
    char name[64], box[4 * NUM_MAX + 8], b1[NUM_MAX], b2[NUM_MAX];
    size_t i;

    if (!part_begin(c, &pt, "Page"))
        goto done;
    c->page_h = pg->height;
    el_start(&pt, "Area");
    snprintf(box, sizeof box, "0 0 %s %s", num(mm(pg->width), b1), num(mm(pg->height), b2));
    el_text(&pt, "PhysicalBox", box);
    el_end(&pt);
    el_start(&pt, "Content");
    el_start(&pt, "Layer");
    attr_u(&pt, "ID", (*id)++);
    attr(&pt, "Type", "Body");
    for (i = 0; i < pg->n && !c->oom; i++) {
        const pe_page_obj *o = &pg->objs[i];
        switch (o->kind) {
        case PE_OBJ_TEXT: write_text(c, &pt, &o->u.text, (*id)++); break;
        case PE_OBJ_LINES: write_lines(c, &pt, &o->u.lines, (*id)++); break;
        case PE_OBJ_RECT: write_rect(c, &pt, &o->u.rect, (*id)++); break;
        }
    }
    el_end(&pt);    /* Layer */
    el_end(&pt);    /* Content */
done:
    snprintf(name, sizeof name, "Doc_0/Pages/Page_%zu/Content.xml", k);
    part_end(c, &pt, name);
}

/* ---- entry point ---- */

/* The time_t whose local broken-down time is `ts`'s UTC one: zip entries
 * carry local DOS times, so this keeps the bytes independent of TZ. */
static time_t zip_time(long long ts)
{
    time_t t = (time_t)ts, r;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    gmtime_r(&t, &tm);
    tm.tm_isdst = -1;
    r = mktime(&tm);
    return r == (time_t)-1 ? t : r;
}

pe_status pe_ofd_write(const pe_pages *p, const char *file, const char *shown, pe_diags *d,
                       pe_ofd_result *res)
{
    ofd_ctx c;
    pe_src at = { shown, 0, 0 };
    pe_status st = PE_ERR_IO;
    int zerr = 0, s;
    size_t k;
    unsigned id;

    if (res) {
        res->pages = 0;
        res->bytes = 0;
    }
    memset(&c, 0, sizeof c);
    c.p = p;
    c.d = d;
    c.shown = shown;
    c.mtime = zip_time(p->timestamp);
    c.page_id = calloc(p->npages ? p->npages : 1, sizeof *c.page_id);
    if (!c.page_id)
        return PE_ERR_NOMEM;
    /* IDs: fonts, pages, then each page's layer and objects */
    c.next_id = 1;
    for (s = 0; s < NROLES; s++)
        if (pe_pages_slot_used(p, s))
            c.font_id[s] = c.next_id++;
    for (k = 0; k < p->npages; k++)
        c.page_id[k] = c.next_id++;
    c.max_id = c.next_id - 1;
    for (k = 0; k < p->npages; k++)
        c.max_id += 1 + (unsigned)p->pages[k].n;

    c.z = zip_open(file, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!c.z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        pe_error(d, at, "无法创建 OFD 文件：%s；请检查输出目录是否可写", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto cleanup;
    }
    write_ofd_xml(&c);
    write_document(&c);
    write_public_res(&c);
    id = c.next_id;
    for (k = 0; k < p->npages && !c.oom && !c.failed; k++)
        write_page(&c, k, &id);
    if (c.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    if (c.failed) {
        pe_error(d, at, "生成 OFD 文件时出错：%s", zip_strerror(c.z));
        goto cleanup;
    }
    if (zip_close(c.z) != 0) {
        pe_error(d, at, "写入 OFD 文件失败：%s；请检查磁盘空间与权限", zip_strerror(c.z));
        goto cleanup;
    }
    c.z = NULL;
    if (res)
        res->pages = (int)p->npages;
    st = PE_OK;
cleanup:
    if (c.z)
        zip_discard(c.z);
    free(c.page_id);
    return st;
}
