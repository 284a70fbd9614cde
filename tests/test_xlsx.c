/* test_xlsx.c — unit tests of the XLSX stage: column widths for CJK text,
 * sheet-name rules, the formula builders (exact text), and pe_xlsx_write's
 * output safety (temporary file, no leftovers, identical bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pe_eval.h"
#include "pe_xlsx.h"

/* cmocka's assert_float_equal works in float; widths are doubles. */
static int near(double a, double b)
{
    double d = a - b;
    return d < 1e-9 && d > -1e-9;
}
#define assert_near(a, b) assert_true(near((a), (b)))

/* ---- widths ---- */

static void test_text_width(void **state)
{
    (void)state;
    assert_near(pe_xlsx_text_width(NULL), 0.0);
    assert_near(pe_xlsx_text_width(""), 0.0);
    assert_near(pe_xlsx_text_width("abc"), 3.3);
    assert_near(pe_xlsx_text_width("指标"), 4.0);
    assert_near(pe_xlsx_text_width("R&D/GDP比重"), 7 * 1.1 + 4.0);
    assert_near(pe_xlsx_text_width("（２）"), 6.0);     /* full-width forms */
    assert_near(pe_xlsx_text_width("“十四五”"), 10.0);  /* CJK quotes are wide */
    /* the longest line counts */
    assert_near(pe_xlsx_text_width("ab\n指标名称\r\nc"), 8.0);
}

static void test_col_width(void **state)
{
    char big[301 * 3 + 1];
    size_t i;
    (void)state;
    assert_near(pe_xlsx_col_width(NULL), PE_XLSX_WIDTH_MIN);
    assert_near(pe_xlsx_col_width("1"), PE_XLSX_WIDTH_MIN);
    assert_near(pe_xlsx_col_width("指标名称"), 9.0);
    for (i = 0; i < 300; i++)
        memcpy(big + 3 * i, "指", 3);
    big[900] = '\0';
    assert_near(pe_xlsx_col_width(big), PE_XLSX_WIDTH_MAX);
}

static void test_wrap_lines(void **state)
{
    (void)state;
    /* a text that set its column's width (text + 1) fits on one line */
    assert_int_equal(pe_xlsx_wrap_lines(20.0, pe_xlsx_col_width("指标名称指标名称指标")), 1);
    assert_int_equal(pe_xlsx_wrap_lines(0.0, 6.0), 1);
    assert_int_equal(pe_xlsx_wrap_lines(29.0, 30.0), 1);
    assert_int_equal(pe_xlsx_wrap_lines(29.5, 30.0), 2);
    assert_int_equal(pe_xlsx_wrap_lines(100.0, 30.0), 4);
    assert_int_equal(pe_xlsx_wrap_lines(1e9, 30.0), 1000);  /* bounded */
    assert_int_equal(pe_xlsx_wrap_lines(5.0, 0.5), 5);      /* degenerate column */
}

/* ---- sheet names ---- */

static void test_sheet_names(void **state)
{
    char name[200];
    size_t i;
    (void)state;
    assert_null(pe_xlsx_sheet_name_problem("说明"));
    assert_null(pe_xlsx_sheet_name_problem("附件12"));
    assert_non_null(pe_xlsx_sheet_name_problem(""));
    assert_non_null(pe_xlsx_sheet_name_problem(NULL));
    assert_non_null(pe_xlsx_sheet_name_problem("a[b"));
    assert_non_null(pe_xlsx_sheet_name_problem("a]b"));
    assert_non_null(pe_xlsx_sheet_name_problem("a:b"));
    assert_non_null(pe_xlsx_sheet_name_problem("a*b"));
    assert_non_null(pe_xlsx_sheet_name_problem("a?b"));
    assert_non_null(pe_xlsx_sheet_name_problem("a/b"));
    assert_non_null(pe_xlsx_sheet_name_problem("a\\b"));
    assert_non_null(pe_xlsx_sheet_name_problem("'ab"));
    assert_non_null(pe_xlsx_sheet_name_problem("ab'"));
    assert_null(pe_xlsx_sheet_name_problem("a'b"));
    assert_non_null(pe_xlsx_sheet_name_problem("History"));
    assert_non_null(pe_xlsx_sheet_name_problem("history"));
    assert_non_null(pe_xlsx_sheet_name_problem("\xff\xfe"));
    assert_non_null(pe_xlsx_sheet_name_problem("tab\there"));
    /* 31 characters fit, 32 do not — counted as characters, not bytes */
    name[0] = '\0';
    for (i = 0; i < 31; i++)
        strcat(name, "表");
    assert_null(pe_xlsx_sheet_name_problem(name));
    strcat(name, "表");
    assert_string_equal(pe_xlsx_sheet_name_problem(name), "工作表名称超过 31 个字符");
    /* outside the BMP a character is two UTF-16 units */
    name[0] = '\0';
    for (i = 0; i < 16; i++)
        strcat(name, "\xf0\xa0\x80\x80");   /* U+20000 */
    assert_non_null(pe_xlsx_sheet_name_problem(name));
}

static void test_col_name(void **state)
{
    char out[4];
    (void)state;
    pe_xlsx_col_name(0, out);
    assert_string_equal(out, "A");
    pe_xlsx_col_name(25, out);
    assert_string_equal(out, "Z");
    pe_xlsx_col_name(26, out);
    assert_string_equal(out, "AA");
    pe_xlsx_col_name(701, out);
    assert_string_equal(out, "ZZ");
    pe_xlsx_col_name(702, out);
    assert_string_equal(out, "AAA");
    pe_xlsx_col_name(16383, out);
    assert_string_equal(out, "XFD");
}

/* ---- formula builders ---- */

static const int years3[] = { 2021, 2022, 2023 };

/* Row 4 of a sheet: base F, target G, years H:J, y K, A L, F M, τ N, p O, ρ P. */
static pe_xlsx_row row4(pe_kind kind, pe_direction dir, int has_base)
{
    pe_xlsx_row r;
    memset(&r, 0, sizeof r);
    r.row = 3;
    r.col_base = 5;
    r.col_target = 6;
    r.col_year0 = 7;
    r.years = years3;
    r.nyears = 3;
    r.base_year = 2020;
    r.col_y = 10;
    r.col_a = 11;
    r.col_f = 12;
    r.col_tau = 13;
    r.col_p = 14;
    r.col_rho = 15;
    r.kind = kind;
    r.dir = dir;
    r.has_base = has_base;
    return r;
}

typedef void (*builder)(pe_buf *, const pe_xlsx_row *);

static void expect(builder f, const pe_xlsx_row *r, const char *want)
{
    pe_buf b;
    pe_buf_init(&b);
    f(&b, r);
    assert_false(b.oom);
    assert_string_equal(b.s, want);
    pe_buf_release(&b);
}

static void test_f_latest(void **state)
{
    pe_xlsx_row r = row4(PE_KIND_LEVEL, PE_DIR_UP, 1);
    (void)state;
    expect(pe_xlsx_f_latest_year, &r,
           "=IF(ISNUMBER(J4),2023,IF(ISNUMBER(I4),2022,IF(ISNUMBER(H4),2021,\"\")))");
    expect(pe_xlsx_f_latest_actual, &r,
           "=IF(ISNUMBER(J4),J4,IF(ISNUMBER(I4),I4,IF(ISNUMBER(H4),H4,\"\")))");
    r.nyears = 0;
    expect(pe_xlsx_f_latest_year, &r, "=\"\"");
}

static void test_f_factor(void **state)
{
    pe_xlsx_row r = row4(PE_KIND_GROWTH, PE_DIR_UP, 0);
    (void)state;
    expect(pe_xlsx_f_factor, &r,
           "=IF(K4=\"\",\"\",(1+N(H4)/100)*(1+N(I4)/100)*(1+N(J4)/100))");
    r.base_year = 2021;     /* only years after the base year enter F */
    expect(pe_xlsx_f_factor, &r, "=IF(K4=\"\",\"\",(1+N(I4)/100)*(1+N(J4)/100))");
    r.base_year = 2023;
    expect(pe_xlsx_f_factor, &r, "=IF(K4=\"\",\"\",1)");
}

static void test_f_progress(void **state)
{
    pe_xlsx_row r = row4(PE_KIND_LEVEL, PE_DIR_UP, 1);
    (void)state;
    expect(pe_xlsx_f_time_progress, &r,
           "=(IF(K4=\"\",EvalYear,K4)-BaseYear)/(TargetYear-BaseYear)");
    expect(pe_xlsx_f_progress, &r, "=IF(K4=\"\",\"\",IFERROR((L4-F4)/(G4-F4),\"\"))");
    r.has_base = 0;
    expect(pe_xlsx_f_progress, &r, "=IF(K4=\"\",\"\",IFERROR(L4/G4,\"\"))");
    r.dir = PE_DIR_DOWN;
    expect(pe_xlsx_f_progress, &r,
           "=IF(K4=\"\",\"\",IFERROR(IF(L4<=G4,1,IF(L4>0,G4/L4,\"\")),\"\"))");
    r = row4(PE_KIND_GROWTH, PE_DIR_UP, 0);
    expect(pe_xlsx_f_progress, &r,
           "=IF(K4=\"\",\"\",IFERROR(LN(M4)/((TargetYear-BaseYear)*LN(1+G4/100)),\"\"))");
    expect(pe_xlsx_f_ratio, &r, "=IF(AND(ISNUMBER(O4),N(N4)>0),O4/N4,\"\")");
}

static void test_f_status(void **state)
{
    pe_xlsx_row r = row4(PE_KIND_LEVEL, PE_DIR_UP, 1);
    (void)state;
    expect(pe_xlsx_f_status, &r,
           "=IF(K4=\"\",\"暂无数据\",IF(L4>=G4,IF(K4<TargetYear,\"提前完成\",\"已完成\"),"
           "IF(K4>=TargetYear,\"未完成\",IF(P4=\"\",\"进展缓慢\",IF(P4>=AheadRatio,\"快于序时进度\","
           "IF(P4>=OnTrackRatio,\"符合序时进度\",IF(P4>=AtRiskRatio,\"滞后序时进度\","
           "\"进展缓慢\")))))))");
    r.dir = PE_DIR_DOWN;
    expect(pe_xlsx_f_status, &r,
           "=IF(K4=\"\",\"暂无数据\",IF(L4<=G4,IF(K4<TargetYear,\"提前完成\",\"已完成\"),"
           "IF(K4>=TargetYear,\"未完成\",IF(P4=\"\",\"进展缓慢\",IF(P4>=AheadRatio,\"快于序时进度\","
           "IF(P4>=OnTrackRatio,\"符合序时进度\",IF(P4>=AtRiskRatio,\"滞后序时进度\","
           "\"进展缓慢\")))))))");
    r = row4(PE_KIND_GROWTH, PE_DIR_UP, 0);
    expect(pe_xlsx_f_status, &r,
           "=IF(K4=\"\",\"暂无数据\",IF(IF(G4=0,M4>=1,N(O4)>=1),IF(K4<TargetYear,\"提前完成\","
           "\"已完成\"),IF(K4>=TargetYear,\"未完成\",IF(P4=\"\",\"进展缓慢\",IF(P4>=AheadRatio,\"快于序时进度\","
           "IF(P4>=OnTrackRatio,\"符合序时进度\",IF(P4>=AtRiskRatio,\"滞后序时进度\","
           "\"进展缓慢\")))))))");
}

static void test_f_needed(void **state)
{
    pe_xlsx_row r = row4(PE_KIND_LEVEL, PE_DIR_DOWN, 1);
    (void)state;
    expect(pe_xlsx_f_needed_delta, &r,
           "=IF(K4=\"\",\"\",IF(OR(L4<=G4,K4>=TargetYear),\"\",(G4-L4)/(TargetYear-K4)))");
    r.dir = PE_DIR_UP;
    expect(pe_xlsx_f_needed_rate, &r,
           "=IF(K4=\"\",\"\",IF(OR(L4>=G4,K4>=TargetYear),\"\",IFERROR(IF(AND(L4>0,G4>0),"
           "((G4/L4)^(1/(TargetYear-K4))-1)*100,\"\"),\"\")))");
    r = row4(PE_KIND_GROWTH, PE_DIR_UP, 0);
    expect(pe_xlsx_f_needed_rate, &r,
           "=IF(K4=\"\",\"\",IF(OR(IF(G4=0,M4>=1,N(O4)>=1),K4>=TargetYear),\"\","
           "IFERROR((((1+G4/100)^(TargetYear-BaseYear)/M4)^(1/(TargetYear-K4))-1)*100,\"\")))");
}

typedef void (*cbuilder)(pe_buf *, const pe_xlsx_county_row *);

static void expect_county(cbuilder f, const pe_xlsx_county_row *r, const char *want)
{
    pe_buf b;
    pe_buf_init(&b);
    f(&b, r);
    assert_false(b.oom);
    assert_string_equal(b.s, want);
    pe_buf_release(&b);
}

static void test_f_county(void **state)
{
    /* targets B:D, actuals E:G, 目标合计 H, 累计目标 I, 累计完成 J, 完成率 K */
    pe_xlsx_county_row r = { 4, 4, 4, 1, 4, 3, 7, 8, 9, 10, 0 };
    (void)state;
    expect_county(pe_xlsx_f_county_cum_target, &r, "=SUMPRODUCT(B5:D5,--ISNUMBER(E5:G5))");
    expect_county(pe_xlsx_f_county_rate, &r, "=IF(I5>0,J5/I5,\"\")");
    expect_county(pe_xlsx_f_county_status, &r,
                  "=IF(COUNT(E5:G5)=0,\"暂无数据\",IF(AND(H5>0,J5>=H5),"
                  "IF(SUMPRODUCT(ISNUMBER(B5:D5)*(1-ISNUMBER(E5:G5)))=0,\"已完成\",\"提前完成\"),"
                  "IF(K5=\"\",\"暂无数据\",IF(K5>=AheadRatio,\"快于序时进度\","
                  "IF(K5>=OnTrackRatio,\"符合序时进度\",IF(K5>=AtRiskRatio,\"滞后序时进度\","
                  "\"进展缓慢\"))))))");
    /* the 合计 row looks at every county row and has no “any actual” guard */
    r.row = 8;
    r.r2 = 7;
    r.total_row = 1;
    expect_county(pe_xlsx_f_county_status, &r,
                  "=IF(AND(H9>0,J9>=H9),"
                  "IF(SUMPRODUCT(ISNUMBER(B5:D8)*(1-ISNUMBER(E5:G8)))=0,\"已完成\",\"提前完成\"),"
                  "IF(K9=\"\",\"暂无数据\",IF(K9>=AheadRatio,\"快于序时进度\","
                  "IF(K9>=OnTrackRatio,\"符合序时进度\",IF(K9>=AtRiskRatio,\"滞后序时进度\","
                  "\"进展缓慢\")))))");
}

/* ---- pe_xlsx_check / pe_xlsx_write on a small hand-built model ---- */

static pe_model *small_model(void)
{
    pe_model *m = pe_model_new();
    pe_indicator_table *t;
    pe_indicator *ind;
    pe_diags d;

    assert_non_null(m);
    m->ini_path = "test.ini";
    m->title = "测试规划中期评估报告";
    m->issuer = "测试局";
    m->year = 2023;
    m->month = 8;
    m->day = 15;
    m->date_text = "2023年8月15日";
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    m->basename = "t";
    t = &m->indicators;
    t->file = "indicators.csv";
    t->title = "核心指标";
    t->nyears = 3;
    t->years = pe_arena_alloc(m->arena, 3 * sizeof(int));
    t->n = 1;
    t->items = pe_arena_alloc(m->arena, sizeof(pe_indicator));
    assert_non_null(t->years);
    assert_non_null(t->items);
    memcpy(t->years, years3, sizeof years3);
    ind = &t->items[0];
    ind->id = "1";
    ind->name = "=HYPERLINK(\"x\")";    /* CSV text that looks like a formula */
    ind->unit = "%";
    ind->kind = PE_KIND_LEVEL;
    ind->dir = PE_DIR_UP;
    ind->has_base = 1;
    ind->base = 10;
    ind->target = 20;
    ind->decimals = 1;
    ind->has_value = pe_arena_alloc(m->arena, 3 * sizeof(int));
    ind->value = pe_arena_alloc(m->arena, 3 * sizeof(double));
    assert_non_null(ind->has_value);
    assert_non_null(ind->value);
    ind->has_value[0] = ind->has_value[1] = 1;
    ind->value[0] = 12;
    ind->value[1] = 15;
    pe_diags_init(&d);
    pe_evaluate(m, &d);
    pe_diags_release(&d);
    return m;
}

static int diag_contains(const pe_diags *d, const char *needle)
{
    size_t i;
    for (i = 0; i < d->n; i++)
        if (strstr(d->items[i].msg, needle))
            return 1;
    return 0;
}

static void test_check_duplicate_annex(void **state)
{
    pe_model *m = small_model();
    pe_annex *a;
    pe_diags d;
    size_t i;
    (void)state;

    pe_diags_init(&d);
    assert_int_equal(pe_xlsx_check(m, &d), PE_OK);
    assert_int_equal(d.nerrors, 0);

    a = pe_arena_alloc(m->arena, 2 * sizeof(pe_annex));
    assert_non_null(a);
    for (i = 0; i < 2; i++) {
        a[i].number = 1;    /* two sheets named 附件1 */
        a[i].file = "a.csv";
        a[i].title = "附件";
    }
    m->annexes = a;
    m->nannexes = 2;
    assert_int_equal(pe_xlsx_check(m, &d), PE_ERR_INPUT);
    assert_true(diag_contains(&d, "附件1"));
    assert_true(diag_contains(&d, "重复"));
    pe_diags_release(&d);
    pe_model_free(m);
}

static int count_tmp_files(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(dp);
    while ((e = readdir(dp)) != NULL)
        if (strstr(e->d_name, ".tmp-"))
            n++;
    closedir(dp);
    return n;
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)*len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    return buf;
}

static void test_write_safely(void **state)
{
    pe_model *m = small_model();
    char dir[] = "/tmp/test_xlsx-XXXXXX", p1[256], p2[256];
    pe_xlsx_result res;
    pe_diags d;
    struct stat st;
    char *b1, *b2;
    long n1, n2;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(p1, sizeof p1, "%s/one.xlsx", dir);
    snprintf(p2, sizeof p2, "%s/two.xlsx", dir);
    pe_diags_init(&d);

    assert_int_equal(pe_xlsx_write(m, p1, 1692057600LL, &d, &res), PE_OK);
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(res.sheets, 3);    /* 填报说明, 核心指标, 核心指标进度图 */
    assert_int_equal(stat(p1, &st), 0);
    assert_int_equal((long)st.st_size, res.bytes);
    assert_int_equal(pe_xlsx_write(m, p2, 1692057600LL, &d, &res), PE_OK);
    assert_int_equal(count_tmp_files(dir), 0);

    b1 = slurp(p1, &n1);
    b2 = slurp(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, (size_t)n1);    /* deterministic bytes */
    assert_memory_equal(b1, "PK", 2);
    free(b1);
    free(b2);

    /* an output directory that does not exist: an error, nothing left behind */
    snprintf(p2, sizeof p2, "%s/missing/x.xlsx", dir);
    assert_int_equal(pe_xlsx_write(m, p2, 1692057600LL, &d, &res), PE_ERR_IO);
    assert_true(d.nerrors > 0);
    assert_true(diag_contains(&d, "临时文件"));
    assert_int_equal(count_tmp_files(dir), 0);

    unlink(p1);
    snprintf(p2, sizeof p2, "%s/two.xlsx", dir);
    unlink(p2);
    rmdir(dir);
    pe_diags_release(&d);
    pe_model_free(m);
}

/* ---- printed pages ---- */

static void test_page_breaks(void **state)
{
    /* 3 key columns of 10, then eight of 20: each 20-unit column prints
     * 7.0·20 + 5 = 145 pt; the key columns 3·75 = 225 pt */
    double w[11] = { 10, 10, 10, 20, 20, 20, 20, 20, 20, 20, 20 };
    unsigned char force[11] = { 0 };
    size_t brk[8], nb;
    (void)state;
    assert_near(pe_xlsx_col_points(10.0), 75.0);
    /* 225 + 3·145 = 660 ≤ 700 < 805: three columns a page */
    nb = pe_xlsx_page_breaks(w, 11, 3, NULL, 700.0, brk, 8);
    assert_int_equal(nb, 2);
    assert_int_equal(brk[0], 6);
    assert_int_equal(brk[1], 9);
    /* a forced break starts a page early; a column wider than a page still
     * gets a page of its own (never an empty page) */
    force[4] = 1;
    nb = pe_xlsx_page_breaks(w, 11, 3, force, 700.0, brk, 8);
    assert_int_equal(nb, 3);
    assert_int_equal(brk[0], 4);
    assert_int_equal(brk[1], 7);
    assert_int_equal(brk[2], 10);
    nb = pe_xlsx_page_breaks(w, 11, 3, NULL, 100.0, brk, 8);
    assert_int_equal(nb, 7);                    /* every data column alone */
    assert_int_equal(brk[0], 4);
    /* everything fits: no break; cap bounds what is written */
    assert_int_equal(pe_xlsx_page_breaks(w, 11, 3, NULL, 5000.0, brk, 8), 0);
    assert_int_equal(pe_xlsx_page_breaks(w, 11, 3, NULL, 100.0, brk, 2), 7);
    /* A4 landscape at 85 % holds more than portrait */
    assert_true(pe_xlsx_page_points(1) > pe_xlsx_page_points(0));
    assert_true(pe_xlsx_page_height_points(0) > pe_xlsx_page_height_points(1));
}

static void test_keep_tail(void **state)
{
    /* rows 0–1 title and header (header repeated), data rows 2–9, tail 10–11 */
    double h[12] = { 30, 20, 10, 10, 10, 10, 10, 10, 10, 10, 15, 15 };
    (void)state;
    /* 130 of rows fit before the tail; a 140-pt page would start a page
     * with the tail alone: carry data rows 8–9 over */
    assert_int_equal(pe_xlsx_keep_tail(h, 12, 1, 1, 10, 2, 140.0), 8);
    /* a page that holds everything, or breaks among the data: no break */
    assert_int_equal(pe_xlsx_keep_tail(h, 12, 1, 1, 10, 2, 500.0), 0);
    assert_int_equal(pe_xlsx_keep_tail(h, 12, 1, 1, 10, 2, 100.0), 0);
    /* no tail, or a tail without data rows before it */
    assert_int_equal(pe_xlsx_keep_tail(h, 12, 1, 1, 0, 2, 140.0), 0);
    assert_int_equal(pe_xlsx_keep_tail(h, 12, 1, 1, 12, 2, 140.0), 0);
}

/* ---- 数据检查 ---- */

static void test_f_check(void **state)
{
    static const int years[] = { 2021, 2022, 2023 };
    pe_xlsx_check_row r;
    pe_buf b;
    int has[3] = { 1, 0, 1 };
    double v[3] = { 8.0, 0.0, 9.0 };
    (void)state;

    memset(&r, 0, sizeof r);
    r.row = 4;
    r.col_year0 = 4;            /* E..G */
    r.col_base = 2;
    r.col_target = 3;
    r.years = years;
    r.nyears = 3;
    r.base_year = 2020;
    r.series = 1;
    r.nonneg = 1;
    r.outliers = 1;
    r.col_scale = PE_XLSX_NOCOL;
    pe_buf_init(&b);
    pe_xlsx_f_check(&b, &r);
    assert_false(b.oom);
    assert_non_null(strstr(b.s, "=IF(ISTEXT(E5),\"2021年" PE_XLSX_CHECK_TEXT "\""));
    assert_non_null(strstr(b.s, "IF(E5<0,\"2021年" PE_XLSX_CHECK_NEGATIVE "\""));
    assert_non_null(strstr(b.s, "ABS(MEDIAN(E5:G5))"));
    assert_non_null(strstr(b.s, "IF(AND(COUNT(E5:E5)>0,COUNT(G5:G5)>0),\"2022年" PE_XLSX_CHECK_GAP));
    pe_buf_release(&b);
    /* the scale in a cell of its own: referenced, and 0 with no year filled in */
    r.col_scale = 30;
    pe_buf_init(&b);
    pe_xlsx_f_check(&b, &r);
    assert_null(strstr(b.s, "MEDIAN"));
    assert_non_null(strstr(b.s, "IF(AND(AE5>0,E5<>0,OR(ABS(E5)>20*AE5,ABS(E5)*20<AE5))"));
    pe_buf_release(&b);
    pe_buf_init(&b);
    pe_xlsx_f_check_scale(&b, &r);
    assert_string_equal(b.s, "=MAX(ABS(N(C5)),ABS(N(D5)),IFERROR(ABS(MEDIAN(E5:G5)),0))");
    r.col_scale = PE_XLSX_NOCOL;
    /* a gap is only a gap between two years: none for the first or last */
    assert_null(strstr(b.s, "\"2021年" PE_XLSX_CHECK_GAP));
    assert_null(strstr(b.s, "\"2023年" PE_XLSX_CHECK_GAP));
    pe_buf_release(&b);

    /* the cached value: the gap in 2022, nothing else (R = max(|10|, |20|, 8.5)) */
    pe_buf_init(&b);
    pe_buf_puts(&b, "");
    assert_true(pe_xlsx_check_text(&b, &r, has, v, 1, 10.0, 1, 20.0, 5.0));
    assert_string_equal(b.s, "2022年" PE_XLSX_CHECK_GAP);
    pe_buf_release(&b);

    /* 0.6% typed as 0.006 next to 0.31 and 0.38, base 0.14, target 1.01 */
    has[1] = 1;
    v[0] = 0.31;
    v[1] = 0.38;
    v[2] = 0.006;
    pe_buf_init(&b);
    pe_buf_puts(&b, "");
    assert_true(pe_xlsx_check_text(&b, &r, has, v, 1, 0.14, 1, 1.01, 5.0));
    assert_string_equal(b.s, "2023年" PE_XLSX_CHECK_OUTLIER);
    pe_buf_release(&b);

    /* a negative count; a total target compared per year (300/5 = 60) */
    v[0] = 50;
    v[1] = 70;
    v[2] = -3;
    r.series = 0;
    r.target_is_total = 1;
    pe_buf_init(&b);
    pe_buf_puts(&b, "");
    assert_true(pe_xlsx_check_text(&b, &r, has, v, 0, 0.0, 1, 300.0, 5.0));
    assert_string_equal(b.s, "2023年" PE_XLSX_CHECK_NEGATIVE);
    pe_buf_release(&b);
}

/* The formulas of the kinds of issue 10: S, C, the bound and milestone tests,
 * the judgement and 较上年 (row4: years in H–J, y K, A L, F M, τ N, p O, ρ P;
 * here S/C in Q and the judgement in R). */
static void test_f_kinds(void **state)
{
    pe_xlsx_row r = row4(PE_KIND_CUMULATIVE, PE_DIR_UP, 0);
    pe_buf b;
    (void)state;
    r.col_s = 16;
    r.col_j = 17;
    expect(pe_xlsx_f_sum, &r, "=IF(K4=\"\",\"\",N(H4)+N(I4)+N(J4))");
    expect(pe_xlsx_f_progress, &r, "=IF(K4=\"\",\"\",IFERROR(IF(G4>0,Q4/G4,\"\"),\"\"))");
    expect(pe_xlsx_f_needed_delta, &r,
           "=IF(K4=\"\",\"\",IF(OR(Q4>=G4,K4>=TargetYear),\"\",(G4-Q4)/(TargetYear-K4)))");

    r.kind = PE_KIND_REDUCTION;
    expect(pe_xlsx_f_reduced, &r,
           "=IF(K4=\"\",\"\",(1-(1-N(H4)/100)*(1-N(I4)/100)*(1-N(J4)/100))*100)");
    expect(pe_xlsx_f_progress, &r,
           "=IF(K4=\"\",\"\",IFERROR(IF(G4=0,\"\",LN(1-Q4/100)/LN(1-G4/100)),\"\"))");
    expect(pe_xlsx_f_needed_rate, &r,
           "=IF(K4=\"\",\"\",IF(OR(IF(G4=0,Q4>=0,N(O4)>=1-1E-9),K4>=TargetYear),\"\","
           "IFERROR((1-((1-G4/100)/(1-Q4/100))^(1/(TargetYear-K4)))*100,\"\")))");

    r.kind = PE_KIND_CEILING;
    expect(pe_xlsx_f_status, &r,
           "=IF(K4=\"\",\"暂无数据\",IF(L4<=G4,IF(K4<TargetYear,\"符合序时进度\",\"已完成\"),"
           "IF(K4<TargetYear,\"滞后序时进度\",\"未完成\")))");
    r.kind = PE_KIND_FLOOR;
    expect(pe_xlsx_f_status, &r,
           "=IF(K4=\"\",\"暂无数据\",IF(L4>=G4,IF(K4<TargetYear,\"符合序时进度\",\"已完成\"),"
           "IF(K4<TargetYear,\"滞后序时进度\",\"未完成\")))");
    r.kind = PE_KIND_MILESTONE;
    expect(pe_xlsx_f_status, &r,
           "=IF(K4=\"\",\"暂无数据\",IF(OR(N(H4)<>0,N(I4)<>0,N(J4)<>0),"
           "IF(K4<TargetYear,\"提前完成\",\"已完成\"),IF(K4<TargetYear,\"滞后序时进度\",\"未完成\")))");
    r.kind = PE_KIND_QUALITATIVE;
    expect(pe_xlsx_f_status, &r, "=IF(R4=\"\",\"暂无数据\",R4)");

    /* the year before: only the years before this year's y (K4) count */
    r = row4(PE_KIND_CUMULATIVE, PE_DIR_UP, 0);
    r.prev = 1;
    r.col_y_now = 10;
    r.col_y = 20;       /* U: the year before's y */
    r.col_s = 21;
    expect(pe_xlsx_f_latest_year, &r,
           "=IF(K4=\"\",\"\",IF(AND(ISNUMBER(J4),2023<K4),2023,IF(AND(ISNUMBER(I4),2022<K4),2022,"
           "IF(AND(ISNUMBER(H4),2021<K4),2021,\"\"))))");
    expect(pe_xlsx_f_sum, &r,
           "=IF(U4=\"\",\"\",IF(2021<K4,N(H4),0)+IF(2022<K4,N(I4),0)+IF(2023<K4,N(J4),0))");

    pe_buf_init(&b);
    pe_xlsx_f_final_status(&b, 3, 17, 15);
    assert_string_equal(b.s, "=IF(R4<>\"\",R4,P4)");
    pe_buf_release(&b);

    pe_buf_init(&b);
    pe_xlsx_f_change(&b, 3, 10, 20, 18, 22);
    assert_string_equal(b.s,
        "=IF(K4=\"\",\"—\",IF(U4=\"\",\"新增数据\",IF(IFERROR(VLOOKUP(S4,StatusRank,2,FALSE),-1)<0,"
        "\"—\",IF(IFERROR(VLOOKUP(S4,StatusRank,2,FALSE),-1)>IFERROR(VLOOKUP(W4,StatusRank,2,FALSE),-1),"
        "\"好转\",IF(IFERROR(VLOOKUP(S4,StatusRank,2,FALSE),-1)<IFERROR(VLOOKUP(W4,StatusRank,2,FALSE),-1),"
        "\"下滑\",\"持平\")))))");
    pe_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_col_width),
        cmocka_unit_test(test_wrap_lines),
        cmocka_unit_test(test_sheet_names),
        cmocka_unit_test(test_col_name),
        cmocka_unit_test(test_f_latest),
        cmocka_unit_test(test_f_factor),
        cmocka_unit_test(test_f_progress),
        cmocka_unit_test(test_f_status),
        cmocka_unit_test(test_f_needed),
        cmocka_unit_test(test_f_county),
        cmocka_unit_test(test_check_duplicate_annex),
        cmocka_unit_test(test_write_safely),
        cmocka_unit_test(test_page_breaks),
        cmocka_unit_test(test_keep_tail),
        cmocka_unit_test(test_f_check),
        cmocka_unit_test(test_f_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
