/* doc.c — the template stage: parses templates/report.md with cmark-gfm, fills
 * its `{{fields}}`, numbers the headings 一、/（一）/1./（1） and turns the tree
 * into the flat block list (pe_doc) that the PDF renderer lays out.
 *
 * Fields are checked in one pass over the raw template text, so that every
 * error points at the exact `{{` (line, and column counted in characters);
 * they are substituted after parsing, inside the text of each block, so a
 * value can never be mistaken for Markdown. */
#include "pe_doc.h"

#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Markers for line breaks inside collected inline text. Both bytes are invalid
 * in UTF-8, which cmark never emits (it replaces invalid bytes by U+FFFD). */
#define SOFT_BREAK ((char)0xFF)
#define HARD_BREAK ((char)0xFE)

#define NAME_SHOWN_MAX 80   /* bytes of a field name quoted in a message */
#define HEADING_LEVELS 4    /* 一、 （一） 1. （1） */

/* One `{{…}}` of the raw template: where it is and the name inside. */
typedef struct {
    int line, col;          /* col in characters, 1-based */
    const char *name;       /* trimmed, in the doc arena */
} field_ref;

/* What a name inside `{{…}}` denotes. */
typedef enum { NAME_FIELD, NAME_BLOCK, NAME_BAD_BLOCK } name_class;

typedef struct {
    int ordered;
    int start;
    char delim;             /* '.' or ')' */
    int count;              /* items entered so far */
} list_state;

/* Everything one pe_doc_build call works with. */
typedef struct {
    pe_doc *doc;
    const pe_fields *f;
    pe_diags *d;
    const char *file;
    const char *text;       /* the template after a possible BOM */
    size_t len;
    size_t *line_start;     /* byte offset of each line; [nlines] */
    size_t nlines;
    field_ref *refs;        /* in source order, hence by line */
    size_t nrefs, caprefs;
    int counter[HEADING_LEVELS + 1];   /* [1..4] current heading numbers */
    int have_title;
    list_state *lists;      /* open lists, innermost last */
    size_t nlists, caplists;
    int nomem;
} builder;

static const struct {
    const char *name;
    pe_block_kind kind;
} block_names[] = {
    { "table indicators", PE_BLK_TABLE_INDICATORS },
    { "table targets", PE_BLK_TABLE_TARGETS },
    { "table counties", PE_BLK_TABLE_COUNTIES },
    { "chart indicators", PE_BLK_CHART_INDICATORS },
    { "chart targets", PE_BLK_CHART_TARGETS },
    { "annexes", PE_BLK_ANNEXES },
};
#define NBLOCK_NAMES (sizeof(block_names) / sizeof(block_names[0]))
#define BLOCK_LIST "{{table indicators}}、{{table targets}}、{{table counties}}、" \
                   "{{chart indicators}}、{{chart targets}}、{{annexes}}"

/* ---- small text helpers ---- */

/* Characters next to which a soft line break joins without a space: CJK
 * ideographs, kana, hangul, CJK and full-width punctuation, and the general
 * punctuation Chinese text uses (“” ‘’ — …). */
static int is_cjk_join(unsigned c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2010 && c <= 0x206F) ||
           (c >= 0x2E80 && c <= 0x303F) || (c >= 0x3041 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

/* Code points in s[0..n), an invalid byte counting as one. */
static int count_chars(const char *s, size_t n)
{
    int k = 0;
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t m = pe_utf8_decode(s + i, n - i, &cp);
        i += m ? m : 1;
        k++;
    }
    return k;
}

/* The code point ending at s[n-1]; 0 if none. */
static unsigned last_cp(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t i = n - 1;
    while (i > 0 && n - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    unsigned cp;
    return pe_utf8_decode(s + i, n - i, &cp) == n - i ? cp : 0;
}

static int is_space_byte(char c)
{
    return c == ' ' || c == '\t';
}

/* Bounds of s[0..n) without ASCII blanks and U+3000 at either end. */
static void trim_span(const char *s, size_t n, size_t *from, size_t *to)
{
    size_t a = 0, b = n;
    for (;;) {
        if (a < b && is_space_byte(s[a]))
            a++;
        else if (b - a >= 3 && memcmp(s + a, "\xE3\x80\x80", 3) == 0)
            a += 3;
        else
            break;
    }
    for (;;) {
        if (b > a && is_space_byte(s[b - 1]))
            b--;
        else if (b - a >= 3 && memcmp(s + b - 3, "\xE3\x80\x80", 3) == 0)
            b -= 3;
        else
            break;
    }
    *from = a;
    *to = b;
}

/* A name as quoted in a message: cut at NAME_SHOWN_MAX bytes on a character
 * boundary, with "…" added when cut. `out` must hold NAME_SHOWN_MAX + 4. */
static const char *shown_name(const char *name, char *out)
{
    size_t n = strlen(name);
    if (n <= NAME_SHOWN_MAX)
        return name;
    n = NAME_SHOWN_MAX;
    while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
        n--;
    memcpy(out, name, n);
    memcpy(out + n, "…", sizeof("…"));
    return out;
}

/* ---- positions ---- */

static int build_line_index(builder *b)
{
    size_t cap = 64, n = 0;
    size_t *ls = malloc(cap * sizeof(*ls));
    if (!ls)
        return -1;
    ls[n++] = 0;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->text[i];
        if (c != '\n' && c != '\r')
            continue;
        if (c == '\r' && i + 1 < b->len && b->text[i + 1] == '\n')
            i++;
        if (n == cap) {
            size_t *p = realloc(ls, cap * 2 * sizeof(*ls));
            if (!p) {
                free(ls);
                return -1;
            }
            ls = p;
            cap *= 2;
        }
        ls[n++] = i + 1;
    }
    b->line_start = ls;
    b->nlines = n;
    return 0;
}

/* Byte offset just past the text of `line` (1-based), before its line end. */
static size_t line_end(const builder *b, size_t line)
{
    size_t e = line < b->nlines ? b->line_start[line] : b->len;
    size_t s = b->line_start[line - 1];
    while (e > s && (b->text[e - 1] == '\n' || b->text[e - 1] == '\r'))
        e--;
    return e;
}

/* A template position from cmark's line and byte column, the column turned
 * into characters. */
static pe_src src_at(const builder *b, int line, int bytecol)
{
    pe_src at = { b->file, line, bytecol };
    if (line < 1 || (size_t)line > b->nlines || bytecol < 1)
        return at;
    size_t s = b->line_start[line - 1], e = line_end(b, (size_t)line);
    size_t n = (size_t)(bytecol - 1);
    if (n > e - s)
        n = e - s;
    at.col = count_chars(b->text + s, n) + 1;
    return at;
}

static pe_src node_src(const builder *b, cmark_node *n)
{
    return src_at(b, cmark_node_get_start_line(n), cmark_node_get_start_column(n));
}

/* Column of the `{{` holding `name` on `line`, from the raw scan; 0 if the
 * name is not found there (the text was changed by Markdown escapes). */
static int ref_col(const builder *b, int line, const char *name)
{
    size_t lo = 0, hi = b->nrefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->refs[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < b->nrefs && b->refs[i].line == line; i++)
        if (strcmp(b->refs[i].name, name) == 0)
            return b->refs[i].col;
    return 0;
}

/* ---- names ---- */

/* Classifies a trimmed name. For blocks, `norm` (NAME_SHOWN_MAX + 4 bytes)
 * gets the name with inner blanks collapsed and *kind the block kind. */
static name_class classify(const char *name, char *norm, pe_block_kind *kind)
{
    size_t w = strcspn(name, " \t");
    int is_block = (w == 5 && (strncmp(name, "table", 5) == 0 || strncmp(name, "chart", 5) == 0)) ||
                   (w == 7 && strncmp(name, "annexes", 7) == 0);
    if (!is_block)
        return NAME_FIELD;
    size_t k = 0;
    int blank = 0;
    for (const char *p = name; *p && k < NAME_SHOWN_MAX; p++) {
        if (is_space_byte(*p)) {
            blank = 1;
            continue;
        }
        if (blank && k > 0)
            norm[k++] = ' ';
        blank = 0;
        if (k < NAME_SHOWN_MAX)
            norm[k++] = *p;
    }
    norm[k] = '\0';
    for (size_t i = 0; i < NBLOCK_NAMES; i++) {
        if (strcmp(norm, block_names[i].name) == 0) {
            *kind = block_names[i].kind;
            return NAME_BLOCK;
        }
    }
    return NAME_BAD_BLOCK;
}

/* ---- the raw scan: every `{{…}}` checked at its exact position ---- */

static void report_name(builder *b, pe_src at, const char *name)
{
    char normbuf[NAME_SHOWN_MAX + 4], shown[NAME_SHOWN_MAX + 4];
    pe_block_kind kind;
    name_class c = classify(name, normbuf, &kind);
    if (c == NAME_BLOCK)
        return;
    if (c == NAME_BAD_BLOCK) {
        const char *cands[NBLOCK_NAMES];
        for (size_t i = 0; i < NBLOCK_NAMES; i++)
            cands[i] = block_names[i].name;
        const char *s = pe_suggest(normbuf, cands, NBLOCK_NAMES);
        if (s)
            pe_error(b->d, at, "未知的数据块“{{%s}}”，是否为“{{%s}}”？可用的数据块有：" BLOCK_LIST,
                     shown_name(name, shown), s);
        else
            pe_error(b->d, at, "未知的数据块“{{%s}}”，可用的数据块有：" BLOCK_LIST,
                     shown_name(name, shown));
        return;
    }
    if (pe_fields_get(b->f, name))
        return;
    /* past PE_DIAG_MAX the message is only counted: skip the costly suggestion */
    const char *s = b->d->n < PE_DIAG_MAX ? pe_fields_suggest(b->f, name) : NULL;
    if (s)
        pe_error(b->d, at, "未知字段“%s”，是否为“%s”？请改正字段名；"
                 "运行 planeval --list-fields 可列出全部字段及其取值",
                 shown_name(name, shown), s);
    else
        pe_error(b->d, at, "未知字段“%s”，请改正字段名；"
                 "运行 planeval --list-fields 可列出全部字段及其取值",
                 shown_name(name, shown));
}

static void add_ref(builder *b, int line, int col, const char *name)
{
    if (b->nrefs == b->caprefs) {
        size_t cap = b->caprefs ? b->caprefs * 2 : 32;
        field_ref *p = realloc(b->refs, cap * sizeof(*p));
        if (!p) {
            b->nomem = 1;
            return;
        }
        b->refs = p;
        b->caprefs = cap;
    }
    b->refs[b->nrefs++] = (field_ref){ line, col, name };
}

/* Finds `{{` … `}}` pairs line by line (a field never spans lines), records
 * them, and reports unclosed, empty and unknown ones. */
static void scan_fields(builder *b)
{
    for (size_t ln = 1; ln <= b->nlines && !b->nomem; ln++) {
        const char *s = b->text + b->line_start[ln - 1];
        size_t n = line_end(b, ln) - b->line_start[ln - 1];
        const char *fw = NULL;
        for (size_t i = 0; i + 6 <= n; i++) {
            if (memcmp(s + i, "｛｛", 6) == 0) {
                fw = s + i;
                break;
            }
        }
        if (fw) {
            pe_src at = { b->file, (int)ln, count_chars(s, (size_t)(fw - s)) + 1 };
            pe_warn(b->d, at, "“｛｛”是全角花括号，不会被当作字段；"
                    "字段须用半角花括号书写，如 {{report.title}}");
        }
        size_t i = 0, counted = 0;   /* s[0..counted) holds `chars` characters */
        int chars = 0;
        while (i + 1 < n) {
            if (s[i] != '{' || s[i + 1] != '{') {
                i++;
                continue;
            }
            chars += count_chars(s + counted, i - counted);
            counted = i;
            pe_src at = { b->file, (int)ln, chars + 1 };
            size_t j = i + 2, close = 0;
            int found = 0;
            while (j + 1 < n) {
                if (s[j] == '}' && s[j + 1] == '}') {
                    close = j;
                    found = 1;
                    break;
                }
                if (s[j] == '{' && s[j + 1] == '{')
                    break;
                j++;
            }
            if (!found) {
                pe_error(b->d, at, "“{{”没有配对的“}}”：字段须在同一行内写完整，"
                         "如 {{indicators.1.progress}}");
                i += 2;
                continue;
            }
            size_t a, z;
            trim_span(s + i + 2, close - i - 2, &a, &z);
            if (a == z) {
                pe_error(b->d, at, "空字段“{{}}”：请在花括号内写上字段名，"
                         "运行 planeval --list-fields 可列出全部字段");
            } else {
                char *name = pe_arena_strndup(b->doc->arena, s + i + 2 + a, z - a);
                if (!name) {
                    b->nomem = 1;
                    return;
                }
                report_name(b, at, name);
                add_ref(b, (int)ln, at.col, name);
            }
            i = close + 2;
        }
    }
}

/* ---- blocks ---- */

/* Appends a block; returns its index, or (size_t)-1 when out of memory. */
static size_t add_block(builder *b, pe_block_kind kind, pe_src at)
{
    pe_doc *doc = b->doc;
    if (doc->n == doc->cap) {
        size_t cap = doc->cap ? doc->cap * 2 : 64;
        pe_block *p = realloc(doc->items, cap * sizeof(*p));
        if (!p) {
            b->nomem = 1;
            return (size_t)-1;
        }
        doc->items = p;
        doc->cap = cap;
    }
    pe_block *blk = &doc->items[doc->n];
    memset(blk, 0, sizeof(*blk));
    blk->kind = kind;
    blk->src = at;
    return doc->n++;
}

/* Collects the inline content of a paragraph, heading or table cell into
 * `raw`: text as written (emphasis, links and code spans flattened to their
 * text), line breaks as SOFT_BREAK/HARD_BREAK. HTML and images are errors;
 * HTML comments are dropped. */
static void collect_inline(builder *b, cmark_node *container, pe_buf *raw)
{
    cmark_iter *it = cmark_iter_new(container);
    if (!it) {
        b->nomem = 1;
        return;
    }
    cmark_event_type ev;
    int html_reported = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || n == container)
            continue;
        pe_src at = cmark_node_get_start_line(n) > 0 ? node_src(b, n) : node_src(b, container);
        const char *lit;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            lit = cmark_node_get_literal(n);
            if (lit)
                pe_buf_puts(raw, lit);
            break;
        case CMARK_NODE_SOFTBREAK:
            pe_buf_add(raw, (const char[]){ SOFT_BREAK }, 1);
            break;
        case CMARK_NODE_LINEBREAK:
            pe_buf_add(raw, (const char[]){ HARD_BREAK }, 1);
            break;
        case CMARK_NODE_HTML_INLINE:
            lit = cmark_node_get_literal(n);
            if ((lit && strncmp(lit, "<!--", 4) == 0) || html_reported)
                break;
            html_reported = 1;   /* once per block: `<b>…</b>` is one problem */
            pe_error(b->d, at, "不支持 HTML 标签“%.40s”：正式文稿只含正文文字，请删除该标签",
                     lit ? lit : "");
            break;
        case CMARK_NODE_IMAGE:
            pe_error(b->d, at, "不支持插入图片：图表由 {{chart indicators}}、{{chart targets}} "
                     "等数据块生成，请删除该图片");
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            break;
        default:
            break;   /* emphasis, strong, link: their text is collected */
        }
    }
    cmark_iter_free(it);
    if (raw->oom)
        b->nomem = 1;
}

/* Turns collected inline text into the block's final text, in the doc arena:
 * fields substituted, soft breaks joined (no space between CJK characters, one
 * space between Latin words), hard breaks as '\n' (as soft in headings), ends
 * trimmed. `line0` is the source line of the text's first line. A data block
 * found here is not alone in its paragraph: an error. */
static const char *finish_text(builder *b, const char *raw, size_t len, int line0,
                               int in_heading, pe_src fallback)
{
    pe_buf sub, out;
    pe_buf_init(&sub);
    pe_buf_init(&out);
    int line = line0;
    size_t i = 0;
    while (i < len) {
        char c = raw[i];
        if (c == SOFT_BREAK || c == HARD_BREAK)
            line++;
        if (c != '{' || i + 1 >= len || raw[i + 1] != '{') {
            pe_buf_add(&sub, raw + i, 1);
            i++;
            continue;
        }
        size_t j = i + 2, close = 0;
        int found = 0;
        while (j + 1 < len) {
            if (raw[j] == '}' && raw[j + 1] == '}') {
                close = j;
                found = 1;
                break;
            }
            if ((raw[j] == '{' && raw[j + 1] == '{') || raw[j] == SOFT_BREAK || raw[j] == HARD_BREAK)
                break;
            j++;
        }
        if (!found) {      /* reported by the raw scan */
            pe_buf_add(&sub, "{{", 2);
            i += 2;
            continue;
        }
        size_t a, z;
        trim_span(raw + i + 2, close - i - 2, &a, &z);
        char *name = strndup(raw + i + 2 + a, z - a);
        if (!name) {
            b->nomem = 1;
            break;
        }
        char norm[NAME_SHOWN_MAX + 4];
        pe_block_kind kind;
        name_class cls = name[0] ? classify(name, norm, &kind) : NAME_FIELD;
        const char *v = NULL;
        if (cls == NAME_BLOCK) {
            pe_src at = fallback;
            int col = ref_col(b, line, name);
            if (col > 0) {
                at.line = line;
                at.col = col;
            }
            pe_error(b->d, at, "数据块“{{%s}}”须单独成段：请把它单独写在一行，"
                     "前后各空一行，且不要放在标题、列表、表格或引用中", norm);
        } else if (cls == NAME_FIELD && name[0]) {
            v = pe_fields_get(b->f, name);
        }
        if (v)
            pe_buf_puts(&sub, v);
        else if (cls == NAME_FIELD)     /* unknown: reported by the raw scan */
            pe_buf_add(&sub, raw + i, close + 2 - i);
        free(name);
        i = close + 2;
    }

    /* join lines */
    for (size_t k = 0; k < sub.len && !sub.oom; k++) {
        char c = sub.s[k];
        if (c == HARD_BREAK && !in_heading) {
            while (out.len > 0 && is_space_byte(out.s[out.len - 1]))
                out.len--;
            pe_buf_add(&out, "\n", 1);
            continue;
        }
        if (c != SOFT_BREAK && c != HARD_BREAK) {
            pe_buf_add(&out, &sub.s[k], 1);
            continue;
        }
        while (out.len > 0 && is_space_byte(out.s[out.len - 1]))
            out.len--;
        size_t nx = k + 1;
        while (nx < sub.len && is_space_byte(sub.s[nx]))
            nx++;
        unsigned prev = last_cp(out.s, out.len), next = 0;
        if (nx < sub.len)
            pe_utf8_decode(sub.s + nx, sub.len - nx, &next);
        if (prev && next && prev != '\n' && !is_cjk_join(prev) && !is_cjk_join(next) &&
            sub.s[nx] != SOFT_BREAK && sub.s[nx] != HARD_BREAK)
            pe_buf_add(&out, " ", 1);
        k = nx - 1;
    }
    pe_buf_add(&out, "", 0);
    const char *res = NULL;
    if (sub.oom || out.oom) {
        b->nomem = 1;
    } else if (!b->nomem) {
        pe_trim(out.s);
        res = pe_arena_strdup(b->doc->arena, out.s ? out.s : "");
        if (!res)
            b->nomem = 1;
    }
    pe_buf_release(&sub);
    pe_buf_release(&out);
    return res;
}

/* Collects and finishes the text of a container node. NULL on OOM. */
static const char *node_text(builder *b, cmark_node *n, int in_heading, pe_buf *raw_out)
{
    pe_buf raw;
    pe_buf_init(&raw);
    collect_inline(b, n, &raw);
    const char *t = NULL;
    if (!b->nomem)
        t = finish_text(b, raw.s ? raw.s : "", raw.len, cmark_node_get_start_line(n),
                        in_heading, node_src(b, n));
    if (raw_out)
        *raw_out = raw;
    else
        pe_buf_release(&raw);
    return t;
}

/* ---- headings ---- */

static size_t cjk_numeral_len(const char *s)
{
    static const char *const nums[] = { "一", "二", "三", "四", "五", "六", "七", "八",
                                        "九", "十", "百", "零", "〇", "两" };
    size_t k = 0;
    for (;;) {
        size_t i;
        for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
            if (strncmp(s + k, nums[i], 3) == 0)
                break;
        if (i == sizeof(nums) / sizeof(nums[0]))
            return k;
        k += 3;
    }
}

static size_t digits_len(const char *s)
{
    size_t k = 0;
    for (;;) {
        if (s[k] >= '0' && s[k] <= '9')
            k++;
        else if ((unsigned char)s[k] == 0xEF && (unsigned char)s[k + 1] == 0xBC &&
                 (unsigned char)s[k + 2] >= 0x90 && (unsigned char)s[k + 2] <= 0x99)
            k += 3;   /* full-width digit */
        else
            return k;
    }
}

static size_t prefix_len(const char *s, const char *const *alts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(s, alts[i], strlen(alts[i])) == 0)
            return strlen(alts[i]);
    return 0;
}

/* Byte length of a number typed at the start of a heading (“一、”, “（一）”,
 * “1.”, “1、”, “（1）”, “①”), 0 if there is none. “1.5倍” is not one. */
static size_t typed_number_len(const char *s)
{
    static const char *const open[] = { "（", "(" };
    static const char *const close[] = { "）", ")" };
    static const char *const after_cjk[] = { "、", "．", "." };
    static const char *const after_digit[] = { "、", "．", "）", ")" };
    size_t k;
    if ((k = cjk_numeral_len(s)) > 0) {
        size_t p = prefix_len(s + k, after_cjk, 3);
        return p ? k + p : 0;
    }
    if ((k = digits_len(s)) > 0) {
        size_t p = prefix_len(s + k, after_digit, 4);
        if (p)
            return k + p;
        if (s[k] == '.' && !(s[k + 1] >= '0' && s[k + 1] <= '9'))
            return k + 1;
        return 0;
    }
    if ((k = prefix_len(s, open, 2)) > 0) {
        size_t m = cjk_numeral_len(s + k);
        if (m == 0)
            m = digits_len(s + k);
        if (m == 0)
            return 0;
        size_t p = prefix_len(s + k + m, close, 2);
        return p ? k + m + p : 0;
    }
    unsigned cp;
    size_t m = pe_utf8_decode(s, strlen(s), &cp);
    if (m && cp >= 0x2460 && cp <= 0x2473)    /* ① … ⑳ */
        return m;
    return 0;
}

static void do_heading(builder *b, cmark_node *n)
{
    int level = cmark_node_get_heading_level(n);
    pe_src at = node_src(b, n);
    size_t errors0 = b->d->nerrors;
    pe_buf raw;
    const char *text = node_text(b, n, 1, &raw);
    if (!text) {
        pe_buf_release(&raw);
        return;
    }
    size_t a, z;
    trim_span(raw.s ? raw.s : "", raw.len, &a, &z);
    size_t tl = raw.s ? typed_number_len(raw.s + a) : 0;
    if (tl > 0)
        pe_error(b->d, at, "标题“%s”开头手工输入了编号“%.*s”：标题编号由程序按层级自动生成"
                 "（## 一、 ### （一） #### 1. ##### （1）），请删除它", text, (int)tl, raw.s + a);
    pe_buf_release(&raw);
    if (!text[0]) {
        if (b->d->nerrors > errors0)
            return;    /* e.g. only a data block, already reported */
        pe_error(b->d, at, "标题为空：请在“#”后写上标题文字，或删除这一行");
        return;
    }
    if (level == 1) {
        if (b->have_title) {
            pe_error(b->d, at, "文档标题（#）只能有一个：其余标题请用 ##（一、）、###（（一））、"
                     "####（1.）或 #####（（1））");
            return;
        }
        b->have_title = 1;
        b->doc->title = text;
        size_t k = add_block(b, PE_BLK_TITLE, at);
        if (k != (size_t)-1)
            b->doc->items[k].text = text;
        return;
    }
    int lv = level - 1;
    if (lv > HEADING_LEVELS) {
        pe_error(b->d, at, "标题层级过深：公文标题最多四级（## 一、 ### （一） #### 1. "
                 "##### （1）），请改用 ##### 或以下正文");
        return;
    }
    b->counter[lv]++;
    for (int k = lv + 1; k <= HEADING_LEVELS; k++)
        b->counter[k] = 0;
    char cn[16];
    const char *number;
    switch (lv) {
    case 1:
        pe_doc_chinese_number(b->counter[lv], cn, sizeof cn);
        number = pe_arena_printf(b->doc->arena, "%s、", cn);
        break;
    case 2:
        pe_doc_chinese_number(b->counter[lv], cn, sizeof cn);
        number = pe_arena_printf(b->doc->arena, "（%s）", cn);
        break;
    case 3:
        number = pe_arena_printf(b->doc->arena, "%d.", b->counter[lv]);
        break;
    default:
        number = pe_arena_printf(b->doc->arena, "（%d）", b->counter[lv]);
        break;
    }
    if (!number) {
        b->nomem = 1;
        return;
    }
    size_t k = add_block(b, PE_BLK_HEADING, at);
    if (k == (size_t)-1)
        return;
    b->doc->items[k].level = lv;
    b->doc->items[k].number = number;
    b->doc->items[k].text = text;
}

/* ---- paragraphs and lists ---- */

/* If the whole paragraph is one `{{block}}`, returns 1 and its class/kind. */
static int whole_block(const char *raw, size_t len, name_class *cls, pe_block_kind *kind,
                       char *norm)
{
    size_t a, z;
    trim_span(raw, len, &a, &z);
    if (z - a < 4 || strncmp(raw + a, "{{", 2) != 0 || strncmp(raw + z - 2, "}}", 2) != 0)
        return 0;
    for (size_t i = a + 2; i + 2 < z; i++)
        if (raw[i] == SOFT_BREAK || raw[i] == HARD_BREAK || strncmp(raw + i, "{{", 2) == 0 ||
            strncmp(raw + i, "}}", 2) == 0)
            return 0;
    size_t p, q;
    trim_span(raw + a + 2, z - a - 4, &p, &q);
    char *name = strndup(raw + a + 2 + p, q - p);
    if (!name)
        return 0;
    *cls = name[0] ? classify(name, norm, kind) : NAME_FIELD;
    free(name);
    return *cls != NAME_FIELD;
}

static void do_paragraph(builder *b, cmark_node *n)
{
    pe_src at = node_src(b, n);
    cmark_node *parent = cmark_node_parent(n);
    cmark_node_type pt = parent ? cmark_node_get_type(parent) : CMARK_NODE_DOCUMENT;
    pe_buf raw;
    pe_buf_init(&raw);
    collect_inline(b, n, &raw);
    if (b->nomem) {
        pe_buf_release(&raw);
        return;
    }
    name_class cls;
    pe_block_kind kind;
    char norm[NAME_SHOWN_MAX + 4];
    if (whole_block(raw.s ? raw.s : "", raw.len, &cls, &kind, norm)) {
        pe_buf_release(&raw);
        if (cls == NAME_BAD_BLOCK)
            return;       /* reported by the raw scan */
        if (pt != CMARK_NODE_DOCUMENT) {
            pe_error(b->d, at, "数据块“{{%s}}”须在正文中单独成段，不能放在列表中：请把它移出列表，"
                     "前后各空一行", norm);
            return;
        }
        add_block(b, kind, at);
        return;
    }
    const char *text = finish_text(b, raw.s ? raw.s : "", raw.len, cmark_node_get_start_line(n),
                                   0, at);
    pe_buf_release(&raw);
    if (!text || !text[0])
        return;
    pe_block_kind k = PE_BLK_PARA;
    const char *number = NULL;
    int level = 0;
    if (pt == CMARK_NODE_ITEM && b->nlists > 0) {
        const list_state *ls = &b->lists[b->nlists - 1];
        level = (int)b->nlists;
        if (cmark_node_previous(n) == NULL) {
            k = PE_BLK_LIST_ITEM;
            if (ls->ordered)
                number = pe_arena_printf(b->doc->arena, "%d%c", ls->start + ls->count - 1,
                                         ls->delim);
            else
                number = "";
            if (!number) {
                b->nomem = 1;
                return;
            }
        }
    }
    size_t idx = add_block(b, k, at);
    if (idx == (size_t)-1)
        return;
    b->doc->items[idx].text = text;
    b->doc->items[idx].number = number;
    b->doc->items[idx].level = level;
}

static void push_list(builder *b, cmark_node *n)
{
    if (b->nlists == b->caplists) {
        size_t cap = b->caplists ? b->caplists * 2 : 8;
        list_state *p = realloc(b->lists, cap * sizeof(*p));
        if (!p) {
            b->nomem = 1;
            return;
        }
        b->lists = p;
        b->caplists = cap;
    }
    list_state *ls = &b->lists[b->nlists++];
    ls->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    ls->start = cmark_node_get_list_start(n);
    ls->delim = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM ? ')' : '.';
    ls->count = 0;
}

/* ---- tables ---- */

static void do_table(builder *b, cmark_node *table)
{
    size_t ncols = cmark_gfm_extensions_get_table_columns(table);
    size_t nrows = 0;
    for (cmark_node *r = cmark_node_first_child(table); r; r = cmark_node_next(r))
        nrows++;
    if (ncols == 0 || nrows == 0)
        return;
    const char **cells = pe_arena_alloc(b->doc->arena, nrows * ncols * sizeof(*cells));
    if (!cells) {
        b->nomem = 1;
        return;
    }
    size_t ri = 0;
    for (cmark_node *r = cmark_node_first_child(table); r && !b->nomem; r = cmark_node_next(r), ri++) {
        size_t ci = 0;
        for (cmark_node *c = cmark_node_first_child(r); c && ci < ncols && !b->nomem;
             c = cmark_node_next(c), ci++) {
            const char *t = node_text(b, c, 0, NULL);
            cells[ri * ncols + ci] = t ? t : "";
        }
        for (; ci < ncols; ci++)
            cells[ri * ncols + ci] = "";
    }
    size_t idx = add_block(b, PE_BLK_GFM_TABLE, node_src(b, table));
    if (idx == (size_t)-1)
        return;
    b->doc->items[idx].ncols = ncols;
    b->doc->items[idx].nrows = nrows;
    b->doc->items[idx].cells = cells;
}

/* ---- the walk ---- */

static void walk(builder *b, cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    if (!it) {
        b->nomem = 1;
        return;
    }
    cmark_event_type ev;
    while (!b->nomem && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_EXIT) {
            if (t == CMARK_NODE_LIST && b->nlists > 0)
                b->nlists--;
            continue;
        }
        const char *ts = cmark_node_get_type_string(n);
        int skip = 1;     /* children handled here: go on after the node */
        int fence_len = 0, fence_off = 0;
        char fence_ch = 0;
        const char *lit;
        switch (t) {
        case CMARK_NODE_HEADING:
            do_heading(b, n);
            break;
        case CMARK_NODE_PARAGRAPH:
            do_paragraph(b, n);
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            add_block(b, PE_BLK_PAGEBREAK, node_src(b, n));
            break;
        case CMARK_NODE_CODE_BLOCK:
            if (cmark_node_get_fenced(n, &fence_len, &fence_off, &fence_ch))
                pe_error(b->d, node_src(b, n), "不支持代码块（“%c%c%c”围栏）：正式文稿只含正文，"
                         "请删除围栏，把内容改写为正文段落", fence_ch, fence_ch, fence_ch);
            else
                pe_error(b->d, node_src(b, n), "不支持代码块：行首缩进四个或更多空格的段落会被当作"
                         "代码。首行缩进由程序自动生成，请删除行首的空格");
            break;
        case CMARK_NODE_HTML_BLOCK:
            lit = cmark_node_get_literal(n);
            if (!(lit && strncmp(lit, "<!--", 4) == 0))
                pe_error(b->d, node_src(b, n), "不支持 HTML：正式文稿只含正文文字，请删除这段 HTML"
                         "（注释“<!-- … -->”可以保留）");
            break;
        case CMARK_NODE_BLOCK_QUOTE:
            pe_error(b->d, node_src(b, n), "不支持引用块（行首“>”）：请删除“>”，改写为正文段落");
            break;
        case CMARK_NODE_LIST:
            push_list(b, n);
            skip = 0;
            break;
        case CMARK_NODE_ITEM:
            if (b->nlists > 0)
                b->lists[b->nlists - 1].count++;
            skip = 0;
            break;
        default:
            if (ts && strcmp(ts, "table") == 0)
                do_table(b, n);
            else
                skip = 0;
            break;
        }
        if (skip && n != root)
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
    }
    cmark_iter_free(it);
}

/* Adds the signature (issuer, '\n', date) at the end of the body: after the
 * last block, or before {{annexes}} when the template ends with it. */
static void add_signature(builder *b)
{
    const char *issuer = pe_fields_get(b->f, "report.issuer");
    const char *date = pe_fields_get(b->f, "report.date");
    pe_src at = { b->file, 0, 0 };
    const char *text = pe_arena_printf(b->doc->arena, "%s\n%s", issuer ? issuer : "",
                                       date ? date : "");
    if (!text) {
        b->nomem = 1;
        return;
    }
    size_t idx = add_block(b, PE_BLK_SIGNATURE, at);
    if (idx == (size_t)-1)
        return;
    b->doc->items[idx].text = text;
    /* GB/T 9704: the signature closes the body, before the annex pages */
    pe_block *it = b->doc->items;
    if (idx > 0 && it[idx - 1].kind == PE_BLK_ANNEXES) {
        pe_block tmp = it[idx - 1];
        it[idx - 1] = it[idx];
        it[idx] = tmp;
    }
}

/* Builds the document. On success *out owns everything (free with
 * pe_doc_free). On PE_ERR_INPUT (problems in `d`) or PE_ERR_NOMEM, *out is
 * NULL and nothing is left allocated. `file` is used in messages only. */
pe_status pe_doc_build(const char *tmpl, size_t len, const char *file,
                       const pe_fields *f, pe_diags *d, pe_doc **out)
{
    pe_status st = PE_OK;
    size_t errors0 = d->nerrors;
    cmark_parser *parser = NULL;
    cmark_node *root = NULL;
    builder b;
    char *utf8 = NULL;
    memset(&b, 0, sizeof b);
    *out = NULL;

    b.doc = calloc(1, sizeof(pe_doc));
    if (!b.doc || !(b.doc->arena = pe_arena_new()))
        goto nomem;
    b.f = f;
    b.d = d;
    b.file = file;
    /* the template is text like the tables (SPEC §3): UTF-8 (BOM stripped) or
     * GB18030, no NUL; cmark passes invalid bytes of code spans through */
    st = pe_text_to_utf8(tmpl, len, PE_ENC_AUTO, file, d, &utf8, &b.len);
    if (st != PE_OK)
        goto cleanup;
    b.text = utf8;
    if (b.len > PE_DOC_MAX_BYTES) {
        int line = 1;
        for (size_t i = 0; i < PE_DOC_MAX_BYTES; i++)
            line += utf8[i] == '\n';
        pe_error(d, ((pe_src){ file, line, 1 }),
                 "模板超过 %d KB 的上限（本模板 %.0f KB），从这一行起超出，模板未解析：正式模板"
                 "通常只有几十 KB，%d KB 的正文已印成约 140 页。请检查是否选错了文件，或精简模板"
                 "（见 README“规模上限”）",
                 PE_DOC_MAX_BYTES / 1024, (double)b.len / 1024.0, PE_DOC_MAX_BYTES / 1024);
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    if (build_line_index(&b) != 0)
        goto nomem;
    scan_fields(&b);
    if (b.nomem)
        goto nomem;

    cmark_gfm_core_extensions_ensure_registered();
    parser = cmark_parser_new(CMARK_OPT_SOURCEPOS);
    cmark_syntax_extension *table = cmark_find_syntax_extension("table");
    if (!parser || !table || !cmark_parser_attach_syntax_extension(parser, table))
        goto nomem;
    cmark_parser_feed(parser, b.text, b.len);
    root = cmark_parser_finish(parser);
    if (!root)
        goto nomem;
    walk(&b, root);
    if (b.nomem)
        goto nomem;
    add_signature(&b);
    if (b.nomem)
        goto nomem;
    if (!b.doc->title) {
        const char *t = pe_fields_get(f, "report.title");
        b.doc->title = t ? pe_arena_strdup(b.doc->arena, t) : "";
        if (!b.doc->title)
            goto nomem;
    }
    if (d->nerrors > errors0) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    *out = b.doc;
    b.doc = NULL;
    goto cleanup;

nomem:
    st = PE_ERR_NOMEM;
cleanup:
    if (root)
        cmark_node_free(root);
    if (parser)
        cmark_parser_free(parser);
    free(b.line_start);
    free(b.refs);
    free(b.lists);
    pe_doc_free(b.doc);
    free(utf8);
    return st;
}

void pe_doc_free(pe_doc *doc)
{
    if (!doc)
        return;
    free(doc->items);
    pe_arena_free(doc->arena);
    free(doc);
}

void pe_doc_chinese_number(int n, char *out, size_t outsz)
{
    static const char *const digit[] = { "", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
    if (!out || outsz == 0)
        return;
    if (n < 1 || n > 99) {
        snprintf(out, outsz, "%d", n);
        return;
    }
    int tens = n / 10, ones = n % 10;
    if (tens == 0)
        snprintf(out, outsz, "%s", digit[ones]);
    else
        snprintf(out, outsz, "%s十%s", tens == 1 ? "" : digit[tens], digit[ones]);
}
