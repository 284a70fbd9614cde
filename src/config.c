/* config.c — report.ini with iniparser: known sections and keys, values
 * checked and converted, positions found for every message. iniparser does
 * not keep line numbers, so a light scan of the text locates sections and keys. */
#include "pe_model.h"

#include <ctype.h>
#include <iniparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* iniparser reports syntax errors through a printf-like callback; it is
 * captured here (the library must not print). Not thread-safe: one load at a time. */
static char ini_errbuf[512];
static int ini_capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ini_capture(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!ini_errbuf[0])
        vsnprintf(ini_errbuf, sizeof ini_errbuf, fmt, ap);
    va_end(ap);
    return 0;
}

#define PE_INI_MAX_BYTES (1024 * 1024)   /* an INI is settings: a few KB */
#define PE_INI_MAX_ENTRIES 4096          /* sections and keys (over 500 annexes) */

typedef struct {
    char section[64];
    char key[64];
    int line;
    int col;
} ini_loc;

typedef struct {
    ini_loc *locs;
    size_t n;
    const char *file;
} ini_index;

static void lower_ascii(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* Records the line of every `[section]` and `key =` of the text. */
static int ini_index_build(ini_index *ix, const char *text)
{
    size_t cap = 32;
    char section[64] = "";
    int line = 1;
    ix->locs = malloc(cap * sizeof(ini_loc));
    if (!ix->locs)
        return -1;
    for (const char *p = text; *p; line++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *q = p;
        while (q < p + n && (*q == ' ' || *q == '\t'))
            q++;
        char key[64] = "";
        int is_section = 0;
        if (q < p + n && *q == '[') {
            const char *r = memchr(q, ']', (size_t)(p + n - q));
            if (r) {
                size_t k = (size_t)(r - q - 1);
                if (k >= sizeof section)
                    k = sizeof section - 1;
                memcpy(section, q + 1, k);
                section[k] = '\0';
                pe_trim(section);
                lower_ascii(section);
                is_section = 1;
            }
        } else if (q < p + n && *q != ';' && *q != '#') {
            const char *eq = memchr(q, '=', (size_t)(p + n - q));
            if (eq) {
                size_t k = (size_t)(eq - q);
                if (k >= sizeof key)
                    k = sizeof key - 1;
                memcpy(key, q, k);
                key[k] = '\0';
                pe_trim(key);
                lower_ascii(key);
            }
        }
        if (is_section || key[0]) {
            if (ix->n > PE_INI_MAX_ENTRIES)
                break;   /* the caller reports the limit at entry PE_INI_MAX_ENTRIES */
            if (ix->n == cap) {
                cap *= 2;
                ini_loc *l = realloc(ix->locs, cap * sizeof(ini_loc));
                if (!l)
                    return -1;
                ix->locs = l;
            }
            ini_loc *l = &ix->locs[ix->n++];
            memcpy(l->section, section, sizeof section);
            memcpy(l->key, key, sizeof key);
            l->line = line;
            l->col = (int)(q - p) + 1;
        }
        p = e ? e + 1 : p + n;
    }
    return 0;
}

static pe_src ini_at(const ini_index *ix, const char *section, const char *key)
{
    for (size_t i = 0; i < ix->n; i++)
        if (strcmp(ix->locs[i].section, section) == 0 &&
            strcmp(ix->locs[i].key, key ? key : "") == 0)
            return (pe_src){ ix->file, ix->locs[i].line, ix->locs[i].col };
    /* the section header if the key is absent */
    for (size_t i = 0; i < ix->n; i++)
        if (strcmp(ix->locs[i].section, section) == 0 && !ix->locs[i].key[0])
            return (pe_src){ ix->file, ix->locs[i].line, ix->locs[i].col };
    return (pe_src){ ix->file, 0, 0 };
}

static const char *const report_keys[] = { "title", "issuer", "date", "draft", "template" };
static const char *const period_keys[] = { "base_year", "target_year", "eval_year" };
static const char *const assess_keys[] = { "ahead", "on_track", "at_risk" };
static const char *const table_keys[] = { "file", "title", "encoding" };
static const char *const annex_keys[] = { "file", "title", "merge", "total", "unit", "note",
                                          "status", "encoding" };
static const char *const font_keys[] = { "title", "body", "heading", "kai" };
static const char *const output_keys[] = { "dir", "basename", "formats" };
static const char *const sections[] = { "report", "period", "assessment", "indicators",
                                        "targets", "counties", "annex.1", "fonts", "output" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is_annex_section(const char *s)
{
    if (strncmp(s, "annex.", 6) != 0 || !s[6])
        return 0;
    for (const char *p = s + 6; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return 1;
}

static void check_keys(dictionary *ini, const ini_index *ix, const char *sec,
                       const char *const *known, size_t nknown, pe_diags *d)
{
    int nk = iniparser_getsecnkeys(ini, sec);
    if (nk <= 0)
        return;
    const char **keys = calloc((size_t)nk, sizeof(char *));
    if (!keys)
        return;
    iniparser_getseckeys(ini, sec, keys);
    size_t plen = strlen(sec) + 1;
    for (int i = 0; i < nk; i++) {
        const char *k = keys[i] + plen;
        int ok = 0;
        for (size_t j = 0; j < nknown; j++)
            if (strcmp(k, known[j]) == 0)
                ok = 1;
        if (ok)
            continue;
        const char *sug = pe_suggest(k, known, nknown);
        if (sug)
            pe_warn(d, ini_at(ix, sec, k), "[%s] 节中的键“%s”无法识别，将被忽略；是否为“%s”？", sec, k, sug);
        else
            pe_warn(d, ini_at(ix, sec, k), "[%s] 节中的键“%s”无法识别，将被忽略", sec, k);
    }
    free(keys);
}

static const char *get(dictionary *ini, const char *sec, const char *key)
{
    char full[160];
    snprintf(full, sizeof full, "%s:%s", sec, key);
    const char *v = iniparser_getstring(ini, full, NULL);
    if (v && !*v)
        return NULL;
    return v;
}

static int parse_year(const char *v, int *out)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    if (n != 4)
        return 0;
    for (size_t i = 0; i < 4; i++)
        if (!isdigit((unsigned char)v[i]))
            return 0;
    *out = atoi(v);
    return *out >= 1900;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Accepts 2023-08-15, 2023/8/15 and 2023年8月15日. */
static int parse_date(const char *v, int *y, int *m, int *dd)
{
    int a, b, c;
    char tail[8];
    if (sscanf(v, "%4d-%2d-%2d%1s", &a, &b, &c, tail) == 3 ||
        sscanf(v, "%4d/%2d/%2d%1s", &a, &b, &c, tail) == 3 ||
        sscanf(v, "%4d年%2d月%2d日%1s", &a, &b, &c, tail) == 3) {
        if (a < 1900 || a > 9999 || b < 1 || b > 12 || c < 1 || c > days_in_month(a, b))
            return 0;
        *y = a;
        *m = b;
        *dd = c;
        return 1;
    }
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1", "是" };
    static const char *const no[] = { "false", "no", "off", "0", "否" };
    for (size_t i = 0; i < COUNT(yes); i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, 1;
    for (size_t i = 0; i < COUNT(no); i++)
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, 1;
    return 0;
}

static const char *resolve(pe_model *m, const char *rel)
{
    char *p = pe_path_join(m->ini_dir, rel);
    const char *r = p ? pe_arena_strdup(m->arena, p) : NULL;
    free(p);
    return r;
}

/* Reads the [indicators]/[targets]/[counties]/[annex.N] file with its encoding. */
static pe_status load_table_file(pe_model *m, const ini_index *ix, dictionary *ini,
                                 const char *sec, const char **path, pe_encoding *enc,
                                 pe_diags *d)
{
    const char *file = get(ini, sec, "file");
    const char *e = get(ini, sec, "encoding");
    *enc = PE_ENC_AUTO;
    if (e) {
        int v = pe_encoding_parse(e);
        if (v < 0) {
            pe_error(d, ini_at(ix, sec, "encoding"),
                     "[%s] encoding = %s 无法识别，请写 utf-8 或 gbk", sec, e);
        } else {
            *enc = (pe_encoding)v;
        }
    }
    if (!file) {
        pe_error(d, ini_at(ix, sec, NULL), "[%s] 节缺少 file 键，请写明数据文件，如 file = %s.csv",
                 sec, sec);
        return PE_ERR_INPUT;
    }
    *path = resolve(m, file);
    if (!*path)
        return PE_ERR_NOMEM;
    if (access(*path, F_OK) != 0) {
        pe_error(d, ini_at(ix, sec, "file"),
                 "[%s] file = %s：找不到文件 %s，请检查文件名（路径相对于 INI 文件所在目录）", sec, file,
                 *path);
        return PE_ERR_INPUT;
    }
    return PE_OK;
}

/* The file a table section names, read whole (a table_file to release). */
typedef struct {
    const char *path;
    pe_encoding enc;
    char *buf;
    size_t len;
} table_file;

static pe_status table_file_read(pe_model *m, const ini_index *ix, dictionary *ini,
                                 const char *sec, table_file *tf, pe_diags *d)
{
    memset(tf, 0, sizeof *tf);
    pe_status st = load_table_file(m, ix, ini, sec, &tf->path, &tf->enc, d);
    if (st != PE_OK)
        return st;
    return pe_file_read_max(tf->path, tf->path, PE_FILE_MAX_BYTES, d, &tf->buf, &tf->len);
}

/* [indicators] and [targets]: the title, then the table the section names. */
static void load_indicator_section(pe_model *m, const ini_index *ix, dictionary *ini,
                                   const char *sec, pe_indicator_table *t, pe_diags *d)
{
    table_file tf;
    t->title = pe_arena_strdup(m->arena, get(ini, sec, "title"));
    if (table_file_read(m, ix, ini, sec, &tf, d) == PE_OK)
        pe_indicator_table_parse(m, t, tf.buf, tf.len, tf.enc, tf.path, d);
    free(tf.buf);
}

pe_status pe_config_parse_file(pe_model *m, const char *ini_path, pe_diags *d)
{
    char *raw = NULL, *text = NULL, *dir = NULL;
    size_t rawlen, tlen;
    dictionary *ini = NULL;
    ini_index ix = { NULL, 0, NULL };
    char tmpname[] = "/tmp/planeval-ini-XXXXXX";
    int tmpfd = -1;
    pe_status st = PE_OK;
    size_t errors_before = d->nerrors;

    m->ini_path = pe_arena_strdup(m->arena, ini_path);
    ix.file = m->ini_path;
    st = pe_file_read_max(ini_path, ini_path, PE_FILE_MAX_BYTES, d, &raw, &rawlen);
    if (st != PE_OK)
        goto cleanup;
    if (rawlen > PE_INI_MAX_BYTES) {
        pe_error(d, ((pe_src){ ini_path, 0, 0 }),
                 "INI 文件有 %zu 字节，超过 %d 字节（1 MB）的上限：report.ini 只写设置，数据请放在它引用的 CSV 表中",
                 rawlen, PE_INI_MAX_BYTES);
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    st = pe_text_to_utf8(raw, rawlen, PE_ENC_AUTO, ini_path, d, &text, &tlen);
    if (st != PE_OK)
        goto cleanup;
    dir = pe_path_dir(ini_path);
    m->ini_dir = pe_arena_strdup(m->arena, dir);
    if (ini_index_build(&ix, text) != 0) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    /* A settings file, not data: bounded so that iniparser's linear lookups
     * and the checks per key stay fast whatever the file holds. */
    if (ix.n > PE_INI_MAX_ENTRIES) {
        pe_error(d, ((pe_src){ ix.file, ix.locs[PE_INI_MAX_ENTRIES].line, ix.locs[PE_INI_MAX_ENTRIES].col }),
                 "INI 文件中的节和键超过 %d 个：report.ini 只写设置，数据请放在它引用的 CSV 表中",
                 PE_INI_MAX_ENTRIES);
        st = PE_ERR_INPUT;
        goto cleanup;
    }
    /* iniparser cuts lines at 1024 bytes and then calls them syntax errors */
    {
        int line = 1;
        for (const char *p = text; *p; line++) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n >= 1000)
                pe_error(d, ((pe_src){ ini_path, line, 1 }),
                         "这一行过长（%zu 字节，上限约 1000 字节，约 330 个汉字），请缩短；"
                         "很长的说明文字请放在模板或 CSV 的备注列中",
                         n);
            p = e ? e + 1 : p + n;
        }
        if (d->nerrors > errors_before) {
            st = PE_ERR_INPUT;
            goto cleanup;
        }
    }
    /* iniparser merges a repeated section and keeps the last of a repeated key */
    for (size_t i = 0; i < ix.n; i++)
        for (size_t j = 0; j < i; j++) {
            const ini_loc *a = &ix.locs[j], *b = &ix.locs[i];
            if (strcmp(a->section, b->section) != 0 || strcmp(a->key, b->key) != 0)
                continue;
            if (!b->key[0])
                pe_warn(d, ((pe_src){ ini_path, b->line, b->col }),
                        "节 [%s] 在第 %d 行已经出现过，两处的键会合并，重复的键以后出现的为准；请合并为一节",
                        b->section, a->line);
            else
                pe_warn(d, ((pe_src){ ini_path, b->line, b->col }),
                        "[%s] 中的键“%s”在第 %d 行已经写过，以这里的值为准；请删除其中一个", b->section,
                        b->key, a->line);
            break;
        }
    /* keys before the first section belong to no section: iniparser drops them */
    for (size_t i = 0; i < ix.n; i++)
        if (!ix.locs[i].section[0] && ix.locs[i].key[0])
            pe_warn(d, ((pe_src){ ini_path, ix.locs[i].line, ix.locs[i].col }),
                    "键“%s”写在所有节之前，不属于任何节，将被忽略；请把它移到相应的 [节] 之下",
                    ix.locs[i].key);

    /* iniparser reads files only: a converted (BOM/GBK) text goes through a temp file. */
    const char *load_path = ini_path;
    if (tlen != rawlen || memcmp(raw, text, rawlen) != 0) {
        tmpfd = mkstemp(tmpname);
        if (tmpfd < 0 || write(tmpfd, text, tlen) != (ssize_t)tlen) {
            pe_error(d, ((pe_src){ ini_path, 0, 0 }), "无法创建临时文件以读取配置，请检查 /tmp 是否可写");
            st = PE_ERR_IO;
            goto cleanup;
        }
        load_path = tmpname;
    }
    ini_errbuf[0] = '\0';
    iniparser_set_error_callback(ini_capture);
    ini = iniparser_load(load_path);
    iniparser_set_error_callback(NULL);
    if (!ini) {
        int line = 0;
        const char *paren = strstr(ini_errbuf, " (");
        if (paren)
            line = atoi(paren + 2);
        pe_error(d, ((pe_src){ ini_path, line, 1 }),
                 "这一行既不是节名 [节]，也不是“键 = 值”或注释（以 ; 或 # 开头），请修改或删除");
        st = PE_ERR_INPUT;
        goto cleanup;
    }

    /* sections */
    int nsec = iniparser_getnsec(ini);
    for (int i = 0; i < nsec; i++) {
        const char *s = iniparser_getsecname(ini, i);
        int known = is_annex_section(s);
        for (size_t j = 0; j < COUNT(sections); j++)
            if (strcmp(s, sections[j]) == 0)
                known = 1;
        if (!known) {
            const char *sug = pe_suggest(s, sections, COUNT(sections));
            if (sug)
                pe_warn(d, ini_at(&ix, s, NULL), "[%s]：未知的节，将被忽略；是否为 [%s]？", s, sug);
            else
                pe_warn(d, ini_at(&ix, s, NULL), "[%s]：未知的节，将被忽略", s);
        }
    }
    check_keys(ini, &ix, "report", report_keys, COUNT(report_keys), d);
    check_keys(ini, &ix, "period", period_keys, COUNT(period_keys), d);
    check_keys(ini, &ix, "assessment", assess_keys, COUNT(assess_keys), d);
    check_keys(ini, &ix, "indicators", table_keys, COUNT(table_keys), d);
    check_keys(ini, &ix, "targets", table_keys, COUNT(table_keys), d);
    check_keys(ini, &ix, "counties", table_keys, COUNT(table_keys), d);
    check_keys(ini, &ix, "fonts", font_keys, COUNT(font_keys), d);
    check_keys(ini, &ix, "output", output_keys, COUNT(output_keys), d);
    for (int i = 0; i < nsec; i++) {
        const char *s = iniparser_getsecname(ini, i);
        if (is_annex_section(s))
            check_keys(ini, &ix, s, annex_keys, COUNT(annex_keys), d);
    }

    /* [report] */
    if (!iniparser_find_entry(ini, "report")) {
        pe_error(d, ((pe_src){ ini_path, 0, 0 }), "缺少 [report] 节，请写明 title、issuer、date、template");
    } else {
        static const char *const required[] = { "title", "issuer", "date", "template" };
        for (size_t i = 0; i < COUNT(required); i++)
            if (!get(ini, "report", required[i]))
                pe_error(d, ini_at(&ix, "report", NULL), "[report] 节缺少 %s 键（或值为空），请补上",
                         required[i]);
        m->title = pe_arena_strdup(m->arena, get(ini, "report", "title"));
        m->issuer = pe_arena_strdup(m->arena, get(ini, "report", "issuer"));
        const char *date = get(ini, "report", "date");
        if (date) {
            if (!parse_date(date, &m->year, &m->month, &m->day))
                pe_error(d, ini_at(&ix, "report", "date"),
                         "日期“%s”无效，请写成 2023-08-15 这样的有效日期", date);
            else
                m->date_text = pe_arena_printf(m->arena, "%d年%d月%d日", m->year, m->month, m->day);
        }
        const char *draft = get(ini, "report", "draft");
        if (draft && !parse_bool(draft, &m->draft))
            pe_error(d, ini_at(&ix, "report", "draft"), "draft = %s 无法识别，请写 true 或 false", draft);
        const char *tmpl = get(ini, "report", "template");
        if (tmpl) {
            m->template_path = resolve(m, tmpl);
            if (m->template_path && access(m->template_path, F_OK) != 0)
                pe_error(d, ini_at(&ix, "report", "template"),
                         "template = %s：找不到模板文件 %s，请检查文件名（路径相对于 INI 文件所在目录）", tmpl,
                         m->template_path);
        }
    }

    /* [period] */
    if (!iniparser_find_entry(ini, "period")) {
        pe_error(d, ((pe_src){ ini_path, 0, 0 }),
                 "缺少 [period] 节，请写明 base_year（基期年）、target_year（目标年）、eval_year（评估年）");
    } else {
        int *dst[] = { &m->base_year, &m->target_year, &m->eval_year };
        int ok = 1;
        for (size_t i = 0; i < COUNT(period_keys); i++) {
            const char *v = get(ini, "period", period_keys[i]);
            if (!v) {
                pe_error(d, ini_at(&ix, "period", NULL), "[period] 节缺少 %s 键，请填写四位年份",
                         period_keys[i]);
                ok = 0;
            } else if (!parse_year(v, dst[i])) {
                pe_error(d, ini_at(&ix, "period", period_keys[i]),
                         "%s = %s 不是四位年份，请写成 2020 这样的年份", period_keys[i], v);
                ok = 0;
            }
        }
        if (ok && m->base_year >= m->target_year) {
            pe_error(d, ini_at(&ix, "period", "target_year"),
                     "目标年 %d 必须晚于基期年 %d，请检查 base_year 和 target_year",
                     m->target_year, m->base_year);
            ok = 0;
        }
        if (ok && (m->eval_year < m->base_year || m->eval_year > m->target_year)) {
            pe_error(d, ini_at(&ix, "period", "eval_year"),
                     "评估年 %d 不在规划期 %d—%d 之内，请检查 eval_year",
                     m->eval_year, m->base_year, m->target_year);
            ok = 0;
        }
        if (!ok)
            m->base_year = m->target_year = m->eval_year = 0;
    }

    /* [assessment] */
    {
        double *dst[] = { &m->ahead, &m->on_track, &m->at_risk };
        int ok = 1;
        for (size_t i = 0; i < COUNT(assess_keys); i++) {
            const char *v = get(ini, "assessment", assess_keys[i]);
            if (!v)
                continue;
            int dec;
            if (pe_number_parse(v, dst[i], &dec) != PE_NUM_OK || *dst[i] < 0) {
                pe_error(d, ini_at(&ix, "assessment", assess_keys[i]),
                         "%s = %s 不是有效的非负数，请写成 0.90 这样的数", assess_keys[i], v);
                ok = 0;
            }
        }
        if (ok && !(m->ahead > m->on_track && m->on_track > m->at_risk))
            pe_error(d, ini_at(&ix, "assessment", NULL),
                     "阈值顺序不对：应满足 ahead（%.2f）> on_track（%.2f）> at_risk（%.2f），请调整",
                     m->ahead, m->on_track, m->at_risk);
    }

    /* [fonts] and [output] */
    for (int r = 0; r < PE_FONT_ROLES; r++)
        m->font[r] = pe_arena_strdup(m->arena, get(ini, "fonts", font_keys[r]));
    {
        const char *od = get(ini, "output", "dir");
        if (od)
            m->out_dir = resolve(m, od);
        const char *bn = get(ini, "output", "basename");
        if (bn && (strchr(bn, '/') || strcmp(bn, ".") == 0 || strcmp(bn, "..") == 0))
            pe_error(d, ini_at(&ix, "output", "basename"),
                     "basename = %s 不能含路径分隔符，目录请写在 dir 键中", bn);
        m->basename = pe_arena_strdup(m->arena, bn ? bn : "report");
        const char *fm = get(ini, "output", "formats");
        if (fm) {
            char bad[64];
            if (pe_formats_parse(fm, &m->formats, bad, sizeof bad) != 0) {
                if (*bad)
                    pe_error(d, ini_at(&ix, "output", "formats"),
                             "未知的输出格式“%s”；formats 可取 pdf、xlsx、ofd，用逗号分隔", bad);
                else
                    pe_error(d, ini_at(&ix, "output", "formats"),
                             "formats 为空；请写出要生成的格式，如 formats = pdf, xlsx, ofd");
            }
        }
    }

    /* the tables need a valid period */
    if (d->nerrors > errors_before) {
        st = PE_ERR_INPUT;
        goto cleanup;
    }

    if (!iniparser_find_entry(ini, "indicators")) {
        pe_error(d, ((pe_src){ ini_path, 0, 0 }), "缺少 [indicators] 节，请用 file = 指定核心指标表");
    } else {
        load_indicator_section(m, &ix, ini, "indicators", &m->indicators, d);
    }
    if (iniparser_find_entry(ini, "targets")) {
        load_indicator_section(m, &ix, ini, "targets", &m->targets, d);
    }
    if (iniparser_find_entry(ini, "counties")) {
        m->counties.title = pe_arena_strdup(m->arena, get(ini, "counties", "title"));
        table_file tf;
        if (table_file_read(m, &ix, ini, "counties", &tf, d) == PE_OK)
            pe_county_table_parse(m, &m->counties, tf.buf, tf.len, tf.enc, tf.path, d);
        free(tf.buf);
    }
    size_t nannex = 0;
    for (int i = 0; i < nsec; i++)
        if (is_annex_section(iniparser_getsecname(ini, i)))
            nannex++;
    if (nannex) {
        m->annexes = pe_arena_alloc(m->arena, nannex * sizeof(pe_annex));
        if (!m->annexes) {
            st = PE_ERR_NOMEM;
            goto cleanup;
        }
    }
    for (int i = 0; i < nsec; i++) {
        const char *s = iniparser_getsecname(ini, i);
        if (!is_annex_section(s))
            continue;
        if (m->nannexes == PE_MAX_ANNEXES) {
            pe_error(d, ini_at(&ix, s, NULL),
                     "[%s]：附件超过 %d 个的上限，从这一节起未读取：请合并内容相近的附件"
                     "（见 README“规模上限”）",
                     s, PE_MAX_ANNEXES);
            break;
        }
        pe_annex *a = &m->annexes[m->nannexes++];
        a->number = (int)m->nannexes;
        a->section = pe_arena_strdup(m->arena, s);
        a->title = pe_arena_strdup(m->arena, get(ini, s, "title"));
        a->unit = pe_arena_strdup(m->arena, get(ini, s, "unit"));
        a->note = pe_arena_strdup(m->arena, get(ini, s, "note"));
        if (!a->title)
            pe_error(d, ini_at(&ix, s, NULL), "[%s] 节缺少 title 键，请写明附件标题", s);
        a->title_src = ini_at(&ix, s, "title");
        a->merge_src = ini_at(&ix, s, "merge");
        a->total_src = ini_at(&ix, s, "total");
        a->status_col = -1;
        table_file tf;
        if (table_file_read(m, &ix, ini, s, &tf, d) == PE_OK &&
            pe_annex_parse(m, a, tf.buf, tf.len, tf.enc, tf.path, get(ini, s, "merge"),
                           get(ini, s, "total"), d) == PE_OK &&
            get(ini, s, "status") &&
            pe_annex_set_status(m, a, get(ini, s, "status"), ini_at(&ix, s, "status"), d) ==
                PE_ERR_NOMEM)
            st = PE_ERR_NOMEM;
        free(tf.buf);
    }

cleanup:
    if (ini)
        iniparser_freedict(ini);
    if (tmpfd >= 0) {
        close(tmpfd);
        unlink(tmpname);
    }
    free(ix.locs);
    free(dir);
    free(text);
    free(raw);
    if (st == PE_OK && d->nerrors > errors_before)
        st = PE_ERR_INPUT;
    return st;
}

int pe_formats_parse(const char *s, unsigned *out, char *bad, size_t badsz)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        { "pdf", PE_OUT_PDF }, { "xlsx", PE_OUT_XLSX }, { "ofd", PE_OUT_OFD }
    };
    unsigned set = 0;
    const char *p = s;

    if (badsz)
        bad[0] = '\0';
    while (*p) {
        size_t n, k;
        int found = 0;
        /* separators: ASCII commas and spaces, full-width comma, 、 */
        if (*p == ',' || *p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        if (strncmp(p, "，", 3) == 0 || strncmp(p, "、", 3) == 0) {
            p += 3;
            continue;
        }
        for (n = 0; p[n] && p[n] != ',' && p[n] != ' ' && p[n] != '\t' &&
                    strncmp(p + n, "，", 3) != 0 && strncmp(p + n, "、", 3) != 0;
             n++)
            ;
        for (k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k].name) == n && strncasecmp(p, names[k].name, n) == 0) {
                set |= names[k].bit;
                found = 1;
            }
        if (!found) {
            if (badsz) {
                size_t c = n < badsz - 1 ? n : badsz - 1;
                while (c > 0 && c < n && ((unsigned char)p[c] & 0xC0) == 0x80)
                    c--;    /* never cut a character */
                memcpy(bad, p, c);
                bad[c] = '\0';
            }
            return -1;
        }
        p += n;
    }
    if (!set)
        return -1;
    *out = set;
    return 0;
}
