/* main.c — the command line: options, the pipeline load → evaluate → fields →
 * document → pages → PDF/OFD/XLSX, diagnostics printing and exit codes (SPEC §2, §8).
 * This is the only file that prints or exits. */
#include "cli.h"
#include "pe_doc.h"
#include "pe_eval.h"
#include "pe_fields.h"
#include "pe_font.h"
#include "pe_model.h"
#include "pe_page.h"
#include "pe_ofd.h"
#include "pe_pdf.h"
#include "pe_xlsx.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

typedef struct {
    const char *config;
    const char *outdir;
    int check, list_fields, strict, quiet, verbose;
    unsigned formats;       /* PE_OUT_* from --format; 0 = not given */
} options;

static void usage(FILE *to)
{
    fputs("用法：planeval [选项] [配置文件]\n"
          "根据规划指标数据生成中期评估报告（PDF，可选 OFD）和支撑表格（XLSX）。\n"
          "配置文件默认为 input/report.ini；INI 中的路径相对于 INI 所在目录。\n"
          "\n"
          "选项：\n"
          "  -o, --output 目录   输出目录（默认取 INI 的 [output] dir，否则为 out/）\n"
          "      --check         只读取、校验并评估数据，打印评估摘要，不写任何文件\n"
          "      --list-fields   列出模板可用的全部字段及其取值\n"
          "      --strict        把警告当作错误处理\n"
          "      --format 列表   要生成的格式：pdf、xlsx、ofd，用逗号分隔\n"
          "                      （默认取 INI 的 [output] formats，否则为 pdf,xlsx）\n"
          "  -q, --quiet         只显示错误\n"
          "  -v, --verbose       显示处理过程\n"
          "      --version       显示版本\n"
          "  -h, --help          显示本帮助\n"
          "\n"
          "子命令：\n"
          "  planeval collect [-o 目录] [配置文件]        为每个牵头部门生成数据收集表（默认 out/collect/）\n"
          "  planeval merge [--apply] 配置文件 收集表…    读取报回的收集表，列出变动；--apply 改写 CSV\n"
          "\n"
          "退出状态：0 成功（可有警告）；1 输入有错误（未写出任何文件）；2 命令行用法错误；\n"
          "          3 输出或读写错误（不留下残缺文件）。\n",
          to);
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' }, { "check", no_argument, NULL, 'c' },
        { "list-fields", no_argument, NULL, 'l' },  { "strict", no_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, 'V' },      { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 }
    };
    memset(o, 0, sizeof *o);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->outdir = optarg; break;
        case 'c': o->check = 1; break;
        case 'l': o->list_fields = 1; break;
        case 's': o->strict = 1; break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'f': {
            char bad[64];
            if (pe_formats_parse(optarg, &o->formats, bad, sizeof bad) != 0) {
                if (*bad)
                    fprintf(stderr, "planeval：--format 中的格式“%s”无法识别，可用 pdf、xlsx、ofd，"
                            "用逗号分隔\n", bad);
                else
                    fprintf(stderr, "planeval：--format 需要至少一种格式：pdf、xlsx、ofd\n");
                return -1;
            }
            break;
        }
        case 'V': printf("planeval %s\n", PE_VERSION); exit(0);
        case 'h': usage(stdout); exit(0);
        case ':':
            fprintf(stderr, "planeval：选项 %s 需要一个参数\n", argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "planeval：未知选项“%s”，用 planeval --help 查看可用选项\n", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc)
        o->config = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "planeval：只能指定一个配置文件，多余的参数“%s”\n", argv[optind]);
        return -1;
    }
    if (o->check && o->list_fields) {
        fprintf(stderr, "planeval：--check 和 --list-fields 不能同时使用\n");
        return -1;
    }
    if (!o->config)
        o->config = "input/report.ini";
    return 0;
}

/* Prints the diagnostics, then the `nnotes` typesetting warnings of the
 * layout (-v: lines it could only justify by opening their gaps), then the
 * count of both. */
static void print_diags_notes(const pe_diags *d, int quiet, const char *const *notes,
                              size_t nnotes)
{
    for (size_t i = 0; i < d->n; i++) {
        if (quiet && d->items[i].sev == PE_SEV_WARNING)
            continue;
        char *s = pe_diag_format(&d->items[i]);
        if (s) {
            fprintf(stderr, "%s\n", s);
            free(s);
        }
    }
    for (size_t i = 0; i < nnotes; i++)
        fprintf(stderr, "%s\n", notes[i]);
    if (d->nerrors || (!quiet && (d->nwarnings || nnotes))) {
        fprintf(stderr, "共 %zu 个错误，%zu 个警告", d->nerrors, d->nwarnings);
        if (d->nerrors + d->nwarnings > d->n)
            fprintf(stderr, "（只列出了前 %zu 个）", d->n);
        if (nnotes)
            fprintf(stderr, "，另有 %zu 个排版警告", nnotes);
        fputs(d->nerrors ? "；未生成任何文件。\n" : "。\n", stderr);
    }
}

static void print_diags(const pe_diags *d, int quiet)
{
    print_diags_notes(d, quiet, NULL, 0);
}

/* Prints `s` padded with spaces to `width` terminal columns, cut with … if longer. */
static void print_cell(const char *s, size_t width)
{
    size_t w = 0, i = 0, len = strlen(s);
    while (i < len) {
        unsigned cp;
        size_t n = pe_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            n = 1;
        char tmp[8];
        memcpy(tmp, s + i, n);
        tmp[n] = '\0';
        size_t cw = pe_utf8_width(tmp);
        if (w + cw > width - (i + n < len ? 1 : 0) && i + n < len) {
            fputs("…", stdout);
            w += 1;
            break;
        }
        fwrite(s + i, 1, n, stdout);
        w += cw;
        i += n;
    }
    for (; w < width; w++)
        putchar(' ');
}

static void print_table(const pe_indicator_table *t, const char *heading)
{
    if (!t->file)
        return;
    size_t wid = 4, wname = 4, wact = 6, wtgt = 6;
    char act[320], tgt[320];
    for (size_t i = 0; i < t->n; i++) {
        const pe_indicator *ind = &t->items[i];
        if (pe_utf8_width(ind->id) > wid)
            wid = pe_utf8_width(ind->id);
        char full[512];
        snprintf(full, sizeof full, *ind->unit ? "%s（%s）" : "%s%s", ind->name, ind->unit);
        size_t w = pe_utf8_width(full);
        if (w > wname)
            wname = w;
        pe_fmt_latest(ind, "", act, sizeof act);
        if (pe_utf8_width(act) > wact)
            wact = pe_utf8_width(act);
        pe_fmt_target(ind, tgt, sizeof tgt);
        if (pe_utf8_width(tgt) > wtgt)
            wtgt = pe_utf8_width(tgt);
    }
    /* names are printed whole: the table widens rather than cut a name */
    printf("%s（%s）\n", heading, t->title ? t->title : t->file);
    print_cell("序号", wid);
    fputs("  ", stdout);
    print_cell("指标（单位）", wname);
    fputs("  ", stdout);
    print_cell("类型", 8);
    fputs("  ", stdout);
    print_cell("目标", wtgt);
    fputs("  ", stdout);
    print_cell("最新值", wact);
    fputs("  ", stdout);
    print_cell("完成进度", 8);
    fputs("  ", stdout);
    print_cell("时间进度", 8);
    fputs("  ", stdout);
    print_cell("较上年", 8);
    fputs("  状态\n", stdout);
    int any_judged = 0;
    for (size_t i = 0; i < t->n; i++) {
        const pe_indicator *ind = &t->items[i];
        const pe_eval *ev = &ind->ev;
        char name[512], prog[32], tp[32];
        if (*ind->unit)
            snprintf(name, sizeof name, "%s（%s）", ind->name, ind->unit);
        else
            snprintf(name, sizeof name, "%s", ind->name);
        pe_fmt_latest(ind, "", act, sizeof act);
        pe_fmt_target(ind, tgt, sizeof tgt);
        if (ev->has_progress)
            pe_percent_format(ev->progress, prog, sizeof prog);
        else
            snprintf(prog, sizeof prog, "—");
        pe_percent_format(ev->time_progress, tp, sizeof tp);
        print_cell(ind->id, wid);
        fputs("  ", stdout);
        print_cell(name, wname);
        fputs("  ", stdout);
        print_cell(pe_kind_name(ind->kind), 8);
        fputs("  ", stdout);
        print_cell(tgt, wtgt);
        fputs("  ", stdout);
        print_cell(act, wact);
        fputs("  ", stdout);
        print_cell(prog, 8);
        fputs("  ", stdout);
        print_cell(tp, 8);
        fputs("  ", stdout);
        print_cell(pe_change_name(ev->change), 8);
        if (ev->judged && ev->state != ev->computed_state) {
            printf("  %s*（测算：%s）\n", pe_state_name(ev->state), pe_state_name(ev->computed_state));
            any_judged = 1;
        } else {
            printf("  %s\n", pe_state_name(ev->state));
        }
    }
    printf("小计：");
    int first = 1;
    for (int s = 0; s < PE_ST_COUNT; s++)
        if (t->count[s]) {
            printf("%s%s %zu 项", first ? "" : "，", pe_state_name((pe_state)s), t->count[s]);
            first = 0;
        }
    printf("\n");
    if (any_judged)
        printf("* 为评估结论（研判），与测算状态不同。\n");
    printf("\n");
}

static void print_counties(const pe_county_table *t)
{
    if (!t->present)
        return;
    char a[64], b[64], r[32];
    printf("县区目标（%s）\n", t->title ? t->title : t->file);
    print_cell("县区", 14);
    fputs("  ", stdout);
    print_cell("累计目标", 10);
    fputs("  ", stdout);
    print_cell("累计完成", 10);
    fputs("  ", stdout);
    print_cell("完成率", 8);
    fputs("  状态\n", stdout);
    for (size_t i = 0; i <= t->n; i++) {
        const char *name = i < t->n ? t->items[i].name : "合计";
        double ct = i < t->n ? t->items[i].cum_target : t->cum_target;
        double ca = i < t->n ? t->items[i].cum_actual : t->cum_actual;
        int hr = i < t->n ? t->items[i].has_rate : t->has_rate;
        double rate = i < t->n ? t->items[i].rate : t->rate;
        pe_state st = i < t->n ? t->items[i].state : t->state;
        pe_number_format(ct, t->decimals, a, sizeof a);
        pe_number_format(ca, t->decimals, b, sizeof b);
        if (hr)
            pe_percent_format(rate, r, sizeof r);
        else
            snprintf(r, sizeof r, "—");
        print_cell(name, 14);
        fputs("  ", stdout);
        print_cell(a, 10);
        fputs("  ", stdout);
        print_cell(b, 10);
        fputs("  ", stdout);
        print_cell(r, 8);
        printf("  %s\n", pe_state_name(st));
    }
    printf("\n");
}

static const char *fonts_dir(const pe_model *m, char *buf, size_t n)
{
    const char *env = getenv("PLANEVAL_FONTS");
    struct stat st;
    if (env && *env)
        return env;
    snprintf(buf, n, "%s/../fonts", m->ini_dir ? m->ini_dir : ".");
    if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
        return buf;
    return PE_SOURCE_DIR "/fonts";
}

static void human_size(long bytes, char *out, size_t n)
{
    if (bytes >= 1024 * 1024)
        snprintf(out, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    else
        snprintf(out, n, "%.0f KB", (double)bytes / 1024.0 + 0.5);
}

/* The workbook is written on a second thread while the PDF and the OFD are
 * drawn: the writers share only const data, and each has its own diagnostics. */
typedef struct {
    const pe_model *m;
    const char *file, *path;
    long long timestamp;
    pe_diags d;
    pe_xlsx_result res;
    pe_status st;
} xlsx_job;

static void *xlsx_run(void *arg)
{
    xlsx_job *j = arg;
    j->st = pe_xlsx_write_file(j->m, j->file, j->path, j->timestamp, &j->d, &j->res);
    return NULL;
}

/* The OFD is written on a third thread while the PDF is drawn from the same
 * const pages. */
typedef struct {
    const pe_pages *pages;
    const char *file, *path;
    pe_diags d;
    pe_ofd_result res;
    pe_status st;
} ofd_job;

static void *ofd_run(void *arg)
{
    ofd_job *j = arg;
    j->st = pe_ofd_write(j->pages, j->file, j->path, &j->d, &j->res);
    return NULL;
}

enum { OUT_PDF, OUT_XLSX, OUT_OFD, NOUT };

/* The workbook needs only the model: it is started as soon as the model is
 * evaluated, into a private temporary directory, and runs while the pages are
 * laid out; write_outputs() then moves it next to the other outputs. */
typedef struct {
    xlsx_job job;
    pthread_t th;
    int started;
    char dir[4096], file[4200];
} early_xlsx;

static void early_xlsx_start(early_xlsx *e, const pe_model *m, const char *shown,
                             long long timestamp)
{
    const char *t = getenv("TMPDIR");
    memset(e, 0, sizeof *e);
    pe_diags_init(&e->job.d);
    snprintf(e->dir, sizeof e->dir, "%s/.planeval-xlsx-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(e->dir)) {
        e->dir[0] = '\0';
        return;     /* the workbook is then written later, beside the others */
    }
    snprintf(e->file, sizeof e->file, "%s/workbook.xlsx", e->dir);
    e->job.m = m;
    e->job.file = e->file;
    e->job.path = shown;
    e->job.timestamp = timestamp;
    e->started = pthread_create(&e->th, NULL, xlsx_run, &e->job) == 0;
    if (!e->started) {
        rmdir(e->dir);
        e->dir[0] = '\0';
    }
}

/* Waits for the workbook (if started); returns its status. */
static pe_status early_xlsx_join(early_xlsx *e)
{
    if (e->started) {
        pthread_join(e->th, NULL);
        e->started = 0;
        return e->job.st;
    }
    return e->dir[0] ? e->job.st : PE_ERR_IO;
}

/* Removes what is left of the early workbook. */
static void early_xlsx_free(early_xlsx *e)
{
    early_xlsx_join(e);
    if (e->dir[0]) {
        unlink(e->file);
        rmdir(e->dir);
        e->dir[0] = '\0';
    }
    pe_diags_release(&e->job.d);
}

/* Puts the finished workbook at `dst` (a temporary file in the output
 * directory): a rename, or a copy when the two are on different file systems. */
static int move_file(const char *src, const char *dst)
{
    if (rename(src, dst) == 0)
        return 0;
    if (errno != EXDEV)
        return -1;
    FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
    char buf[65536];
    size_t n;
    int err = !in || !out;
    while (!err && (n = fread(buf, 1, sizeof buf, in)) > 0)
        err = fwrite(buf, 1, n, out) != n;
    err |= in && ferror(in);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        err = 1;
    if (!err)
        unlink(src);
    return err ? -1 : 0;
}

/* Writes every requested output to a temporary file next to it and renames
 * them all only when every one succeeded; on any failure removes them all,
 * prints the writers' messages and returns EXIT_IO. */
static int write_outputs(const pe_model *m, pe_pages *pages, unsigned formats,
                         long long timestamp, const char *outdir, int quiet, early_xlsx *early)
{
    static const char *const ext[NOUT] = { "pdf", "xlsx", "ofd" };
    static const unsigned bit[NOUT] = { PE_OUT_PDF, PE_OUT_XLSX, PE_OUT_OFD };
    char path[NOUT][4096];
    pe_outfile out[NOUT];
    long bytes[NOUT] = { 0, 0, 0 };
    pe_diags pd;
    pe_pdf_result pres = { 0, 0 };
    xlsx_job job;
    ofd_job oj;
    pthread_t th, oth;
    int threaded = 0, othreaded = 0, rc = 0, k, failed = -1;
    pe_status st = PE_OK;

    memset(out, 0, sizeof out);
    memset(&job, 0, sizeof job);
    memset(&oj, 0, sizeof oj);
    pe_diags_init(&job.d);
    pe_diags_init(&oj.d);
    pe_diags_init(&pd);
    job.st = PE_OK;
    oj.st = PE_OK;
    for (k = 0; k < NOUT; k++) {
        snprintf(path[k], sizeof path[k], "%s/%s.%s", outdir, m->basename, ext[k]);
        if ((formats & bit[k]) && failed < 0 && pe_outfile_begin(&out[k], path[k], &pd) != PE_OK)
            failed = k;
    }
    if (failed < 0) {
        if ((formats & PE_OUT_XLSX) && !early->dir[0]) {
            job.m = m;
            job.file = out[OUT_XLSX].tmp;
            job.path = path[OUT_XLSX];
            job.timestamp = timestamp;
            threaded = pthread_create(&th, NULL, xlsx_run, &job) == 0;
        }
        if (formats & (PE_OUT_PDF | PE_OUT_OFD))
            st = pe_pages_subset(pages, &pd);
        if (st != PE_OK)
            failed = (formats & PE_OUT_PDF) ? OUT_PDF : OUT_OFD;
        if (failed < 0 && (formats & PE_OUT_OFD)) {
            oj.pages = pages;
            oj.file = out[OUT_OFD].tmp;
            oj.path = path[OUT_OFD];
            othreaded = pthread_create(&oth, NULL, ofd_run, &oj) == 0;
            if (!othreaded)
                ofd_run(&oj);
        }
        if (failed < 0 && (formats & PE_OUT_PDF) &&
            pe_pdf_write(pages, out[OUT_PDF].tmp, path[OUT_PDF], &pd, &pres) != PE_OK)
            failed = OUT_PDF;
        if (othreaded)
            pthread_join(oth, NULL);
        if (failed < 0 && oj.st != PE_OK)
            failed = OUT_OFD;
        if ((formats & PE_OUT_XLSX) && early->dir[0]) {
            job.st = early_xlsx_join(early);
            job.res = early->job.res;
            if (job.st == PE_OK && move_file(early->file, out[OUT_XLSX].tmp) != 0) {
                pe_error(&pd, ((pe_src){ path[OUT_XLSX], 0, 0 }),
                         "无法把工作簿移入输出目录（%s），请检查磁盘空间和权限", strerror(errno));
                job.st = PE_ERR_IO;
            }
            if (failed < 0 && job.st != PE_OK)
                failed = OUT_XLSX;
        } else if (formats & PE_OUT_XLSX) {
            if (threaded)
                pthread_join(th, NULL);
            else
                xlsx_run(&job);
            if (failed < 0 && job.st != PE_OK)
                failed = OUT_XLSX;
        }
    }
    /* every output is complete: put them all in place */
    for (k = 0; k < NOUT && failed < 0; k++)
        if ((formats & bit[k]) && pe_outfile_commit(&out[k], &pd, &bytes[k]) != PE_OK) {
            int j;
            for (j = 0; j < k; j++)
                if (formats & bit[j])
                    unlink(path[j]);
            failed = k;
        }
    if (failed >= 0) {
        print_diags(&pd, 0);
        print_diags(&job.d, 0);
        print_diags(&early->job.d, 0);
        print_diags(&oj.d, 0);
        fprintf(stderr, "%s: 错误：写入失败，未留下任何输出文件\n", path[failed]);
        rc = EXIT_IO;
    } else if (!quiet) {
        char sz[32];
        const char *sep = "";
        fputs("已生成 ", stderr);
        for (k = 0; k < NOUT; k++) {
            if (!(formats & bit[k]))
                continue;
            human_size(bytes[k], sz, sizeof sz);
            if (k == OUT_XLSX)
                fprintf(stderr, "%s%s（%d 个工作表，%s）", sep, path[k], job.res.sheets, sz);
            else
                fprintf(stderr, "%s%s（%d 页，%s）", sep, path[k],
                        k == OUT_PDF ? pres.pages : oj.res.pages, sz);
            sep = "、";
        }
        fputc('\n', stderr);
    }
    for (k = 0; k < NOUT; k++)
        pe_outfile_abort(&out[k]);
    pe_diags_release(&pd);
    pe_diags_release(&job.d);
    pe_diags_release(&oj.d);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    pe_diags d;
    pe_model *m = NULL;
    pe_fields *f = NULL;
    int rc = 0;
    char *tmpl = NULL;
    pe_doc *doc = NULL;
    pe_pages *pages = NULL;
    char fdbuf[4096];
    early_xlsx early;

    memset(&early, 0, sizeof early);

    if (argc > 1 && strcmp(argv[1], "collect") == 0)
        return pe_cli_collect(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "merge") == 0)
        return pe_cli_merge(argc - 1, argv + 1);
    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    pe_diags_init(&d);
    if (o.verbose)
        fprintf(stderr, "读取 %s\n", o.config);
    pe_status st = pe_model_load(o.config, &d, &m);
    if (st == PE_OK && d.nerrors == 0) {
        pe_evaluate(m, &d);
        if (pe_fields_build(m, &f) != PE_OK) {
            fprintf(stderr, "planeval：内存不足\n");
            rc = EXIT_IO;
            goto cleanup;
        }
    }
    if (f && d.nerrors == 0 && !o.list_fields) {
        size_t len;
        if (pe_file_read_max(m->template_path, m->template_path, PE_FILE_MAX_BYTES, &d, &tmpl,
                             &len) == PE_OK) {
            if (o.verbose)
                fprintf(stderr, "读取模板 %s\n", m->template_path);
            pe_doc_build(tmpl, len, m->template_path, f, &d, &doc);
        }
    }
    const char *fdir = m ? fonts_dir(m, fdbuf, sizeof fdbuf) : NULL;
    pe_pages_options popts = { fdir, "planeval " PE_VERSION, 0 };
    const char *outdir = m ? (o.outdir ? o.outdir : m->out_dir ? m->out_dir : "out") : NULL;
    unsigned formats = m ? (o.formats ? o.formats : m->formats ? m->formats : PE_OUT_DEFAULT) : 0;
    char xlsx_shown[4096];
    if (doc && d.nerrors == 0 && !o.list_fields && !o.check && !o.strict &&
        (formats & PE_OUT_XLSX)) {
        /* --strict may still refuse on a warning of the layout: no early start */
        snprintf(xlsx_shown, sizeof xlsx_shown, "%s/%s.xlsx", outdir, m->basename);
        early_xlsx_start(&early, m, xlsx_shown, pe_cli_timestamp(m));
    }
    /* one layout: the glyph check and every drawing backend share it */
    if (doc && d.nerrors == 0 && !o.list_fields) {
        popts.timestamp = pe_cli_timestamp(m);
        pe_status lst = pe_pages_build(m, doc, &popts, &d, &pages);
        if (lst == PE_ERR_NOMEM)
            st = lst;
    }
    if (f && d.nerrors == 0 && !o.list_fields)
        pe_xlsx_check(m, &d);

    /* the layout's typesetting warnings (-v) after the input's, counted with them */
    print_diags_notes(&d, o.quiet, pages && o.verbose ? pages->notes : NULL,
                      pages && o.verbose ? pages->nnotes : 0);
    if (d.nerrors || (o.strict && d.nwarnings)) {
        if (!d.nerrors)
            fprintf(stderr, "planeval：--strict 模式下警告视为错误，未生成任何文件。\n");
        rc = EXIT_INPUT;
        goto cleanup;
    }
    if (st == PE_ERR_NOMEM) {
        fprintf(stderr, "planeval：内存不足\n");
        rc = EXIT_IO;
        goto cleanup;
    }

    if (o.list_fields) {
        for (size_t i = 0; i < f->n; i++)
            printf("%s = %s\n", f->items[i].name, f->items[i].value);
        goto cleanup;
    }
    if (o.check) {
        printf("%s\n规划期 %d—%d 年，评估年 %d 年，最新数据年份 %s\n\n", m->title, m->base_year,
               m->target_year, m->eval_year, pe_fields_get(f, "period.data_year"));
        print_table(&m->indicators, "核心指标");
        print_table(&m->targets, "量化目标");
        print_counties(&m->counties);
        if (!o.quiet)
            fprintf(stderr, "检查通过：%zu 项核心指标、%zu 项量化目标、%zu 个县区、%zu 个附件；未写出任何文件。\n",
                    m->indicators.n, m->targets.n, m->counties.n, m->nannexes);
        goto cleanup;
    }

    {
        if (pe_cli_make_dirs(outdir) != 0) {
            fprintf(stderr, "%s: 错误：无法创建输出目录（%s），请检查路径和权限\n", outdir, strerror(errno));
            rc = EXIT_IO;
            goto cleanup;
        }
        if (!pages) {
            fprintf(stderr, "planeval：内存不足\n");
            rc = EXIT_IO;
            goto cleanup;
        }
        rc = write_outputs(m, pages, formats, popts.timestamp, outdir, o.quiet, &early);
    }

cleanup:
    early_xlsx_free(&early);
    pe_pages_free(pages);
    pe_doc_free(doc);
    free(tmpl);
    pe_fields_free(f);
    pe_model_free(m);
    pe_diags_release(&d);
    pe_font_cache_release();
    return rc;
}
