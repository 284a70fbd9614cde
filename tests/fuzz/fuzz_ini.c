/* fuzz_ini.c — libFuzzer target: report.ini (iniparser and the config rules)
 * and the whole model load it drives, then evaluation and fields. Each input
 * is written as report.ini into a temporary directory that also holds the
 * sample tables of input/ (indicators.csv, targets.csv, counties.csv,
 * annex1_projects.csv …) and the template, so that sections may name them. */
#include "pe_eval.h"
#include "pe_fields.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char ini_path[96];

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[8192];
    size_t n;
    if (!in || !out)
        abort();
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static void remove_dir(void)
{
    DIR *dh = opendir(dir);
    struct dirent *e;
    char path[512];
    if (!dh)
        return;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(dh);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "/tmp/pe-fuzz-ini-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    atexit(remove_dir);
    DIR *dh = opendir(PE_SOURCE_DIR "/input");
    struct dirent *e;
    char from[1024], to[512];
    if (!dh)
        abort();
    while ((e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0) {
            snprintf(from, sizeof from, "%s/input/%s", PE_SOURCE_DIR, e->d_name);
            snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
            copy_file(from, to);
        }
    }
    closedir(dh);
    snprintf(to, sizeof to, "%s/report.md", dir);
    copy_file(PE_SOURCE_DIR "/templates/report.md", to);
    snprintf(ini_path, sizeof ini_path, "%s/report.ini", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(ini_path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
    pe_diags d;
    pe_model *m = NULL;
    pe_fields *f = NULL;
    pe_diags_init(&d);
    pe_status st = pe_model_load(ini_path, &d, &m);
    if (st == PE_OK && d.nerrors == 0) {
        pe_evaluate(m, &d);
        if (pe_fields_build(m, &f) == PE_OK && f)
            for (size_t i = 0; i < f->n; i++)
                if (!f->items[i].value || !pe_utf8_valid(f->items[i].value, strlen(f->items[i].value)))
                    abort();
    }
    for (size_t i = 0; i < d.n; i++) {
        char *s = pe_diag_format(&d.items[i]);
        if (!s)
            abort();
        free(s);
    }
    pe_fields_free(f);
    pe_model_free(m);
    pe_diags_release(&d);
    return 0;
}
