/* pe_eval.h — the evaluation of SPEC §4: progress, status, pace still needed,
 * summary counts and county completion. Pure arithmetic on the model. */
#ifndef PE_EVAL_H
#define PE_EVAL_H

#include "pe_model.h"

/* Evaluates every indicator, target and county of `m` in place; adds
 * warnings (indicator with no actual yet) to `d`. Never produces NaN/inf. */
/* Returns PE_ERR_INPUT when a judgement differs from the computed status
 * without a reason (an error at the judgement cell). */
pe_status pe_evaluate(pe_model *m, pe_diags *d);

/* One indicator against the plan period and thresholds (exposed for tests). */
typedef struct { int base_year, target_year, eval_year; double ahead, on_track, at_risk; } pe_period;
void pe_indicator_evaluate(const pe_period *p, const int *years, size_t nyears,
                           pe_indicator *ind);
/* Status for a ratio ρ against the thresholds. */
pe_state pe_state_for_ratio(const pe_period *p, double ratio);

#endif
