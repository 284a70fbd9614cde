/* fuzz_tables.c — libFuzzer target: the table loaders of pe_model.h on any
 * bytes, then (when they load cleanly) the evaluation and the template
 * fields. The first byte picks the table: indicators, targets, counties or an
 * annex (merge 类别, total 数量); the rest is the CSV. */
#include "pe_eval.h"
#include "pe_fields.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    pe_model *m = pe_model_new();
    pe_diags d;
    pe_fields *f = NULL;
    if (!m)
        return 0;
    pe_diags_init(&d);
    m->title = "模糊测试";
    m->issuer = "测试局";
    m->base_year = 2020;
    m->target_year = 2025;
    m->eval_year = 2023;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    pe_status st;
    switch (data[0] % 4) {
    case 0:
        st = pe_indicator_table_parse(m, &m->indicators, buf, len, PE_ENC_AUTO, "i.csv", &d);
        break;
    case 1:
        st = pe_indicator_table_parse(m, &m->targets, buf, len, PE_ENC_AUTO, "t.csv", &d);
        break;
    case 2:
        st = pe_county_table_parse(m, &m->counties, buf, len, PE_ENC_AUTO, "c.csv", &d);
        break;
    default:
        m->annexes = pe_arena_alloc(m->arena, sizeof(pe_annex));
        if (!m->annexes) {
            st = PE_ERR_NOMEM;
            break;
        }
        m->nannexes = 1;
        m->annexes[0].number = 1;
        m->annexes[0].section = "annex.1";
        m->annexes[0].title = "突破20项重大技术计划";
        st = pe_annex_parse(m, &m->annexes[0], buf, len, PE_ENC_AUTO, "a.csv", "类别", "数量", &d);
        break;
    }
    if (st == PE_OK && d.nerrors == 0) {
        pe_evaluate(m, &d);
        if (pe_fields_build(m, &f) == PE_OK && f) {
            for (size_t i = 0; i < f->n; i++) {
                const char *v = f->items[i].value;
                if (!v || !pe_utf8_valid(v, strlen(v)))
                    abort();
                if (pe_fields_get(f, f->items[i].name) == NULL)
                    abort();
            }
        }
    }
    pe_fields_free(f);
    pe_diags_release(&d);
    pe_model_free(m);
    return 0;
}
