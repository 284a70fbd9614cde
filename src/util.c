/* util.c — arena, diagnostics, buffers, files and paths: the plumbing every
 * stage shares. Nothing here prints or exits. */
#include "pe_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- arena ---- */

typedef struct pe_arena_block {
    struct pe_arena_block *next;
    size_t used, size;
    max_align_t data[];
} pe_arena_block;

typedef struct pe_arena_adopted {
    struct pe_arena_adopted *next;
    void *p;
} pe_arena_adopted;

struct pe_arena {
    pe_arena_block *head;
    pe_arena_adopted *adopted;   /* malloc'd blocks freed with the arena */
};

pe_arena *pe_arena_new(void)
{
    return calloc(1, sizeof(pe_arena));
}

void pe_arena_free(pe_arena *a)
{
    if (!a)
        return;
    for (pe_arena_adopted *o = a->adopted; o; o = o->next)
        free(o->p);
    pe_arena_block *b = a->head;
    while (b) {
        pe_arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *pe_arena_alloc(pe_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    pe_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > 65536 ? size : 65536;
        b = malloc(sizeof(pe_arena_block) + cap);
        if (!b)
            return NULL;
        b->size = cap;
        b->used = 0;
        if (a->head && size > 65536) {
            /* keep the current block for small allocations */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

int pe_arena_adopt(pe_arena *a, void *p)
{
    pe_arena_adopted *o = pe_arena_alloc(a, sizeof *o);
    if (!o) {
        free(p);
        return -1;
    }
    o->p = p;
    o->next = a->adopted;
    a->adopted = o;
    return 0;
}

char *pe_arena_strndup(pe_arena *a, const char *s, size_t n)
{
    char *p = pe_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *pe_arena_strdup(pe_arena *a, const char *s)
{
    return s ? pe_arena_strndup(a, s, strlen(s)) : NULL;
}

char *pe_arena_printf(pe_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = pe_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- diagnostics ---- */

void pe_diags_init(pe_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void pe_diags_release(pe_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}

__attribute__((format(printf, 1, 0)))
static char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = malloc((size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

void pe_diag_vadd(pe_diags *d, pe_severity sev, pe_src at, const char *fmt, va_list ap)
{
    if (sev == PE_SEV_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
    if (d->n >= PE_DIAG_MAX)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        pe_diag *items = realloc(d->items, cap * sizeof(*items));
        if (!items)
            return;
        d->items = items;
        d->cap = cap;
    }
    pe_diag *g = &d->items[d->n];
    g->sev = sev;
    g->file = at.file ? strdup(at.file) : NULL;
    g->line = at.line;
    g->col = at.col;
    g->msg = xvasprintf(fmt, ap);
    if (!g->msg) {
        free(g->file);
        return;
    }
    d->n++;
}

void pe_diag_add(pe_diags *d, pe_severity sev, pe_src at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pe_diag_vadd(d, sev, at, fmt, ap);
    va_end(ap);
}

char *pe_diag_format(const pe_diag *g)
{
    pe_buf b;
    pe_buf_init(&b);
    if (g->file) {
        pe_buf_puts(&b, g->file);
        if (g->line > 0) {
            pe_buf_printf(&b, ":%d", g->line);
            if (g->col > 0)
                pe_buf_printf(&b, ":%d", g->col);
        }
        pe_buf_puts(&b, ": ");
    }
    pe_buf_puts(&b, g->sev == PE_SEV_ERROR ? "错误：" : "警告：");
    pe_buf_puts(&b, g->msg);
    if (b.oom) {
        pe_buf_release(&b);
        return NULL;
    }
    return b.s;
}

/* ---- buffers ---- */

void pe_buf_init(pe_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void pe_buf_release(pe_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof(*b));
}

void pe_buf_add(pe_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pe_buf_puts(pe_buf *b, const char *s)
{
    pe_buf_add(b, s, strlen(s));
}

void pe_buf_printf(pe_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    if (!p) {
        b->oom = 1;
        return;
    }
    pe_buf_puts(b, p);
    free(p);
}

/* ---- files and paths ---- */

pe_status pe_file_read(const char *path, const char *shown, pe_diags *d,
                       char **out, size_t *outlen)
{
    return pe_file_read_max(path, shown, 0, d, out, outlen);
}

pe_status pe_file_read_max(const char *path, const char *shown, size_t max, pe_diags *d,
                           char **out, size_t *outlen)
{
    pe_src at = { shown, 0, 0 };
    struct stat st;
    FILE *f = NULL;
    char *buf = NULL;
    *out = NULL;
    *outlen = 0;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            pe_error(d, at, "文件不存在，请检查路径（相对于 INI 文件所在目录）");
        else
            pe_error(d, at, "无法读取文件：%s", strerror(errno));
        return PE_ERR_INPUT;
    }
    if (S_ISDIR(st.st_mode)) {
        pe_error(d, at, "这是一个目录，不是文件，请指定文件路径");
        return PE_ERR_INPUT;
    }
    if (!S_ISREG(st.st_mode)) {
        pe_error(d, at, "不是普通文件，请指定一个普通文件");
        return PE_ERR_INPUT;
    }
    if (max > 0 && (unsigned long long)st.st_size > (unsigned long long)max) {
        pe_error(d, at,
                 "文件大小 %.1f MB，超过 %.0f MB 的上限，未读取：请检查是否选错了文件"
                 "（见 README“规模上限”）",
                 (double)st.st_size / 1048576.0, (double)max / 1048576.0);
        return PE_ERR_INPUT;
    }
    f = fopen(path, "rb");
    if (!f) {
        pe_error(d, at, "无法打开文件：%s，请检查文件权限", strerror(errno));
        return PE_ERR_INPUT;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    buf = malloc(cap);
    if (!buf)
        goto nomem;
    for (;;) {
        if (len + 1 >= cap) {
            char *p = realloc(buf, cap * 2);
            if (!p)
                goto nomem;
            buf = p;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        pe_error(d, at, "读取文件出错，请检查文件是否完整");
        fclose(f);
        free(buf);
        return PE_ERR_INPUT;
    }
    fclose(f);
    buf[len] = '\0';
    if (len == 0) {
        pe_error(d, at, "文件为空，请填写内容");
        free(buf);
        return PE_ERR_INPUT;
    }
    *out = buf;
    *outlen = len;
    return PE_OK;
nomem:
    fclose(f);
    free(buf);
    pe_error(d, at, "文件过大，内存不足");
    return PE_ERR_NOMEM;
}

pe_status pe_outfile_begin(pe_outfile *o, const char *path, pe_diags *d)
{
    pe_src at = { path, 0, 0 };
    o->path = path;
    o->tmp = malloc(strlen(path) + sizeof ".tmp-XXXXXX");
    if (!o->tmp)
        return PE_ERR_NOMEM;
    sprintf(o->tmp, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        pe_error(d, at, "无法在输出目录中创建临时文件：%s；请检查目录是否存在且可写", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return PE_ERR_IO;
    }
    /* mkstemp creates 0600; the output should read like any other new file */
    mode_t um = umask(022);
    umask(um);
    if (fchmod(fd, (mode_t)(0666 & ~um)) != 0 || close(fd) != 0) {
        pe_error(d, at, "无法设置临时文件 %s：%s", o->tmp, strerror(errno));
        pe_outfile_abort(o);
        return PE_ERR_IO;
    }
    return PE_OK;
}

pe_status pe_outfile_commit(pe_outfile *o, pe_diags *d, long *bytes)
{
    struct stat st;
    if (rename(o->tmp, o->path) != 0) {
        pe_error(d, ((pe_src){ o->path, 0, 0 }), "无法将临时文件改名为输出文件：%s", strerror(errno));
        pe_outfile_abort(o);
        return PE_ERR_IO;
    }
    free(o->tmp);
    o->tmp = NULL;
    if (bytes)
        *bytes = stat(o->path, &st) == 0 ? (long)st.st_size : 0;
    return PE_OK;
}

void pe_outfile_abort(pe_outfile *o)
{
    if (!o->tmp)
        return;
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
}

char *pe_path_join(const char *dir, const char *rel)
{
    if (!rel)
        return NULL;
    if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return strdup(rel);
    size_t a = strlen(dir), b = strlen(rel);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, rel, b + 1);
    return p;
}

char *pe_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* ---- suggestions ---- */

#define SUGGEST_MAXLEN 64

/* Decodes up to SUGGEST_MAXLEN code points; returns the count, or
 * SUGGEST_MAXLEN + 1 when longer (never suggested). */
static size_t to_codepoints(const char *s, unsigned *out)
{
    size_t n = 0, len = strlen(s), i = 0;
    while (i < len) {
        if (n == SUGGEST_MAXLEN)
            return SUGGEST_MAXLEN + 1;
        size_t k = pe_utf8_decode(s + i, len - i, &out[n]);
        if (k == 0) {
            out[n] = (unsigned char)s[i];
            k = 1;
        }
        i += k;
        n++;
    }
    return n;
}

/* Levenshtein distance in code points, or `limit` as soon as it is certain
 * the distance is at least `limit`. */
static size_t edit_distance(const unsigned *a, size_t la, const unsigned *b, size_t lb,
                            size_t limit)
{
    size_t prev[SUGGEST_MAXLEN + 1], cur[SUGGEST_MAXLEN + 1];
    if ((la > lb ? la - lb : lb - la) >= limit)
        return limit;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t rowmin = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t v = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin >= limit)
            return limit;
        memcpy(prev, cur, (lb + 1) * sizeof(size_t));
    }
    return prev[lb] < limit ? prev[lb] : limit;
}

const char *pe_suggest(const char *word, const char *const *cands, size_t n)
{
    unsigned w[SUGGEST_MAXLEN + 1], c[SUGGEST_MAXLEN + 1];
    size_t lw = to_codepoints(word, w);
    if (lw > SUGGEST_MAXLEN)
        return NULL;
    /* one edit for words of up to three characters (数目 → 数量, not 甲乙 → 单位), two beyond */
    size_t maxd = lw >= 4 ? 2 : 1;
    const char *best = NULL;
    size_t bestd = maxd + 1;
    for (size_t i = 0; i < n; i++) {
        size_t lc = to_codepoints(cands[i], c);
        if (lc > SUGGEST_MAXLEN)
            continue;
        size_t dd = edit_distance(w, lw, c, lc, bestd);
        if (dd < bestd) {
            bestd = dd;
            best = cands[i];
            if (dd == 0)
                break;
        }
    }
    return best;
}

/* ---- string map ---- */

static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603u;   /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    /* FNV's low bits cluster on keys that differ only in their last digits:
     * finish with a 64-bit mix (splitmix64) before masking */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    h ^= h >> 31;
    return h;
}

/* vals holds 2 × cap entries: the values, then each key's hash, so that
 * growing never reads the keys again and probes compare hashes first. */
#define STRMAP_HASH(m, i) ((m)->vals[(m)->cap + (i)])

static int strmap_grow(pe_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof(char *));
    size_t *vals = calloc(2 * cap, sizeof(size_t));
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t h = STRMAP_HASH(m, i), j = h & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
        vals[cap + j] = h;
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int pe_strmap_put(pe_strmap *m, const char *key, size_t val, size_t *old)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != 0)
        return -1;
    size_t h = str_hash(key);
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (STRMAP_HASH(m, j) == h && strcmp(m->keys[j], key) == 0) {
            if (old)
                *old = m->vals[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->vals[j] = val;
    STRMAP_HASH(m, j) = h;
    m->n++;
    return 0;
}

int pe_strmap_get(const pe_strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return 0;
    size_t h = str_hash(key);
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (STRMAP_HASH(m, j) == h && strcmp(m->keys[j], key) == 0) {
            *val = m->vals[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

void pe_strmap_release(pe_strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}
