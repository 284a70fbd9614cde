#!/usr/bin/env bash
# check_cli.sh — end-to-end checks of planeval's command line (SPEC §2) on the
# sample case input/: --check, --list-fields, --version, --help, usage errors.
#
# Usage: check_cli.sh PLANEVAL
# Runs in a temporary working directory; prints PASS/FAIL per check and exits
# non-zero if any check fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ini="$root/input/report.ini"

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PLANEVAL" >&2
    exit 2
fi
planeval=$1
if [[ $planeval != /* ]]; then
    planeval="$PWD/$planeval"
fi
if [[ ! -x $planeval ]]; then
    echo "check_cli.sh: $planeval is not an executable" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pe-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/cwd" "$work/out"

nfail=0
npass=0
pass() { echo "PASS $1"; npass=$((npass + 1)); }
fail() {
    echo "FAIL $1"
    shift
    local l
    for l in "$@"; do
        echo "     $l"
    done
    nfail=$((nfail + 1))
}

# run NAME ARGS...: runs planeval in the temporary cwd; sets rc, out, err files.
run() {
    local name=$1
    shift
    out="$work/$name.out"
    err="$work/$name.err"
    rc=0
    (cd "$work/cwd" && timeout 120 "$planeval" "$@") > "$out" 2> "$err" || rc=$?
}

# listing DIR: every path under DIR, sorted; "(absent)" if DIR does not exist.
listing() {
    if [[ -e $1 ]]; then
        (cd "$1" && find . -print | LC_ALL=C sort)
    else
        echo "(absent)"
    fi
}

# The [output] dir of the sample INI (../out from input/) must not be touched by --check.
ini_out="$root/out"
input_before=$(listing "$root/input")
iniout_before=$(listing "$ini_out")

# ---- --check ----
run check --check -o "$work/out" "$ini"
if [[ $rc -eq 0 ]]; then
    pass "check: --check input/report.ini exits 0"
else
    fail "check: --check input/report.ini exits 0" "exit $rc" "$(head -n 5 "$err")"
fi

missing=()
# names of the core indicators: column 2 of indicators.csv (no quoted fields there).
# Names are printed whole (the table widens rather than cut a name).
# Each must appear on the line that starts with its id.
while IFS=$'\t' read -r id name; do
    prefix=$name
    if ! grep -E "^${id//./\\.}[[:space:]]" "$out" | grep -qF -- "$prefix"; then
        missing+=("$id $name")
    fi
done < <(tail -n +2 "$root/input/indicators.csv" | awk -F, 'NF > 1 { print $1 "\t" $2 }')
n_ind=$(tail -n +2 "$root/input/indicators.csv" | awk -F, 'NF > 1' | wc -l)
if [[ ${#missing[@]} -eq 0 && $n_ind -eq 10 ]]; then
    pass "check: prints all 10 core indicators with their names"
else
    fail "check: prints all 10 core indicators with their names" "found $n_ind rows in indicators.csv" \
        "missing: ${missing[*]:-none}"
fi

missing=()
n_tgt=0
while IFS= read -r id; do
    n_tgt=$((n_tgt + 1))
    grep -qE "^${id//./\\.}[[:space:]]" "$out" || missing+=("$id")
done < <(tail -n +2 "$root/input/targets.csv" | awk -F, 'NF > 1 { print $1 }')
if [[ ${#missing[@]} -eq 0 && $n_tgt -gt 0 ]]; then
    pass "check: prints every target id of targets.csv ($n_tgt)"
else
    fail "check: prints every target id of targets.csv" "missing: ${missing[*]:-none (no ids read)}"
fi

if grep -q '检查通过' "$err"; then
    pass "check: stderr says the check passed"
else
    fail "check: stderr says the check passed" "$(tail -n 2 "$err")"
fi

if [[ -z $(find "$work/out" "$work/cwd" -mindepth 1 -print -quit) ]]; then
    pass "check: writes nothing (the -o directory and the cwd stay empty)"
else
    fail "check: writes nothing" "$(find "$work/out" "$work/cwd" -mindepth 1 | head -5 | tr '\n' ' ')"
fi

run check_newdir --check -o "$work/never/created" "$ini"
if [[ $rc -eq 0 && ! -e $work/never ]]; then
    pass "check: does not create the -o directory"
else
    fail "check: does not create the -o directory" "exit $rc; $(ls -d "$work/never" 2>/dev/null || true)"
fi

if [[ $(listing "$root/input") == "$input_before" && $(listing "$ini_out") == "$iniout_before" ]]; then
    pass "check: input/ and the INI's [output] dir are untouched"
else
    fail "check: input/ and the INI's [output] dir are untouched"
fi

run check_quiet --check -q -o "$work/out" "$ini"
if [[ $rc -eq 0 ]] && ! grep -q '警告' "$err"; then
    pass "check: -q hides warnings"
else
    fail "check: -q hides warnings" "exit $rc" "$(head -n 3 "$err")"
fi

# ---- --list-fields ----
run fields --list-fields "$ini"
title=$(sed -n 's/^title *= *//p' "$ini" | head -n 1)
problems=()
[[ $rc -eq 0 ]] || problems+=("exit $rc")
[[ -s $out ]] || problems+=("no output")
bad_lines=$(grep -cvE '^[^ =]+ = ' "$out" || true)
[[ $bad_lines -eq 0 ]] || problems+=("$bad_lines lines are not 'name = value': $(grep -vE '^[^ =]+ = ' "$out" | head -n 2 | tr '\n' '|')")
grep -qxF "report.title = $title" "$out" || problems+=("no 'report.title = $title'")
grep -qE '^period\.data_year = [0-9]{4}$' "$out" || problems+=("no 'period.data_year = YYYY'")
grep -qE '^indicators\.summary = .+。$' "$out" || problems+=("no 'indicators.summary = …。'")
grep -qE '^indicators\.1\.status = (提前完成|已完成|快于序时进度|符合序时进度|滞后序时进度|进展缓慢|暂无数据)$' "$out" ||
    problems+=("no 'indicators.1.status = <status word>'")
grep -qE '^indicators\.1\.progress = -?[0-9]+\.[0-9]%$' "$out" || problems+=("no 'indicators.1.progress = NN.N%'")
if grep -qiE '= .*(nan|inf)' "$out"; then
    problems+=("a value prints nan/inf: $(grep -iE '= .*(nan|inf)' "$out" | head -n 1)")
fi
if [[ ${#problems[@]} -eq 0 ]]; then
    pass "list-fields: name = value lines with report.title, period.data_year, indicators.summary, indicators.1.status"
else
    fail "list-fields: name = value lines" "${problems[@]}"
fi

# ---- --version, --help ----
run version --version
if [[ $rc -eq 0 ]] && grep -qE '^planeval [0-9]' "$out"; then
    pass "version: prints 'planeval VERSION' and exits 0"
else
    fail "version: prints 'planeval VERSION' and exits 0" "exit $rc: $(head -c 200 "$out")"
fi

for opt in --help -h; do
    run help "$opt"
    if [[ $rc -eq 0 ]] && grep -q '用法' "$out" && grep -q '选项' "$out" && grep -q -- '--check' "$out"; then
        pass "help: $opt exits 0 and prints Chinese usage"
    else
        fail "help: $opt exits 0 and prints Chinese usage" "exit $rc: $(head -n 2 "$out")"
    fi
done

# ---- usage errors: exit 2 ----
run badopt --no-such-option "$ini"
if [[ $rc -eq 2 ]] && grep -qF -- '--no-such-option' "$err"; then
    pass "usage: an unknown option exits 2 and names the option"
else
    fail "usage: an unknown option exits 2 and names the option" "exit $rc: $(head -n 2 "$err")"
fi

run noarg "$ini" -o
if [[ $rc -eq 2 ]]; then
    pass "usage: -o without a directory exits 2"
else
    fail "usage: -o without a directory exits 2" "exit $rc: $(head -n 2 "$err")"
fi

run twoconfigs --check "$ini" "$ini"
if [[ $rc -eq 2 ]]; then
    pass "usage: two config files exit 2"
else
    fail "usage: two config files exit 2" "exit $rc: $(head -n 2 "$err")"
fi

run checkfields --check --list-fields "$ini"
if [[ $rc -eq 2 ]]; then
    pass "usage: --check with --list-fields exits 2"
else
    fail "usage: --check with --list-fields exits 2" "exit $rc: $(head -n 2 "$err")"
fi

# ---- a missing config file: exit 1, names the file ----
run missing --check "$work/no-such-report.ini"
if [[ $rc -eq 1 ]] && grep -qF 'no-such-report.ini' "$err" && grep -q '错误' "$err"; then
    pass "input: a missing config file exits 1 and names the file"
else
    fail "input: a missing config file exits 1 and names the file" "exit $rc: $(head -n 2 "$err")"
fi

run missing_default --check
if [[ $rc -eq 1 ]] && grep -qF 'input/report.ini' "$err"; then
    pass "input: the default config input/report.ini is used when none is given"
else
    fail "input: the default config input/report.ini is used when none is given" "exit $rc: $(head -n 2 "$err")"
fi

# ---- a full run: exit 0, one final line naming what was written, no temp files ----
run full -o "$work/full" "$ini"
if [[ $rc -eq 0 ]] && tail -n 1 "$err" | grep -q '^已生成' &&
    [[ -z $(find "$work/full" -name '*.tmp*' -print -quit) ]]; then
    pass "full run: exits 0, ends with 已生成 …, leaves no temporary file"
else
    fail "full run: exits 0, ends with 已生成 …, leaves no temporary file" "exit $rc: $(tail -n 2 "$err")" \
        "$(find "$work/full" -name '*.tmp*' | head -n 2)"
fi

# ---- an output directory that cannot be created: exit 3, nothing left ----
: > "$work/a-file"
run badout -o "$work/a-file/sub" "$ini"
if [[ $rc -eq 3 ]] && grep -qF 'a-file' "$err" && [[ ! -s $work/a-file ]]; then
    pass "output: an output directory that cannot be created exits 3 and names it"
else
    fail "output: an output directory that cannot be created exits 3 and names it" \
        "exit $rc: $(head -n 2 "$err")"
fi

# -v: the layout's typesetting warnings come with the input's and are counted
# (tests/fixtures/typeset: one line that only opening its gaps can justify)
err=$work/verbose.err
rc=0
(cd "$work/cwd" && "$planeval" -v -o "$work/out/verbose" "$root/tests/fixtures/typeset/report.ini") \
    >/dev/null 2>"$err" || rc=$?
nt=$(grep -c '警告：排版：' "$err" || true)
sum=$(grep -n '^共 ' "$err" | head -1)
last=$(grep -n '警告：' "$err" | tail -1 | cut -d: -f1)
if [[ $rc -eq 0 && $nt -ge 1 && $sum == *"另有 $nt 个排版警告"* && ${sum%%:*} -gt $last ]]; then
    pass "verbose: $nt typesetting warning(s) listed before the summary and counted in it"
else
    fail "verbose: typesetting warnings listed and counted" "exit $rc, $nt warning(s), summary '${sum#*:}'"
fi

if [[ -z $(find "$work/cwd" -mindepth 1 -print -quit) ]]; then
    pass "cwd: no run wrote into the working directory"
else
    fail "cwd: no run wrote into the working directory" "$(find "$work/cwd" -mindepth 1 | head -5 | tr '\n' ' ')"
fi

echo "command line: $npass passed, $nfail failed"
[[ $nfail -eq 0 ]]
