#!/usr/bin/env bash
# matrix.sh - the suite against refircd and every real server that
# targets/install.sh can provide; writes reports/matrix-<server>.json and
# reports/matrix.md (servers x cases, with each failure's first line).
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
	./bin/ircspec --no-color -j "${JOBS:-8}" --spawn "$spawn" --password secret \
		--oper ircspec:operpass --json "reports/matrix-$srv.json" cases | tail -n 1
	ran+=("$srv")
done
/usr/bin/python3 scripts/matrix.py "${ran[@]}" > reports/matrix.md
echo "matrix: wrote reports/matrix.md" >&2
