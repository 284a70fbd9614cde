/* fuzz_xlsx_merge.c — libFuzzer target: the XLSX reader of `planeval merge`
 * (pe_xbook_read_buf: libzip + libxml2 with size limits) and what merge does
 * with a workbook, on any bytes. The first byte picks the mode:
 *   0  read the workbook and look every cell up again;
 *   1  `merge` (dry run, nothing written) of the workbook against the sample
 *      case input/report.ini;
 *   2  the CSV patcher of `merge --apply` on the bytes as a CSV (in memory);
 *   3  the packed records of a version-2 identification (pe_ident_unpack) on
 *      the bytes up to the first NUL as one cell's text.
 * Seeds: workbooks written by `planeval collect` and a full run (scripts/fuzz.sh). */
#include "pe_collect.h"
#include "pe_eval.h"
#include "pe_xlsxread.h"

#include "fuzz_sample.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pe_model *model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    model = fuzz_sample_model();
    fuzz_tmp_make("merge", "xlsx");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *buf = data + 1;
    size_t len = size - 1;
    pe_diags d;
    pe_diags_init(&d);
    switch (data[0] % 4) {
    case 0: {
        pe_xbook *b = NULL;
        if (pe_xbook_read_buf(buf, len, "f.xlsx", &d, &b) == PE_OK && b) {
            for (size_t s = 0; s < b->nsheets; s++) {
                const pe_xsheet *sh = &b->sheets[s];
                if (pe_xbook_sheet(b, sh->name) == NULL)
                    abort();
                for (size_t i = 0; i < sh->n; i++) {
                    const pe_xcell *c = pe_xsheet_cell(sh, sh->cells[i].row, sh->cells[i].col);
                    if (!c || !c->text)
                        abort();
                }
            }
        }
        pe_xbook_free(b);
        break;
    }
    case 1: {
        FILE *fp = fopen(fuzz_tmp_path, "wb");
        if (!fp)
            abort();
        fwrite(buf, 1, len, fp);
        fclose(fp);
        const char *files[] = { fuzz_tmp_path };
        pe_merge_result *r = NULL;
        pe_merge_run(model, files, 1, 0, &d, &r);
        if (r && pe_merge_nwritten(r) != 0)
            abort();   /* a dry run writes nothing */
        pe_merge_result_free(r);
        break;
    }
    case 3: {
        pe_arena *a = pe_arena_new();
        char *text = a ? pe_arena_strndup(a, (const char *)buf, len) : NULL;
        pe_id_record *recs = NULL;
        size_t n = 0, cap = 0;
        if (text && pe_ident_unpack(a, "核心指标", text, &recs, &n, &cap) == 0) {
            for (size_t i = 0; i < n; i++) {
                if (recs[i].n != 4 && recs[i].n != 8)
                    abort();
                for (unsigned k = 0; k < recs[i].n; k++)
                    if (!recs[i].f[k])
                        abort();
            }
        }
        free(recs);
        pe_arena_free(a);
        break;
    }
    default: {
        static const pe_csv_edit edits[] = {
            { "1", "2023", "45.5", 0 }, { "2", "note", "改，\"引号\"", 0 }, { "3", "2026", "1", 0 },
        };
        char *out = NULL;
        size_t outlen = 0;
        pe_csv_patch((const char *)buf, len, "p.csv", edits, 3, &d, &out, &outlen);
        free(out);
        break;
    }
    }
    pe_diags_release(&d);
    return 0;
}
