/* pe_xlsx.h — the XLSX workbook (libxlsxwriter): 说明, 核心指标, 量化目标,
 * 县区目标, 附件N sheets with live formulas whose cached values are the model's. */
#ifndef PE_XLSX_H
#define PE_XLSX_H

#include "pe_model.h"

typedef struct {
    int sheets;
    long bytes;
} pe_xlsx_result;

/* Validates sheet names and other workbook constraints without writing. */
pe_status pe_xlsx_check(const pe_model *m, pe_diags *d);
/* Writes the workbook to `path` via a temporary file renamed on success.
 * `timestamp` (seconds since epoch, UTC) is the created date. */
pe_status pe_xlsx_write(const pe_model *m, const char *path, long long timestamp,
                        pe_diags *d, pe_xlsx_result *res);

#endif
