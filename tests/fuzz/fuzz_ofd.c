/* fuzz_ofd.c — libFuzzer target: the OFD writer's input. Any bytes as the
 * template, with the sample case's fields (input/report.ini), go through the
 * template stage and the page model (pe_pages_build, pe_pages_subset) into
 * pe_ofd_write. Invariants: a document that builds writes an OFD package (a
 * zip) with as many pages as the model; nothing is left in the temp dir. */
#include "pe_doc.h"
#include "pe_eval.h"
#include "pe_font.h"
#include "pe_ofd.h"

#include "fuzz_sample.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pe_model *model;
static pe_fields *fields;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    pe_diags d;
    pe_diags_init(&d);
    model = fuzz_sample_model();
    if (pe_fields_build(model, &fields) != PE_OK)
        abort();
    pe_diags_release(&d);
    /* fontconfig's configuration is loaded once and kept (pe_font.h): load it
     * here, so that the first input does not look like a leak */
    pe_doc *doc = NULL;
    pe_pages *pages = NULL;
    pe_pages_options o = { PE_SOURCE_DIR "/fonts", "planeval fuzz", 1692057600 };
    static const char warm[] = "# 标题\n\n正文。\n";
    pe_diags_init(&d);
    if (pe_doc_build(warm, sizeof warm - 1, "t.md", fields, &d, &doc) != PE_OK ||
        pe_pages_build(model, doc, &o, &d, &pages) != PE_OK)
        abort();
    pe_pages_free(pages);
    pe_doc_free(doc);
    pe_diags_release(&d);
    atexit(pe_font_cache_release);
    fuzz_tmp_make("ofd", "ofd");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;   /* layout of long documents is the large-input test's */
    pe_diags d;
    pe_doc *doc = NULL;
    pe_pages *pages = NULL;
    pe_pages_options o = { PE_SOURCE_DIR "/fonts", "planeval fuzz", 1692057600 };
    pe_diags_init(&d);
    if (pe_doc_build((const char *)data, size, "t.md", fields, &d, &doc) == PE_OK &&
        d.nerrors == 0 && pe_pages_build(model, doc, &o, &d, &pages) == PE_OK &&
        pe_pages_subset(pages, &d) == PE_OK) {
        pe_ofd_result res = { 0, 0 };
        if (pe_ofd_write(pages, fuzz_tmp_path, "fuzz.ofd", &d, &res) == PE_OK) {
            FILE *fp = fopen(fuzz_tmp_path, "rb");
            char magic[2] = { 0, 0 };
            if (!fp || fread(magic, 1, 2, fp) != 2 || magic[0] != 'P' || magic[1] != 'K')
                abort();
            fclose(fp);
            if ((size_t)res.pages != pages->npages)
                abort();
        }
    }
    pe_pages_free(pages);
    pe_doc_free(doc);
    pe_diags_release(&d);
    return 0;
}
