/* cli_collect.c — `planeval collect [-o DIR] [CONFIG]` and
 * `planeval merge [--apply] CONFIG FILE.xlsx…` (SPEC §2): options, printing of
 * diagnostics and of the change table, exit codes. */
#include "cli.h"
#include "pe_collect.h"
#include "pe_eval.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static void print_diags(const pe_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char *s = pe_diag_format(&d->items[i]);
        if (s) {
            fprintf(stderr, "%s\n", s);
            free(s);
        }
    }
    if (d->nerrors || d->nwarnings) {
        fprintf(stderr, "共 %zu 个错误，%zu 个警告", d->nerrors, d->nwarnings);
        if (d->nerrors + d->nwarnings > d->n)
            fprintf(stderr, "（只列出了前 %zu 个）", d->n);
        fputs(d->nerrors ? "；未写出任何文件。\n" : "。\n", stderr);
    }
}

/* Loads the model; prints its problems. NULL when it cannot be used. */
static pe_model *load(const char *config, pe_diags *d)
{
    pe_model *m = NULL;
    pe_status st = pe_model_load(config, d, &m);
    if (st == PE_OK && d->nerrors == 0)
        pe_evaluate(m, d);
    if (st != PE_OK || d->nerrors) {
        print_diags(d);
        pe_model_free(m);
        return NULL;
    }
    return m;
}

int pe_cli_collect(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *outdir = "out/collect", *config = "input/report.ini";
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'h':
            puts("用法：planeval collect [-o 目录] [配置文件]\n"
                 "为每个牵头部门生成一份数据收集表：目录/收集表_<部门>.xlsx（默认目录 out/collect/）。");
            return 0;
        default:
            fprintf(stderr, "planeval collect：未知选项或缺少参数“%s”\n"
                            "用法：planeval collect [-o 目录] [配置文件]\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        config = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "planeval collect：只能指定一个配置文件，多余的参数“%s”\n", argv[optind]);
        return EXIT_USAGE;
    }
    pe_diags d;
    pe_diags_init(&d);
    int rc = 0;
    pe_model *m = load(config, &d);
    if (!m) {
        pe_diags_release(&d);
        return EXIT_INPUT;
    }
    if (pe_cli_make_dirs(outdir) != 0) {
        fprintf(stderr, "%s: 错误：无法创建输出目录（%s），请检查路径和权限\n", outdir, strerror(errno));
        rc = EXIT_IO;
    } else {
        pe_diags wd;
        pe_collect_result res;
        pe_diags_init(&wd);
        pe_status st = pe_collect_write(m, outdir, pe_cli_timestamp(m), &wd, &res);
        print_diags(&wd);
        if (st == PE_OK)
            fprintf(stderr, "已在 %s 生成 %d 份收集表（共 %.0f KB），填报年份 %d 年\n", outdir, res.files,
                    (double)res.bytes / 1024.0 + 0.5, pe_collect_year(m));
        rc = st == PE_OK ? 0 : st == PE_ERR_INPUT ? EXIT_INPUT : EXIT_IO;
        pe_diags_release(&wd);
    }
    pe_model_free(m);
    pe_diags_release(&d);
    return rc;
}

/* `s` padded to `width` terminal columns. */
static void pad(FILE *f, const char *s, size_t width)
{
    size_t w = pe_utf8_width(s);
    fputs(s, f);
    for (; w < width; w++)
        fputc(' ', f);
}

static void print_changes(const pe_merge_result *r)
{
    size_t n = pe_merge_nchanges(r), wn = 4, wv = 4;
    if (!n) {
        fputs("没有需要导入的变动：各收集表中的数值与 CSV 一致。\n", stderr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const pe_merge_change *c = pe_merge_change_at(r, i);
        char name[512], val[160];
        snprintf(name, sizeof name, "%s %s", c->id, c->name);
        snprintf(val, sizeof val, "%s → %s", *c->old_text ? c->old_text : "（空）", c->new_text);
        if (pe_utf8_width(name) > wn)
            wn = pe_utf8_width(name);
        if (pe_utf8_width(val) > wv)
            wv = pe_utf8_width(val);
    }
    fprintf(stderr, "变动（%zu 处）：\n", n);
    pad(stderr, "指标", wn);
    fputs("  年份    ", stderr);
    pad(stderr, "原值 → 新值", wv);
    fputs("  填报单位\n", stderr);
    for (size_t i = 0; i < n; i++) {
        const pe_merge_change *c = pe_merge_change_at(r, i);
        char name[512], val[160];
        snprintf(name, sizeof name, "%s %s", c->id, c->name);
        snprintf(val, sizeof val, "%s → %s", *c->old_text ? c->old_text : "（空）", c->new_text);
        pad(stderr, name, wn);
        if (c->column)
            fprintf(stderr, "  %s", strcmp(c->column, "judgement") == 0 ? "评估结论" : "研判说明");
        else
            fprintf(stderr, "  %d年  ", c->year);
        pad(stderr, val, wv);
        fprintf(stderr, "  %s\n", c->dept);
    }
    size_t nr = pe_merge_nremarks(r);
    if (nr)
        fprintf(stderr, "填报单位的说明（%zu 条，不写入 CSV，请人工处理）：\n", nr);
    for (size_t i = 0; i < nr; i++) {
        const pe_merge_remark *k = pe_merge_remark_at(r, i);
        fprintf(stderr, "  %s: %s：%s\n", k->where, k->what, k->text);
    }
}

int pe_cli_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "apply", no_argument, NULL, 'a' }, { "dry-run", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    int apply = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': apply = 1; break;
        case 'n': apply = 0; break;
        case 'h':
            puts("用法：planeval merge [--apply] 配置文件 收集表.xlsx…\n"
                 "读取各单位报回的收集表，逐项校验并列出变动；默认只试运行，加 --apply 才改写 CSV。");
            return 0;
        default:
            fprintf(stderr, "planeval merge：未知选项“%s”\n用法：planeval merge [--apply] 配置文件 收集表.xlsx…\n",
                    argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "planeval merge：需要配置文件和至少一份收集表\n"
                        "用法：planeval merge [--apply] 配置文件 收集表.xlsx…\n");
        return EXIT_USAGE;
    }
    const char *config = argv[optind++];
    pe_diags d;
    pe_diags_init(&d);
    pe_model *m = load(config, &d);
    if (!m) {
        pe_diags_release(&d);
        return EXIT_INPUT;
    }
    pe_diags md;
    pe_diags_init(&md);
    pe_merge_result *res = NULL;
    pe_status st = pe_merge_run(m, (const char *const *)(argv + optind), (size_t)(argc - optind), apply,
                                &md, &res);
    int rc = 0;
    if (st == PE_OK) {
        print_changes(res);
        print_diags(&md);
        if (!apply)
            fprintf(stderr, "试运行：未改写任何文件；核对无误后加 --apply 写入。\n");
        else if (pe_merge_nwritten(res)) {
            fputs("已改写 ", stderr);
            for (size_t i = 0; i < pe_merge_nwritten(res); i++)
                fprintf(stderr, "%s%s", i ? "、" : "", pe_merge_written_at(res, i));
            fprintf(stderr, "（%zu 处变动）\n", pe_merge_nchanges(res));
        }
    } else {
        print_diags(&md);
        if (st == PE_ERR_NOMEM)
            fputs("planeval：内存不足\n", stderr);
        rc = st == PE_ERR_INPUT ? EXIT_INPUT : EXIT_IO;
    }
    pe_merge_result_free(res);
    pe_diags_release(&md);
    pe_model_free(m);
    pe_diags_release(&d);
    return rc;
}
