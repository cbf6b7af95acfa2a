#!/usr/bin/env bash
# matrix.sh - the suite against refircd and every real server that
# targets/install.sh can provide; writes reports/matrix-<server>.json and
# reports/matrix.md (servers x cases, with each failure's first line) and
# reports/matrix/index.html (every cell a link to that server's case page).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p reports
servers=(refircd ngircd inspircd hybrid)
ran=()
for srv in "${servers[@]}"; do
	if [ "$srv" = refircd ]; then
		spawn='./bin/refircd -p {port} -P secret --motd targets/motd.txt --oper ircspec:operpass --flood-interval 0'
	else
		if ! targets/install.sh "$srv" >/dev/null 2>&1; then
			echo "matrix: $srv could not be installed (targets/install.sh $srv): skipped" >&2
			continue
		fi
		spawn="targets/$srv.sh {port}"
	fi
	echo "matrix: $srv" >&2
	rm -f "reports/matrix-$srv.json" # an earlier run's must not stand in for this one
	./bin/ircspec --no-color -j "${JOBS:-8}" --spawn "$spawn" --password secret \
		--oper ircspec:operpass --json "reports/matrix-$srv.json" cases | tail -n 1
	if [ ! -f "reports/matrix-$srv.json" ]; then
		echo "matrix: $srv wrote no report (see above): skipped" >&2
		continue
	fi
	ran+=("$srv")
done
files=()
for srv in "${ran[@]}"; do
	files+=("$srv=reports/matrix-$srv.json")
done
./bin/ircspec matrix --md reports/matrix.md --html reports/matrix "${files[@]}" || exit 1
echo "matrix: wrote reports/matrix.md and reports/matrix/index.html" >&2
# every MUST failure of a real server must be explained (cases/DEVIATIONS.md)
/usr/bin/python3 scripts/deviations.py "${files[@]}" >&2
