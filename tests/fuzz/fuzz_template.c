/* fuzz_template.c — libFuzzer target: the template stage (pe_doc_build) on
 * any bytes, with the fields of the sample case (input/report.ini, loaded and
 * evaluated once). Invariants: a built document has valid UTF-8 texts. */
#include "pe_doc.h"
#include "pe_eval.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (pe_model_load(PE_SOURCE_DIR "/input/report.ini", &d, &model) != PE_OK || d.nerrors) {
        fprintf(stderr, "fuzz_template: the sample input does not load\n");
        abort();
    }
    pe_evaluate(model, &d);
    if (pe_fields_build(model, &fields) != PE_OK)
        abort();
    pe_diags_release(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pe_diags d;
    pe_doc *doc = NULL;
    pe_diags_init(&d);
    pe_status st = pe_doc_build((const char *)data, size, "t.md", fields, &d, &doc);
    if (st == PE_OK && d.nerrors == 0) {
        if (!doc)
            abort();
        for (size_t i = 0; i < doc->n; i++) {
            const pe_block *b = &doc->items[i];
            if (b->text && !pe_utf8_valid(b->text, strlen(b->text)))
                abort();
            for (size_t c = 0; b->cells && c < b->nrows * b->ncols; c++)
                if (b->cells[c] && !pe_utf8_valid(b->cells[c], strlen(b->cells[c])))
                    abort();
        }
    }
    pe_doc_free(doc);
    pe_diags_release(&d);
    return 0;
}
