/* fuzz_sample.h — what the fuzz targets that run against the sample case share
 * (included by one target each, so its functions are static): the sample's
 * model, loaded and evaluated once, and a private temporary file removed at
 * exit. Any failure aborts: it is the harness, not the input, that is broken. */
#ifndef PE_FUZZ_SAMPLE_H
#define PE_FUZZ_SAMPLE_H

#include "pe_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_tmp_path[64];

static void fuzz_tmp_remove(void)
{
    unlink(fuzz_tmp_path);
}

/* input/report.ini, loaded without errors and evaluated. */
static pe_model *fuzz_sample_model(void)
{
    pe_model *m = NULL;
    pe_diags d;
    pe_diags_init(&d);
    if (pe_model_load(PE_SOURCE_DIR "/input/report.ini", &d, &m) != PE_OK || d.nerrors)
        abort();
    pe_evaluate(m, &d);
    pe_diags_release(&d);
    return m;
}

/* Creates /tmp/pe-fuzz-<name>-XXXXXX.<ext> (fuzz_tmp_path), removed at exit. */
static void fuzz_tmp_make(const char *name, const char *ext)
{
    int n = snprintf(fuzz_tmp_path, sizeof fuzz_tmp_path, "/tmp/pe-fuzz-%s-XXXXXX.%s", name, ext);
    if (n < 0 || (size_t)n >= sizeof fuzz_tmp_path)
        abort();
    int fd = mkstemps(fuzz_tmp_path, (int)strlen(ext) + 1);
    if (fd < 0)
        abort();
    close(fd);
    atexit(fuzz_tmp_remove);
}

#endif
