/* fuzz_csv.c — libFuzzer target: the strict CSV reader (pe_csv_parse) on any
 * bytes, in each encoding mode. The first byte picks the mode. Invariants: a
 * returned table has cells with positive positions and valid UTF-8 text. */
#include "pe_csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const pe_encoding modes[] = { PE_ENC_AUTO, PE_ENC_UTF8, PE_ENC_GB18030 };
    pe_encoding enc = modes[data[0] % 3];
    pe_arena *arena = pe_arena_new();
    pe_diags d;
    pe_csv *csv = NULL;
    if (!arena)
        return 0;
    pe_diags_init(&d);
    pe_status st = pe_csv_parse((const char *)data + 1, size - 1, enc, "fuzz.csv", arena, &d, &csv);
    if (st == PE_OK && !csv)
        abort();
    if (st == PE_OK && d.nerrors)
        abort();
    if (csv) {
        for (size_t r = 0; r < csv->nrows; r++)
            for (size_t c = 0; c < csv->ncols; c++) {
                const pe_cell *cell = &csv->rows[r][c];
                if (cell->line < 1 || cell->col < 1)
                    abort();
                if (cell->text && !pe_utf8_valid(cell->text, strlen(cell->text)))
                    abort();
            }
    }
    for (size_t i = 0; i < d.n; i++) {
        char *s = pe_diag_format(&d.items[i]);
        if (!s || !pe_utf8_valid(s, strlen(s)))
            abort();
        free(s);
    }
    pe_diags_release(&d);
    pe_arena_free(arena);
    return 0;
}
