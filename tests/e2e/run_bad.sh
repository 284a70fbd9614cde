#!/usr/bin/env bash
# run_bad.sh — runs the bad-input corpus tests/bad/ against a planeval binary.
#
# Usage: run_bad.sh PLANEVAL [CASE...]
#   With no CASE, runs every directory of tests/bad/ that holds an `expect` file.
#
# Each case directory holds a complete small input (report.ini + its CSVs) and
# `expect`, with lines:
#   exit=N            expected exit status (0, 1, …), or `any` = any status but a crash
#   args=…            extra options for planeval (word-split), e.g. --strict
#   stderr=…          a substring that must appear in stderr (one per line, all must)
#   fields=input      `--list-fields` must print exactly what it prints for input/report.ini
#                     (for inputs that differ from the sample only in encoding or form)
#   needs=template    the case needs a build that reads the template (pe_doc);
#   needs=pdf         … or one that writes PDFs: otherwise it is skipped (SKIP)
#   # …               comment
# An executable `generate` in the case directory is run first, in the temporary
# copy, to write large inputs that are not committed.
#
# For every case, in a temporary copy of the case (its INI's template path
# ../../../templates/report.md resolves to the repository's templates/):
#   1. `planeval --check ARGS report.ini`   — status, stderr; nothing written;
#   2. `planeval -o OUT ARGS report.ini`    — status, stderr; when status ≠ 0,
#      OUT has no file and no *.tmp* file exists anywhere in the copy.
# A crash (signal, sanitizer report) or a timeout is always a failure.
# Exit status: 0 all run cases passed, 1 a case failed, 2 usage, 77 every case skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bad="$root/tests/bad"
timeout_s=${PE_BAD_TIMEOUT:-300}

if [[ $# -lt 1 ]]; then
    echo "usage: $0 PLANEVAL [CASE...]" >&2
    exit 2
fi
planeval=$1
shift
if [[ $planeval != /* ]]; then
    planeval="$PWD/$planeval"
fi
if [[ ! -x $planeval ]]; then
    echo "run_bad.sh: $planeval is not an executable" >&2
    exit 2
fi

cases=()
if [[ $# -gt 0 ]]; then
    cases=("$@")
else
    for d in "$bad"/*/; do
        d=${d%/}
        if [[ -f $d/expect ]]; then
            cases+=("$(basename "$d")")
        fi
    done
fi
if [[ ${#cases[@]} -eq 0 ]]; then
    echo "run_bad.sh: no cases found in $bad" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pe-bad.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tests/bad"
ln -s "$root/templates" "$work/templates"

npass=0
nfail=0
nskip=0
failed=()
has_template=""
has_pdf=""

# build_has FEATURE: whether this planeval build reads templates / writes PDFs
# (probed once, on the sample input).
build_has() {
    local probe="$work/probe" rc
    case $1 in
        template)
            if [[ -z $has_template ]]; then
                mkdir -p "$probe/t"
                cp "$root/input/indicators.csv" "$probe/t/"
                sed -e 's|^template *=.*|template = no-such-template.md|' \
                    -e '/^\[targets\]/,$d' "$root/input/report.ini" > "$probe/t/report.ini"
                rc=0
                (cd "$probe/t" && timeout "$timeout_s" "$planeval" --check report.ini) > /dev/null 2>&1 || rc=$?
                if [[ $rc -eq 1 ]]; then has_template=yes; else has_template=no; fi
            fi
            [[ $has_template == yes ]]
            ;;
        pdf)
            if [[ -z $has_pdf ]]; then
                rc=0
                timeout "$timeout_s" "$planeval" -q -o "$probe/pdf" "$root/input/report.ini" > /dev/null 2>&1 || rc=$?
                if [[ $rc -eq 0 && -n $(find "$probe/pdf" -name '*.pdf' -print -quit 2>/dev/null) ]]; then
                    has_pdf=yes
                else
                    has_pdf=no
                fi
            fi
            [[ $has_pdf == yes ]]
            ;;
        *) return 1 ;;
    esac
}

# listing DIR: every path under DIR, sorted (to see whether a run wrote anything).
listing() {
    (cd "$1" && find . -print | LC_ALL=C sort)
}

# run_one CASE: prints PASS/FAIL lines; returns 1 on failure.
run_one() {
    local name=$1 src="$bad/$1"
    local exp_exit="" args=() subs=() line same_fields=0 needs=()
    local reasons=()

    if [[ ! -f $src/expect ]]; then
        echo "FAIL $name: no such case ($src/expect missing)"
        return 1
    fi
    while IFS= read -r line || [[ -n $line ]]; do
        case $line in
            '' | '#'*) ;;
            exit=*) exp_exit=${line#exit=} ;;
            args=*) read -r -a args <<< "${line#args=}" ;;
            stderr=*) subs+=("${line#stderr=}") ;;
            fields=input) same_fields=1 ;;
            needs=*) needs+=("${line#needs=}") ;;
            *)
                echo "FAIL $name: bad line in expect: $line"
                return 1
                ;;
        esac
    done < "$src/expect"
    if [[ -z $exp_exit ]]; then
        echo "FAIL $name: expect has no exit= line"
        return 1
    fi

    local need
    for need in ${needs[@]+"${needs[@]}"}; do
        if ! build_has "$need"; then
            echo "SKIP $name (this build does not have: $need)"
            return 2
        fi
    done

    local dir="$work/tests/bad/$name" out="$work/out-$name"
    rm -rf "$dir" "$out"
    cp -R "$src" "$dir"
    rm -f "$dir/expect"
    if [[ -f $dir/generate ]]; then
        if ! (cd "$dir" && bash ./generate) > "$work/gen.log" 2>&1; then
            echo "FAIL $name: generate failed: $(head -c 500 "$work/gen.log")"
            return 1
        fi
        rm -f "$dir/generate"
    fi
    local before
    before=$(listing "$dir")

    local mode rc errf outf
    for mode in check full; do
        errf="$work/$name.$mode.err"
        outf="$work/$name.$mode.out"
        rc=0
        if [[ $mode == check ]]; then
            (cd "$dir" && timeout "$timeout_s" "$planeval" --check ${args[@]+"${args[@]}"} report.ini) \
                > "$outf" 2> "$errf" || rc=$?
        else
            (cd "$dir" && timeout "$timeout_s" "$planeval" -o "$out" ${args[@]+"${args[@]}"} report.ini) \
                > "$outf" 2> "$errf" || rc=$?
        fi
        if [[ $rc -eq 124 ]]; then
            reasons+=("$mode: timed out after ${timeout_s}s")
            continue
        fi
        if [[ $rc -ge 128 ]]; then
            reasons+=("$mode: crashed (status $rc, signal $((rc - 128)))")
        fi
        if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$errf"; then
            reasons+=("$mode: sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$errf")")
        fi
        if [[ $exp_exit == any ]]; then
            if [[ ! -s $errf ]]; then
                reasons+=("$mode: exit $rc without any message on stderr")
            fi
        elif [[ $rc -ne $exp_exit ]]; then
            reasons+=("$mode: exit $rc, expected $exp_exit")
        fi
        local s
        for s in ${subs[@]+"${subs[@]}"}; do
            if ! grep -qF -- "$s" "$errf"; then
                reasons+=("$mode: stderr lacks [$s]")
            fi
        done
        if [[ $(listing "$dir") != "$before" ]]; then
            reasons+=("$mode: files appeared in the input directory: $(diff <(echo "$before") <(listing "$dir") | grep '^>' | head -3 | tr '\n' ' ')")
        fi
        if [[ $mode == check && -e $out ]]; then
            reasons+=("check: created the output directory")
        fi
        if [[ $mode == full && $rc -ne 0 && -d $out ]]; then
            if [[ -n $(find "$out" -mindepth 1 -print -quit) ]]; then
                reasons+=("full: exit $rc but wrote $(find "$out" -mindepth 1 | head -3 | tr '\n' ' ')")
            fi
        fi
        if [[ -n $(find "$dir" "$work" -maxdepth 3 -name '*.tmp*' -print -quit) ]]; then
            reasons+=("$mode: temporary file left: $(find "$dir" "$work" -maxdepth 3 -name '*.tmp*' | head -1)")
        fi
    done

    if [[ $same_fields -eq 1 ]]; then
        rc=0
        (cd "$dir" && timeout "$timeout_s" "$planeval" --list-fields report.ini) \
            > "$work/$name.fields" 2> /dev/null || rc=$?
        "$planeval" --list-fields "$root/input/report.ini" > "$work/$name.want" 2> /dev/null || true
        if [[ $rc -ne 0 ]]; then
            reasons+=("list-fields: exit $rc")
        elif ! diff -q "$work/$name.want" "$work/$name.fields" > /dev/null; then
            reasons+=("list-fields differs from input/report.ini: $(diff "$work/$name.want" "$work/$name.fields" | head -n 3 | tr '\n' ' ')")
        fi
    fi

    if [[ ${#reasons[@]} -eq 0 ]]; then
        echo "PASS $name"
        rm -rf "$dir" "$out" "$work/$name".*
        return 0
    fi
    echo "FAIL $name"
    local r
    for r in "${reasons[@]}"; do
        echo "     $r"
    done
    for mode in check full; do
        if [[ -s $work/$name.$mode.err ]]; then
            echo "     --- stderr of the $mode run (first lines) ---"
            head -n 8 "$work/$name.$mode.err" | cut -c1-300 | sed 's/^/     | /'
        fi
    done
    rm -rf "$dir" "$out" "$work/$name".*
    return 1
}

for c in "${cases[@]}"; do
    rc=0
    run_one "$c" || rc=$?
    if [[ $rc -eq 0 ]]; then
        npass=$((npass + 1))
    elif [[ $rc -eq 2 ]]; then
        nskip=$((nskip + 1))
    else
        nfail=$((nfail + 1))
        failed+=("$c")
    fi
done

echo "bad-input corpus: $npass passed, $nfail failed, $nskip skipped (of ${#cases[@]})"
if [[ $nfail -gt 0 ]]; then
    echo "failed: ${failed[*]}"
    exit 1
fi
if [[ $npass -eq 0 && $nskip -gt 0 ]]; then
    exit 77
fi
exit 0
