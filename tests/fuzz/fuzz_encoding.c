/* fuzz_encoding.c — libFuzzer target: encoding detection and conversion
 * (pe_text_to_utf8) and the UTF-8 helpers. The first byte picks the declared
 * encoding. Invariants: success gives valid UTF-8 without NUL. (Only the first
 * BOM is stripped: a second U+FEFF is text.) */
#include "pe_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const pe_encoding modes[] = { PE_ENC_AUTO, PE_ENC_UTF8, PE_ENC_GB18030 };
    pe_diags d;
    char *out = NULL;
    size_t outlen = 0;
    pe_diags_init(&d);
    pe_status st = pe_text_to_utf8((const char *)data + 1, size - 1, modes[data[0] % 3], "f.txt",
                                   &d, &out, &outlen);
    if (st == PE_OK) {
        if (!out || out[outlen] != '\0' || memchr(out, '\0', outlen))
            abort();
        if (!pe_utf8_valid(out, outlen))
            abort();
        (void)pe_utf8_width(out);
        (void)pe_utf8_len(out);
        char *copy = strdup(out);
        if (copy) {
            pe_trim(copy);
            if (!pe_utf8_valid(copy, strlen(copy)))
                abort();
            free(copy);
        }
    }
    free(out);
    pe_diags_release(&d);
    return 0;
}
