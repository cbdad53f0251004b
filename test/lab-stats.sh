#!/bin/sh
# test/lab-stats.sh: the lab's flake rate.  Runs each SCENARIO N times on
# each kernel pair, one run at a time (two TCG labs side by side starve
# each other), and records pass / fail and the failure's class (test/lab.sh
# writes it beside the log; docs/TESTING.md lists the classes).
#
#   test/lab-stats.sh [-n N] [-p "6.1:6.1 6.12:6.12"] SCENARIO...
#   make lab-stats SCENARIOS="smoke release" N=5
#
# Output: one TSV line per run in .build/lab-stats/DATE.tsv (date, pair,
# scenario, run, result, class, seconds, longest tick gap), then a Markdown
# table per scenario and pair, ready for docs/TESTING.md.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
n=3
pairs="6.1:6.1 6.12:6.12"
while getopts n:p: o; do
	case $o in
	n) n=$OPTARG ;;
	p) pairs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: test/lab-stats.sh [-n N] [-p PAIRS] SCENARIO..." >&2; exit 2; }
mkdir -p .build/lab-stats
out=.build/lab-stats/$(date +%Y%m%d-%H%M%S).tsv
printf 'date\tpair\tscenario\trun\tresult\tclass\tsecs\ttick_gap_s\n' >"$out"
for pair in $pairs; do
	h=${pair%%:*}
	g=${pair##*:}
	for sc in "$@"; do
		i=1
		while [ $i -le "$n" ]; do
			s=$(date +%s)
			if test/lab.sh -H "$h" -G "$g" "$sc" >.build/lab-stats/last.out 2>&1; then
				r=pass
				cls=-
			else
				r=fail
				log=$(ls -t .build/lab-logs/"$sc"-*.log | head -n 1)
				cls=$(cat "$log.class" 2>/dev/null || echo unknown)
				cp "$log" "${log%.log}.stats$i.log"
			fi
			gap=$(sed -n "s/^lab: longest gap between L2's ticks: \([0-9]*\)s.*/\1/p" .build/lab-stats/last.out)
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date +%F)" "$pair" "$sc" "$i" \
				"$r" "$cls" "$(($(date +%s) - s))" "${gap:--}" >>"$out"
			echo "lab-stats: $pair $sc run $i: $r${cls#-}"
			i=$((i + 1))
		done
	done
done
echo
echo "| scenario | pair | runs | passed | failed, by class | seconds (min-max) |"
echo "|---|---|---|---|---|---|"
awk -F'\t' 'NR > 1 {
	k = $3 "|" $2; runs[k]++; if ($5 == "pass") ok[k]++; else cls[k] = cls[k] " " $6
	if (!(k in lo) || $7 < lo[k]) lo[k] = $7; if ($7 > hi[k]) hi[k] = $7
} END {
	for (k in runs) { split(k, p, "|")
		printf "| %s | %s | %d | %d | %s | %d-%d |\n", p[1], p[2], runs[k], ok[k] + 0,
			cls[k] == "" ? "-" : cls[k], lo[k], hi[k] }
}' "$out" | sort
echo
echo "lab-stats: $out"
