/* collect.c — `planeval collect`: one fill-in workbook per 牵头部门 with that
 * department's indicators and targets, the years so far and the year being
 * collected as unlocked, validated input cells, everything else locked, a
 * 填报说明 sheet and the hidden identification (pe_collect.h). */
#include "pe_collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print and layout of the collect sheets: A4 landscape (paper 9), body type
 * 11 pt, scaled to the page width no further than PRINT_MIN_SCALE so that no
 * printed text is under 9 pt (11 × 0.82 = 9.0). */
enum {
    PAPER_A4 = 9,
    FONT_SIZE = 11,
    TITLE_SIZE = 14,
    PRINT_MIN_SCALE = 82,
    ROW_TITLE = 0,
    ROW_INFO = 1,
    ROW_HEADER = 2,
    ROW_FIRST = 3
};
/* Printable width of A4 landscape with 0.4" side margins at 100 %, in Excel
 * column-width units as LibreOffice 7.4 prints them with the CJK default font
 * (measured: 106 units fit, 117 do not). */
#define PRINT_WIDTH_CHARS 105.0

#define W_ID 6.0
#define W_NAME 24.0
#define W_UNIT 8.0
#define W_KIND 8.0
#define W_NUM 9.0
#define W_YEAR 9.0
#define W_TEXT 12.0
#define ROW_LINE_PT 15.0     /* height of one wrapped line of 11 pt text */
#define CJK_UNITS 1.8        /* width units of one CJK character (Excel 2.0, LibreOffice 1.6) */
#define W_GUIDE 70.0         /* the 填报说明 column: A4 portrait */

typedef struct {
    const pe_model *m;
    lxw_workbook *wb;
    pe_ident *id;
    int year;
    lxw_format *f_title, *f_info, *f_head, *f_text, *f_num, *f_input, *f_input_text, *f_label;
    lxw_error err;
    int oom;
} cctx;

static void note(cctx *c, lxw_error e)
{
    if (e != LXW_NO_ERROR && c->err == LXW_NO_ERROR)
        c->err = e;
}

int pe_collect_year(const pe_model *m)
{
    return m->eval_year;
}

static const char *kind_word(pe_kind k)
{
    return pe_kind_name(k);
}

/* The plausible range of a year's actual (SPEC §3.2): a level in % lies in
 * 0–100, a yearly growth rate above −100 %, a count or amount ≥ 0. */
static void value_range(const pe_indicator *ind, double *lo, double *hi, int *has_hi)
{
    *has_hi = 0;
    *hi = 0;
    if (ind->kind == PE_KIND_GROWTH) {
        *lo = -99.99;
        *hi = 10000;
        *has_hi = 1;
    } else if (ind->kind == PE_KIND_MILESTONE) {
        *lo = 0;        /* 1 achieved, 0 not yet */
        *hi = 1;
        *has_hi = 1;
    } else if (ind->kind == PE_KIND_REDUCTION) {
        *lo = -100;     /* a yearly reduction rate in %: below 100 */
        *hi = 99.99;
        *has_hi = 1;
    } else if (strcmp(ind->unit, "%") == 0) {
        *lo = 0;
        *hi = 100;
        *has_hi = 1;
    } else {
        *lo = 0;
    }
}

static void formats_init(cctx *c)
{
    lxw_workbook *wb = c->wb;
    c->f_title = workbook_add_format(wb);
    format_set_bold(c->f_title);
    format_set_font_size(c->f_title, TITLE_SIZE);
    format_set_align(c->f_title, LXW_ALIGN_CENTER);
    format_set_align(c->f_title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(c->f_title);
    c->f_info = workbook_add_format(wb);
    format_set_font_size(c->f_info, FONT_SIZE);
    format_set_text_wrap(c->f_info);
    format_set_align(c->f_info, LXW_ALIGN_VERTICAL_TOP);
    c->f_head = workbook_add_format(wb);
    format_set_bold(c->f_head);
    format_set_font_size(c->f_head, FONT_SIZE);
    format_set_text_wrap(c->f_head);
    format_set_align(c->f_head, LXW_ALIGN_CENTER);
    format_set_align(c->f_head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(c->f_head, LXW_BORDER_THIN);
    format_set_bg_color(c->f_head, 0xD9D9D9);
    c->f_text = workbook_add_format(wb);
    format_set_font_size(c->f_text, FONT_SIZE);
    format_set_text_wrap(c->f_text);
    format_set_align(c->f_text, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(c->f_text, LXW_BORDER_THIN);
    c->f_num = workbook_add_format(wb);
    format_set_font_size(c->f_num, FONT_SIZE);
    format_set_align(c->f_num, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(c->f_num, LXW_BORDER_THIN);
    c->f_label = workbook_add_format(wb);
    format_set_font_size(c->f_label, FONT_SIZE);
    format_set_bold(c->f_label);
    format_set_align(c->f_label, LXW_ALIGN_RIGHT);
    format_set_align(c->f_label, LXW_ALIGN_VERTICAL_CENTER);
    /* input cells: one light fill, unlocked */
    c->f_input = workbook_add_format(wb);
    format_set_font_size(c->f_input, FONT_SIZE);
    format_set_align(c->f_input, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(c->f_input, LXW_BORDER_THIN);
    format_set_bg_color(c->f_input, 0xFFF2CC);
    format_set_unlocked(c->f_input);
    c->f_input_text = workbook_add_format(wb);
    format_set_font_size(c->f_input_text, FONT_SIZE);
    format_set_align(c->f_input_text, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(c->f_input_text);
    format_set_border(c->f_input_text, LXW_BORDER_THIN);
    format_set_bg_color(c->f_input_text, 0xFFF2CC);
    format_set_unlocked(c->f_input_text);
    format_set_num_format(c->f_input_text, "@");
    if (!c->f_title || !c->f_info || !c->f_head || !c->f_text || !c->f_num || !c->f_label ||
        !c->f_input || !c->f_input_text)
        c->oom = 1;
}

static void locked_str(cctx *c, lxw_worksheet *ws, unsigned r, unsigned col, const char *s,
                       lxw_format *f)
{
    note(c, pe_ident_write_string(c->id, ws, r, col, s ? s : "", f));
}

static void locked_num(cctx *c, lxw_worksheet *ws, unsigned r, unsigned col, double v,
                       lxw_format *f)
{
    note(c, pe_ident_write_number(c->id, ws, r, col, v, f));
}

/* A number input cell with its validation: Chinese prompt and error message. */
static void number_input(cctx *c, lxw_worksheet *ws, unsigned r, unsigned col,
                         const pe_indicator *ind, int has_value, double value)
{
    char msg[256];
    double lo, hi;
    int has_hi;
    lxw_data_validation dv;

    if (has_value)
        note(c, worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)col, value, c->f_input));
    else
        note(c, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)col, c->f_input));
    value_range(ind, &lo, &hi, &has_hi);
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
    if (has_hi) {
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = lo;
        dv.maximum_number = hi;
    } else {
        dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        dv.value_number = lo;
    }
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    dv.input_title = (char *)"请填写数值";
    if (ind->kind == PE_KIND_GROWTH)
        snprintf(msg, sizeof msg, "填写当年增长率（%%）的数值，如增长 8.5%% 填 8.5，不带单位和文字。");
    else if (ind->kind == PE_KIND_MILESTONE)
        snprintf(msg, sizeof msg, "节点目标：已实现填 1，尚未实现填 0。");
    else if (ind->kind == PE_KIND_REDUCTION)
        snprintf(msg, sizeof msg, "填写当年降低率（%%）的数值，如降低 2.7%% 填 2.7，须小于 100。");
    else if (has_hi)
        snprintf(msg, sizeof msg, "单位：%s。填写 %g 至 %g 之间的数值，如 0.54%% 填 0.54，不带单位和文字。",
                 ind->unit, lo, hi);
    else
        snprintf(msg, sizeof msg, "单位：%s。填写不小于 0 的数值，不带单位和文字。", ind->unit);
    dv.input_message = msg;
    dv.error_title = (char *)"数值不符合要求";
    if (ind->kind == PE_KIND_GROWTH)
        dv.error_message = (char *)"增长率须为大于 -100 的数值（单位 %），请只填写数字。";
    else if (ind->kind == PE_KIND_MILESTONE)
        dv.error_message = (char *)"节点目标只能填 1（已实现）或 0（尚未实现）。";
    else if (ind->kind == PE_KIND_REDUCTION)
        dv.error_message = (char *)"降低率须为小于 100 的数值（单位 %），请只填写数字。";
    else if (has_hi)
        dv.error_message = (char *)"该指标单位为 %，须填写 0 至 100 之间的数值，请只填写数字。";
    else
        dv.error_message = (char *)"该指标须填写不小于 0 的数值，请只填写数字，不带单位。";
    note(c, worksheet_data_validation_cell(ws, (lxw_row_t)r, (lxw_col_t)col, &dv));
}

static void text_input(cctx *c, lxw_worksheet *ws, unsigned r, unsigned col)
{
    note(c, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)col, c->f_input_text));
}

static void set_col(cctx *c, lxw_worksheet *ws, unsigned col, double w)
{
    note(c, worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, w, NULL));
}

/* The 填报单位/填报人/联系电话/填报日期/审核人 block below the table, from row r. */
static void contact_block(cctx *c, lxw_worksheet *ws, unsigned r, unsigned last_col)
{
    static const char *const labels[] = { "填报单位", "填报人", "联系电话", "填报日期", "审核人" };
    unsigned in_last = last_col > 5 ? 5 : last_col;
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++, r++) {
        locked_str(c, ws, r, 1, labels[i], c->f_label);
        if (in_last > 2)
            note(c, worksheet_merge_range(ws, (lxw_row_t)r, 2, (lxw_row_t)r, (lxw_col_t)in_last, "",
                                          c->f_input_text));
        else
            text_input(c, ws, r, 2);
        if (pe_ident_add_input(c->id, ws, r, 2, PE_ID_CONTACT, NULL, NULL, 0, labels[i]) != 0)
            c->oom = 1;
    }
}

/* One input sheet: the department's rows of table `t`. */
static void table_sheet(cctx *c, const pe_indicator_table *t, const char *sheet,
                        const char *dept, const size_t *rows, size_t nrows)
{
    const pe_model *m = c->m;
    lxw_worksheet *ws = workbook_add_worksheet(c->wb, sheet);
    char buf[512];
    if (!ws) {
        c->oom = 1;
        return;
    }
    int nyears = c->year - m->base_year;
    unsigned col_year0 = 6, col_src = col_year0 + (unsigned)nyears, col_note = col_src + 1;
    double width = W_ID + W_NAME + W_UNIT + W_KIND + 2 * W_NUM + nyears * W_YEAR + 2 * W_TEXT;

    /* columns */
    set_col(c, ws, 0, W_ID);
    set_col(c, ws, 1, W_NAME);
    set_col(c, ws, 2, W_UNIT);
    set_col(c, ws, 3, W_KIND);
    set_col(c, ws, 4, W_NUM);
    set_col(c, ws, 5, W_NUM);
    for (int k = 0; k < nyears; k++)
        set_col(c, ws, col_year0 + (unsigned)k, W_YEAR);
    set_col(c, ws, col_src, W_TEXT);
    set_col(c, ws, col_note, W_TEXT);

    /* title and information lines (outside the data range: merged is fine) */
    snprintf(buf, sizeof buf, "%s数据填报表", t->title ? t->title : sheet);
    note(c, worksheet_merge_range(ws, ROW_TITLE, 0, ROW_TITLE, (lxw_col_t)col_note, "", c->f_title));
    locked_str(c, ws, ROW_TITLE, 0, buf, c->f_title);
    snprintf(buf, sizeof buf, "填报单位：%s　　填报年份：%d年　　只填写浅黄色单元格，说明见“填报说明”工作表",
             dept, c->year);
    note(c, worksheet_merge_range(ws, ROW_INFO, 0, ROW_INFO, (lxw_col_t)col_note, "", c->f_info));
    locked_str(c, ws, ROW_INFO, 0, buf, c->f_info);
    note(c, worksheet_set_row(ws, ROW_TITLE, 24, NULL));

    /* header */
    locked_str(c, ws, ROW_HEADER, 0, "序号", c->f_head);
    locked_str(c, ws, ROW_HEADER, 1, "指标名称", c->f_head);
    locked_str(c, ws, ROW_HEADER, 2, "单位", c->f_head);
    locked_str(c, ws, ROW_HEADER, 3, "类型", c->f_head);
    snprintf(buf, sizeof buf, "基期值（%d年）", m->base_year);
    locked_str(c, ws, ROW_HEADER, 4, buf, c->f_head);
    snprintf(buf, sizeof buf, "目标值（%d年）", m->target_year);
    locked_str(c, ws, ROW_HEADER, 5, buf, c->f_head);
    for (int k = 0; k < nyears; k++) {
        int y = m->base_year + 1 + k;
        if (y == c->year)
            snprintf(buf, sizeof buf, "%d年（本次填报）", y);
        else
            snprintf(buf, sizeof buf, "%d年", y);
        locked_str(c, ws, ROW_HEADER, col_year0 + (unsigned)k, buf, c->f_head);
    }
    locked_str(c, ws, ROW_HEADER, col_src, "数据来源", c->f_head);
    locked_str(c, ws, ROW_HEADER, col_note, "备注", c->f_head);
    note(c, worksheet_set_row(ws, ROW_HEADER, 32, NULL));

    /* rows */
    unsigned r = ROW_FIRST;
    for (size_t i = 0; i < nrows; i++, r++) {
        const pe_indicator *ind = &t->items[rows[i]];
        /* wrapped names: 2 width units per CJK character, 1 otherwise */
        double name_w = (double)pe_utf8_width(ind->name) * CJK_UNITS / 2.0;
        int lines = (int)((name_w + W_NAME - 2.0) / (W_NAME - 1.0));
        if (lines > 1)
            note(c, worksheet_set_row(ws, (lxw_row_t)r, ROW_LINE_PT * lines, NULL));
        locked_str(c, ws, r, 0, ind->id, c->f_text);
        locked_str(c, ws, r, 1, ind->name, c->f_text);
        locked_str(c, ws, r, 2, ind->unit, c->f_text);
        locked_str(c, ws, r, 3, kind_word(ind->kind), c->f_text);
        if (ind->has_base)
            locked_num(c, ws, r, 4, ind->base, c->f_num);
        else
            locked_str(c, ws, r, 4, "", c->f_num);
        locked_num(c, ws, r, 5, ind->target, c->f_num);
        for (int k = 0; k < nyears; k++) {
            int y = m->base_year + 1 + k, has = 0;
            double v = 0;
            for (size_t j = 0; j < t->nyears; j++)
                if (t->years[j] == y && ind->has_value[j]) {
                    has = 1;
                    v = ind->value[j];
                }
            unsigned col = col_year0 + (unsigned)k;
            number_input(c, ws, r, col, ind, has, v);
            if (pe_ident_add_input(c->id, ws, r, col, PE_ID_ACTUAL, t->key, ind->id, y, NULL) != 0)
                c->oom = 1;
        }
        text_input(c, ws, r, col_src);
        text_input(c, ws, r, col_note);
        if (pe_ident_add_input(c->id, ws, r, col_src, PE_ID_SOURCE, t->key, ind->id, 0, NULL) != 0 ||
            pe_ident_add_input(c->id, ws, r, col_note, PE_ID_NOTE, t->key, ind->id, 0, NULL) != 0)
            c->oom = 1;
    }
    contact_block(c, ws, r + 1, col_note);

    /* print: A4 landscape, header rows repeated, fit to the width no smaller than 9 pt */
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    note(c, worksheet_repeat_rows(ws, ROW_HEADER, ROW_HEADER));
    note(c, worksheet_print_area(ws, 0, 0, (lxw_row_t)(r + 5), (lxw_col_t)col_note));
    if (100.0 * PRINT_WIDTH_CHARS / width >= PRINT_MIN_SCALE) {
        worksheet_fit_to_pages(ws, 1, 0);
    } else {
        /* too wide for one page at 9 pt: print at the smallest readable scale,
         * pages side by side, each repeating 序号 and 指标名称 */
        worksheet_set_print_scale(ws, PRINT_MIN_SCALE);
        note(c, worksheet_repeat_columns(ws, 0, 1));
    }
    note(c, worksheet_set_footer(ws, "&C第 &P 页，共 &N 页"));
    worksheet_freeze_panes(ws, ROW_FIRST, 2);
    worksheet_protect(ws, NULL, NULL);
}

static void guide_sheet(cctx *c, const char *dept)
{
    const pe_model *m = c->m;
    lxw_worksheet *ws = workbook_add_worksheet(c->wb, "填报说明");
    if (!ws) {
        c->oom = 1;
        return;
    }
    set_col(c, ws, 0, W_GUIDE);
    const char *issuer = m->issuer ? m->issuer : "规划编制部门";
    const char *lines[9];
    char l[9][1024];
    snprintf(l[0], sizeof l[0], "%s数据填报说明", m->title ? m->title : "");
    snprintf(l[1], sizeof l[1], "一、本表由%s制发，用于收集规划指标%d年完成情况。请%s填写本部门牵头的指标。", issuer,
             c->year, dept);
    snprintf(l[2], sizeof l[2],
             "二、请只在浅黄色单元格中填写：“%d年（本次填报）”列填写当年实际值；往年数据如有错误，可在对应年份单元格中直接更正；"
             "“数据来源”填写统计口径或资料来源；“备注”填写需要说明的情况。单元格留空表示暂无数据，不会删除已有数据。",
             c->year);
    snprintf(l[3], sizeof l[3],
             "三、数值只填写数字，不带单位和文字。单位为“%%”的指标填写百分数的数值，如 0.54%% 填 0.54，须在 0 至 100 之间；"
             "“年均增长”类指标填写当年增长率（%%），如增长 8.5%% 填 8.5；数量、金额类指标不能为负数。");
    snprintf(l[4], sizeof l[4],
             "四、序号、指标名称、单位、目标值等白色单元格已锁定，不能修改。工作表保护未设密码，确需调整格式时可在“审阅—撤销工作表保护”中解除，"
             "但请勿改动锁定的内容，否则本表将无法导入。");
    snprintf(l[5], sizeof l[5], "五、请在表格下方填写填报单位、填报人、联系电话、填报日期和审核人。");
    snprintf(l[6], sizeof l[6],
             "六、请勿增删行列、修改工作表名称或删除隐藏的工作表；填好后以 .xlsx 格式保存，报送%s。", issuer);
    snprintf(l[7], sizeof l[7], "七、填报中如有疑问，请与%s联系。", issuer);
    snprintf(l[8], sizeof l[8], "%s", m->date_text ? m->date_text : "");
    for (int i = 0; i < 9; i++)
        lines[i] = l[i];
    /* rows tall enough for the wrapped text (width units per line: W_GUIDE) */
    for (unsigned i = 0; i < 9; i++) {
        double per_line = i == 0 ? W_GUIDE * FONT_SIZE / TITLE_SIZE : W_GUIDE;
        double w = (double)pe_utf8_width(lines[i]) * CJK_UNITS / 2.0;
        int nl = (int)((w + per_line - 2.0) / (per_line - 1.0));
        double line_pt = i == 0 ? ROW_LINE_PT * TITLE_SIZE / FONT_SIZE : ROW_LINE_PT;
        unsigned row = i == 0 ? 0 : i + 1;
        locked_str(c, ws, row, 0, lines[i], i == 0 ? c->f_title : c->f_info);
        note(c, worksheet_set_row(ws, (lxw_row_t)row, line_pt * (nl < 1 ? 1 : nl) + 4, NULL));
    }
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_margins(ws, 0.7, 0.7, 0.8, 0.8);
    note(c, worksheet_print_area(ws, 0, 0, 9, 0));
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_protect(ws, NULL, NULL);
}

/* Writes one department's workbook to `path`. */
static pe_status write_one(const pe_model *m, const char *dept, const char *path,
                           long long timestamp, const size_t *rows_i, size_t ni,
                           const size_t *rows_t, size_t nt, pe_diags *d, long *bytes)
{
    pe_outfile out = { NULL, NULL };
    pe_status st;
    lxw_workbook_options opt;
    lxw_doc_properties p;
    cctx c;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.year = pe_collect_year(m);
    st = pe_outfile_begin(&out, path, d);
    if (st != PE_OK)
        return st;
    memset(&opt, 0, sizeof opt);
    c.wb = workbook_new_opt(out.tmp, &opt);
    c.id = pe_ident_new(m, dept, c.year);
    if (!c.wb || !c.id) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    memset(&p, 0, sizeof p);
    char title[512];
    snprintf(title, sizeof title, "%s数据收集表（%s）", m->title ? m->title : "", dept);
    p.title = title;
    p.subject = (char *)"规划指标数据收集";
    p.author = (char *)m->issuer;
    p.company = (char *)m->issuer;
    p.comments = (char *)"由 planeval collect 生成；填好后请原样报送，由 planeval merge 导入。";
    p.created = (time_t)(timestamp > 0 ? timestamp : 1);
    note(&c, workbook_set_properties(c.wb, &p));
    formats_init(&c);
    if (!c.oom) {
        if (ni)
            table_sheet(&c, &m->indicators, "核心指标", dept, rows_i, ni);
        if (nt)
            table_sheet(&c, &m->targets, "量化目标", dept, rows_t, nt);
        guide_sheet(&c, dept);
        note(&c, pe_ident_write(c.id, c.wb));
    }
    if (c.oom) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    if (c.err != LXW_NO_ERROR) {
        pe_error(d, ((pe_src){ path, 0, 0 }), "生成收集表时出错：%s", lxw_strerror(c.err));
        st = PE_ERR_IO;
        goto cleanup;
    }
    lxw_error e = workbook_close(c.wb);
    c.wb = NULL;
    if (e != LXW_NO_ERROR) {
        pe_error(d, ((pe_src){ path, 0, 0 }), "写入收集表失败：%s", lxw_strerror(e));
        st = PE_ERR_IO;
        goto cleanup;
    }
    st = pe_outfile_commit(&out, d, bytes);

cleanup:
    if (c.wb)
        lxw_workbook_free(c.wb);
    pe_ident_free(c.id);
    pe_outfile_abort(&out);
    return st;
}

static const char *dept_of(const pe_indicator *ind)
{
    return ind->dept && *ind->dept ? ind->dept : PE_COLLECT_NO_DEPT;
}

/* A department name usable as part of a file name, else a Chinese reason. */
static const char *dept_name_problem(const char *s)
{
    if (strlen(s) > 150)
        return "太长（超过 150 字节）";
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return "不能是“.”或“..”";
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || strchr(":*?\"<>|", *p))
            return "含有不能用于文件名的字符（/ \\ : * ? \" < > | 或控制字符）";
    return NULL;
}

pe_status pe_collect_write(const pe_model *m, const char *dir, long long timestamp,
                           pe_diags *d, pe_collect_result *res)
{
    const pe_indicator_table *tabs[2] = { &m->indicators, &m->targets };
    const char **depts = NULL;
    size_t ndepts = 0, *ri = NULL, *rt = NULL, nodept = 0;
    char **written = NULL;
    size_t nwritten = 0;
    pe_status st = PE_OK;
    size_t total = m->indicators.n + m->targets.n;

    if (res)
        memset(res, 0, sizeof *res);
    depts = calloc(total + 1, sizeof *depts);
    ri = calloc(m->indicators.n + 1, sizeof *ri);
    rt = calloc(m->targets.n + 1, sizeof *rt);
    written = calloc(total + 1, sizeof *written);
    if (!depts || !ri || !rt || !written) {
        st = PE_ERR_NOMEM;
        goto cleanup;
    }
    /* departments in order of first appearance */
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < tabs[k]->n; i++) {
            const pe_indicator *ind = &tabs[k]->items[i];
            const char *dp = dept_of(ind);
            size_t j;
            if (!ind->dept || !*ind->dept)
                nodept++;
            for (j = 0; j < ndepts; j++)
                if (strcmp(depts[j], dp) == 0)
                    break;
            if (j == ndepts) {
                const char *why = dept_name_problem(dp);
                if (why) {
                    pe_error(d, ind->src, "牵头部门“%s”%s，无法作为收集表的文件名，请改用部门简称", dp, why);
                    st = PE_ERR_INPUT;
                    continue;
                }
                depts[ndepts++] = dp;
            }
        }
    if (st != PE_OK)
        goto cleanup;
    if (nodept)
        pe_warn(d, ((pe_src){ m->indicators.file, 0, 0 }),
                "%zu 项指标没有填写牵头部门（dept 列），已放入“收集表_%s.xlsx”；请在 CSV 的 dept 列写明牵头部门",
                nodept, PE_COLLECT_NO_DEPT);
    for (size_t k = 0; k < ndepts; k++) {
        size_t ni = 0, nt = 0;
        for (size_t i = 0; i < m->indicators.n; i++)
            if (strcmp(dept_of(&m->indicators.items[i]), depts[k]) == 0)
                ri[ni++] = i;
        for (size_t i = 0; i < m->targets.n; i++)
            if (strcmp(dept_of(&m->targets.items[i]), depts[k]) == 0)
                rt[nt++] = i;
        char *path = malloc(strlen(dir) + strlen(depts[k]) + 32);
        if (!path) {
            st = PE_ERR_NOMEM;
            goto cleanup;
        }
        sprintf(path, "%s/收集表_%s.xlsx", dir, depts[k]);
        long bytes = 0;
        st = write_one(m, depts[k], path, timestamp, ri, ni, rt, nt, d, &bytes);
        written[nwritten++] = path;
        if (st != PE_OK) {
            nwritten--;
            free(path);
            goto cleanup;
        }
        if (res) {
            res->files++;
            res->bytes += bytes;
        }
    }

cleanup:
    /* all or nothing: a failure removes the workbooks already written */
    for (size_t i = 0; i < nwritten; i++) {
        if (st != PE_OK)
            remove(written[i]);
        free(written[i]);
    }
    free(written);
    free(depts);
    free(ri);
    free(rt);
    return st;
}
