/* fuzz_number.c — libFuzzer target: number parsing and formatting (SPEC §3.2).
 * Invariants: an accepted number is finite, within ±PE_NUM_MAX, and prints
 * with its decimals as a string that parses back to the same value rounded. */
#include "pe_util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    double v = 0;
    int dec = -1;
    pe_num_result r = pe_number_parse(s, &v, &dec);
    if (r == PE_NUM_OK) {
        if (!isfinite(v) || fabs(v) > PE_NUM_MAX || dec < 0 || dec > 9)
            abort();
        char out[64], pct[80];
        pe_number_format(v, dec, out, sizeof out);
        double back = 0;
        int dec2 = -1;
        if (pe_number_parse(out, &back, &dec2) != PE_NUM_OK || dec2 != dec)
            abort();
        if (fabs(back - v) > 0.5 * pow(10.0, -dec) * (1 + 1e-9) + fabs(v) * 1e-15)
            abort();
        pe_percent_format(v, pct, sizeof pct);
        if (!strchr(pct, '%') && strcmp(pct, "—%") != 0)
            abort();
    }
    /* formatting any bit pattern never overflows or prints nan/inf */
    if (size >= sizeof(double) + 1) {
        double x;
        memcpy(&x, data, sizeof x);
        char out[64];
        pe_number_format(x, data[sizeof x] % 12 - 1, out, sizeof out);
        if (strlen(out) >= sizeof out || strstr(out, "nan") || strstr(out, "inf"))
            abort();
    }
    free(s);
    return 0;
}
