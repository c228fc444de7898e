# Shared by bench/*.sh: install Debian packages that are missing, build tools.

# need_pkgs CMD:PACKAGE... installs PACKAGE when CMD is not on PATH (apt-get,
# as root or through sudo).
need_pkgs() {
	local missing=() pair
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "${pair%%:*}" ] || missing+=("${pair#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; return 1; }
		sudo=(sudo)
	fi
	echo "installing from Debian: ${missing[*]}" >&2
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# build_tools DIR builds mailwarden and benchtool into DIR (a fresh directory
# per run, so that a rebuild cannot change the binary under a running bench).
build_tools() {
	mkdir -p "$1"
	CGO_ENABLED=0 ${GO:-go} build -o "$1/mailwarden" ./cmd/mailwarden
	CGO_ENABLED=0 ${GO:-go} build -o "$1/benchtool" ./bench/benchtool
}
