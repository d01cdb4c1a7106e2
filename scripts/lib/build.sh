# Shared by the scripts that build before running something: installs the
# Debian packages (scripts/install-deps.sh), configures BUILD_DIR once and
# builds it, showing the compiler output only on failure.
# Expects ROOT and BUILD_DIR to be set; defines say().
say() { printf '==> %s\n' "$*"; }

d13_install_and_build() {
    say "checking build dependencies"
    "$ROOT/scripts/install-deps.sh"
    if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
        say "configuring $BUILD_DIR"
        meson setup "$BUILD_DIR" "$ROOT" >/dev/null
    fi
    say "building (the first build takes a minute or two)"
    ninja -C "$BUILD_DIR" >/dev/null || { ninja -C "$BUILD_DIR"; exit 1; }
}
