/* ident.c — the hidden identification sheet (format in pe_collect.h): records
 * input and locked cells while a workbook is written, then writes them. */
#include "pe_collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A packed row of the identification: its sheet and where its records are
 * in the text (format in pe_collect.h). */
typedef struct {
    const char *sheet;
    size_t off, len;
} id_block;

struct pe_ident {
    pe_arena *arena;
    const char *title;
    uint64_t plan_hash;
    int base_year, target_year, eval_year;
    const char *dept;
    int year;
    pe_buf text;            /* the records, packed as they are added */
    pe_buf line;            /* the record being added */
    id_block *blocks;
    size_t nblocks, capblocks;
    size_t ninputs, nlocked;
    int oom;
};

static const char *const role_words[PE_ID_ROLE_COUNT] = {
    "actual", "judgement", "judgement_note", "source", "note", "contact", "county_actual"
};

const char *pe_id_role_word(pe_id_role r)
{
    return (unsigned)r < PE_ID_ROLE_COUNT ? role_words[r] : "";
}

int pe_id_role_parse(const char *w)
{
    for (int i = 0; i < PE_ID_ROLE_COUNT; i++)
        if (strcmp(w, role_words[i]) == 0)
            return i;
    return -1;
}

uint64_t pe_ident_hash(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t pe_ident_value_hash(const char *canonical)
{
    return pe_ident_hash(PE_ID_FNV_INIT, canonical, strlen(canonical));
}

void pe_ident_number_text(double v, char out[32])
{
    if (v == 0)
        v = 0;      /* −0 → 0 */
    snprintf(out, 32, "%.15g", v);
}

static uint64_t hash_field(uint64_t h, const char *s)
{
    h = pe_ident_hash(h, s, strlen(s));
    return pe_ident_hash(h, "", 1);     /* a NUL separates fields */
}

uint64_t pe_plan_hash(const pe_model *m)
{
    char y[64];
    uint64_t h = PE_ID_FNV_INIT;
    h = hash_field(h, m->title ? m->title : "");
    h = hash_field(h, m->issuer ? m->issuer : "");
    snprintf(y, sizeof y, "%d-%d-%d", m->base_year, m->target_year, m->eval_year);
    return hash_field(h, y);
}

pe_ident *pe_ident_new(const pe_model *m, const char *dept, int year)
{
    pe_ident *id = calloc(1, sizeof *id);
    if (!id)
        return NULL;
    id->arena = pe_arena_new();
    if (!id->arena) {
        free(id);
        return NULL;
    }
    id->title = pe_arena_strdup(id->arena, m->title ? m->title : "");
    id->dept = pe_arena_strdup(id->arena, dept ? dept : PE_ID_ALL_DEPTS);
    if (!id->title || !id->dept) {
        pe_ident_free(id);
        return NULL;
    }
    id->plan_hash = pe_plan_hash(m);
    id->base_year = m->base_year;
    id->target_year = m->target_year;
    id->eval_year = m->eval_year;
    id->year = year;
    pe_buf_init(&id->text);
    pe_buf_init(&id->line);
    return id;
}

void pe_ident_free(pe_ident *id)
{
    if (!id)
        return;
    free(id->blocks);
    pe_buf_release(&id->text);
    pe_buf_release(&id->line);
    pe_arena_free(id->arena);
    free(id);
}

/* A field of a packed record, escaped (format in pe_collect.h). */
static void put_field(pe_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch != '\\')
            continue;
        pe_buf_add(b, run, (size_t)(s - run));
        run = s + 1;
        if (ch == '\\')
            pe_buf_add(b, "\\\\", 2);
        else if (ch == '\t')
            pe_buf_add(b, "\\t", 2);
        else if (ch == '\n')
            pe_buf_add(b, "\\n", 2);
        else
            pe_buf_printf(b, "\\x%02x", ch);
    }
    pe_buf_add(b, run, (size_t)(s - run));
}

/* "C7" for 0-based row 6, col 2. */
static void cell_ref(unsigned row, unsigned col, char out[16])
{
    char letters[8];
    int n = 0;
    unsigned c = col + 1;
    while (c > 0 && n < 7) {
        unsigned r = (c - 1) % 26;
        letters[n++] = (char)('A' + r);
        c = (c - 1) / 26;
    }
    int k = 0;
    while (n > 0)
        out[k++] = letters[--n];
    snprintf(out + k, (size_t)(16 - k), "%u", row + 1);
}

/* Starts the record of a cell of `ws` in id->line: its kind and reference. */
static void rec_begin(pe_ident *id, const char *kind, unsigned row, unsigned col)
{
    char ref[16];
    cell_ref(row, col, ref);
    id->line.len = 0;
    pe_buf_puts(&id->line, kind);
    pe_buf_add(&id->line, "\t", 1);
    pe_buf_puts(&id->line, ref);
}

/* Appends the record in id->line to the block of sheet `ws` (a new block
 * when the sheet changes or the block would pass PE_ID_BLOCK_MAX). */
static int rec_end(pe_ident *id, const lxw_worksheet *ws)
{
    id_block *cur = id->nblocks ? &id->blocks[id->nblocks - 1] : NULL;
    if (id->line.oom)
        id->oom = 1;
    if (id->oom)
        return -1;
    if (cur && strcmp(cur->sheet, ws->name) == 0 &&
        cur->len + 1 + id->line.len <= PE_ID_BLOCK_MAX) {
        pe_buf_add(&id->text, "\n", 1);
        cur->len++;
    } else {
        const char *sheet = cur && strcmp(cur->sheet, ws->name) == 0
                                ? cur->sheet : pe_arena_strdup(id->arena, ws->name);
        if (id->nblocks == id->capblocks) {
            size_t cap = id->capblocks ? 2 * id->capblocks : 16;
            id_block *p = realloc(id->blocks, cap * sizeof *p);
            if (!p) {
                id->oom = 1;
                return -1;
            }
            id->blocks = p;
            id->capblocks = cap;
        }
        if (!sheet) {
            id->oom = 1;
            return -1;
        }
        if (id->nblocks > 0)
            pe_buf_add(&id->text, "\n", 1);   /* becomes the block's NUL when written */
        cur = &id->blocks[id->nblocks++];
        cur->sheet = sheet;
        cur->off = id->text.len;
        cur->len = 0;
    }
    pe_buf_add(&id->text, id->line.s, id->line.len);
    cur->len += id->line.len;
    if (id->text.oom) {
        id->oom = 1;
        return -1;
    }
    return 0;
}

int pe_ident_add_input(pe_ident *id, const lxw_worksheet *ws, unsigned row, unsigned col,
                       pe_id_role role, const char *table, const char *ind_id, int year,
                       const char *label)
{
    char t[24];
    rec_begin(id, "in", row, col);
    pe_buf_add(&id->line, "\t", 1);
    pe_buf_puts(&id->line, pe_id_role_word(role));
    pe_buf_add(&id->line, "\t", 1);
    put_field(&id->line, table ? table : "");
    pe_buf_add(&id->line, "\t", 1);
    put_field(&id->line, ind_id ? ind_id : "");
    snprintf(t, sizeof t, "\t%d\t", year);
    pe_buf_puts(&id->line, t);
    put_field(&id->line, label ? label : "");
    if (rec_end(id, ws) != 0)
        return -1;
    id->ninputs++;
    return 0;
}

int pe_ident_add_locked_string(pe_ident *id, const lxw_worksheet *ws, unsigned row,
                               unsigned col, const char *text)
{
    char hash[24];
    rec_begin(id, "lock", row, col);
    snprintf(hash, sizeof hash, "\t%016llx",
             (unsigned long long)pe_ident_value_hash(text ? text : ""));
    pe_buf_puts(&id->line, hash);
    if (rec_end(id, ws) != 0)
        return -1;
    id->nlocked++;
    return 0;
}

int pe_ident_add_locked_number(pe_ident *id, const lxw_worksheet *ws, unsigned row,
                               unsigned col, double v)
{
    char t[32];
    pe_ident_number_text(v, t);
    return pe_ident_add_locked_string(id, ws, row, col, t);
}

lxw_error pe_ident_write_string(pe_ident *id, lxw_worksheet *ws, unsigned row, unsigned col,
                                const char *text, lxw_format *fmt)
{
    lxw_error e;
    if (!text || !*text)
        e = worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, fmt);
    else
        e = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, text, fmt);
    if (e == LXW_NO_ERROR && pe_ident_add_locked_string(id, ws, row, col, text) != 0)
        e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return e;
}

lxw_error pe_ident_write_number(pe_ident *id, lxw_worksheet *ws, unsigned row, unsigned col,
                                double v, lxw_format *fmt)
{
    lxw_error e = worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, fmt);
    if (e == LXW_NO_ERROR && pe_ident_add_locked_number(id, ws, row, col, v) != 0)
        e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return e;
}

/* Rows 0–6 of the identification, and the seal over them. */
typedef struct {
    lxw_worksheet *ws;
    lxw_row_t row;
    uint64_t seal;
    lxw_error err;
} id_writer;

static void put_row(id_writer *w, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (w->err == LXW_NO_ERROR && *cells[i])
            w->err = worksheet_write_string(w->ws, w->row, (lxw_col_t)i, cells[i], NULL);
        w->seal = hash_field(w->seal, cells[i]);
    }
    w->seal = pe_ident_hash(w->seal, "\n", 1);
    w->row++;
}

static void hex64(uint64_t v, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)v);
}

/* Writes rows in order (the seal, row 7, is computed over the records
 * first), so a constant_memory workbook can hold it. The records' text is
 * cut into its blocks in place: the identification cannot take more records. */
lxw_error pe_ident_write(pe_ident *id, lxw_workbook *wb)
{
    lxw_worksheet *ws;
    id_writer w;
    char hash[17], b[16], t[16], e[16], yr[16], ni[24], nl[24];

    if (id->oom)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    ws = workbook_add_worksheet(wb, PE_ID_SHEET);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    w.ws = ws;
    w.row = 0;
    w.seal = PE_ID_FNV_INIT;
    w.err = LXW_NO_ERROR;
    pe_buf_add(&id->text, "", 1);    /* the NUL after the last block */
    if (id->text.oom)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    id->oom = 1;                     /* the text is cut below */

    hex64(id->plan_hash, hash);
    snprintf(b, sizeof b, "%d", id->base_year);
    snprintf(t, sizeof t, "%d", id->target_year);
    snprintf(e, sizeof e, "%d", id->eval_year);
    snprintf(yr, sizeof yr, "%d", id->year);
    snprintf(ni, sizeof ni, "%zu", id->ninputs);
    snprintf(nl, sizeof nl, "%zu", id->nlocked);
    {
        const char *r0[] = { PE_ID_MAGIC, PE_ID_VERSION };
        const char *r1[] = { "plan", id->title };
        const char *r2[] = { "plan_hash", hash };
        const char *r3[] = { "period", b, t, e };
        const char *r4[] = { "dept", id->dept };
        const char *r5[] = { "year", yr };
        const char *r6[] = { "counts", ni, nl };
        put_row(&w, r0, 2);
        put_row(&w, r1, 2);
        put_row(&w, r2, 2);
        put_row(&w, r3, 4);
        put_row(&w, r4, 2);
        put_row(&w, r5, 2);
        put_row(&w, r6, 3);
    }
    for (size_t k = 0; k < id->nblocks; k++) {
        const id_block *bl = &id->blocks[k];
        w.seal = hash_field(w.seal, bl->sheet);
        w.seal = pe_ident_hash(w.seal, id->text.s + bl->off, bl->len);
        w.seal = pe_ident_hash(w.seal, "", 1);
        w.seal = pe_ident_hash(w.seal, "\n", 1);
    }
    hex64(w.seal, hash);
    if (w.err == LXW_NO_ERROR)
        w.err = worksheet_write_string(ws, 7, 0, "seal", NULL);
    if (w.err == LXW_NO_ERROR)
        w.err = worksheet_write_string(ws, 7, 1, hash, NULL);
    /* each block is followed by '\n' (or the final NUL): end it in place */
    for (size_t k = 0; k < id->nblocks && w.err == LXW_NO_ERROR; k++) {
        const id_block *bl = &id->blocks[k];
        id->text.s[bl->off + bl->len] = '\0';
        w.err = worksheet_write_string(ws, (lxw_row_t)(8 + k), 0, bl->sheet, NULL);
        if (w.err == LXW_NO_ERROR)
            w.err = worksheet_write_string(ws, (lxw_row_t)(8 + k), 1, id->text.s + bl->off, NULL);
    }
    worksheet_protect(ws, NULL, NULL);
    worksheet_hide(ws);
    return w.err;
}

/* Undoes put_field in place; -1 on a bad escape. */
static int unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s != '\\') {
            *o++ = *s;
            continue;
        }
        s++;
        if (*s == '\\')
            *o++ = '\\';
        else if (*s == 't')
            *o++ = '\t';
        else if (*s == 'n')
            *o++ = '\n';
        else if (*s == 'x' && s[1] && s[2]) {
            char hx[3] = { s[1], s[2], 0 }, *end;
            unsigned long v = strtoul(hx, &end, 16);
            if (*end || v == 0 || v >= 0x20)
                return -1;
            *o++ = (char)v;
            s += 2;
        } else {
            return -1;
        }
    }
    *o = '\0';
    return 0;
}

int pe_ident_unpack(pe_arena *a, const char *sheet, const char *packed, pe_id_record **recs,
                    size_t *n, size_t *cap)
{
    const char *p = packed;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *line = pe_arena_strndup(a, p, len);
        if (!line)
            return -1;
        if (*n == *cap) {
            size_t c = *cap ? 2 * *cap : 256;
            pe_id_record *r = realloc(*recs, c * sizeof *r);
            if (!r)
                return -1;
            *recs = r;
            *cap = c;
        }
        char *fld[8] = { line, NULL };
        unsigned nf = 1;                    /* fld[1] is the sheet */
        for (char *q = line; *q; q++) {
            if (*q != '\t')
                continue;
            *q = '\0';
            if (nf == 8)
                return -1;
            nf = nf == 1 ? 2 : nf;
            fld[nf++] = q + 1;
        }
        for (unsigned k = 0; k < nf; k++)
            if (k != 1 && unescape(fld[k]) != 0)
                return -1;
        if (!((strcmp(line, "in") == 0 && nf == 8) || (strcmp(line, "lock") == 0 && nf == 4)))
            return -1;
        pe_id_record *r = &(*recs)[*n];
        memset(r, 0, sizeof *r);
        for (unsigned k = 0; k < nf; k++)
            r->f[k] = fld[k];
        r->f[1] = sheet;
        r->n = nf;
        (*n)++;
        p += len;
        if (*p == '\n')
            p++;
    }
    return 0;
}
