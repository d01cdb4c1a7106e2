#!/usr/bin/env python3
"""What an application gets from `meson install`: installs the build into a
temporary DESTDIR, then, with nothing but the installed files:

- builds tests/install/consumer.c with `pkg-config --cflags --libs
  dtls13-media` (C11, -Wall -Wextra -Werror: the installed headers are
  self-contained and the pkg-config files name the right libraries) and
  runs it: two endpoints handshake and exchange SRTP media through the
  installed libdtls13-media.so and libdtls13.so;
- checks that the engine library needs only libcrypto (libsrtp2, libnice and
  GLib belong to the media library);
- loads the installed GStreamer plugin with gst-inspect-1.0 (when built).

Usage: test_install.py MESON BUILD_DIR CC
The summary line is "N passed, N failed".
"""
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = {"passed": 0, "failed": 0}
TIMEOUT = 120


def check(cond, what):
    RESULTS["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    return cond


def run(cmd, env=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=TIMEOUT)
        return p.returncode, p.stdout + p.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)


def find(root, name):
    for dirpath, _, files in os.walk(root):
        if name in files:
            return os.path.join(dirpath, name)
    return None


def needed(lib):
    rc, out = run(["readelf", "-d", lib])
    if rc != 0:
        return None
    return [l.split("[", 1)[1].split("]", 1)[0] for l in out.splitlines() if "(NEEDED)" in l]


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    meson, build, cc = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="dtls13-install-") as dest:
        rc, out = run(shlex.split(meson) + ["install", "-C", build, "--no-rebuild", "--destdir", dest])
        if not check(rc == 0, "meson install --destdir succeeds" + ("" if rc == 0 else " (%s)" % out.strip()[-600:])):
            return 1
        pc = find(dest, "dtls13-media.pc")
        engine = find(dest, "libdtls13.so")
        media = find(dest, "libdtls13-media.so")
        check(find(dest, "dtls13.pc") is not None and pc is not None, "dtls13.pc and dtls13-media.pc installed")
        check(engine is not None and media is not None, "libdtls13.so and libdtls13-media.so installed")
        if pc is None or engine is None or media is None:
            return 1
        # The .pc files as a relocated install would have them: the prefix
        # moved under DESTDIR (the system's own .pc files stay as they are).
        pcdir = os.path.join(dest, "pkgconfig-relocated")
        os.mkdir(pcdir)
        for name in ("dtls13.pc", "dtls13-media.pc"):
            with open(os.path.join(os.path.dirname(pc), name)) as f:
                text = f.read()
            lines = [("prefix=" + dest + l[len("prefix="):]) if l.startswith("prefix=") else l
                     for l in text.splitlines()]
            with open(os.path.join(pcdir, name), "w") as f:
                f.write("\n".join(lines) + "\n")
        env = dict(os.environ, PKG_CONFIG_PATH=pcdir)
        rc, flags = run(["pkg-config", "--cflags", "--libs", "dtls13-media"], env=env)
        check(rc == 0 and "-ldtls13-media" in flags and "-ldtls13" in flags.replace("-ldtls13-media", ""),
              "pkg-config dtls13-media gives -ldtls13-media and -ldtls13 (%s)" % flags.strip())
        exe = os.path.join(dest, "consumer")
        rc, out = run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", os.path.join(HERE, "consumer.c"), "-o", exe]
                      + shlex.split(flags))
        if check(rc == 0, "consumer.c builds against the installed headers and libraries (%s)" % out.strip()[-600:]):
            run_env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(media))
            rc, out = run([exe], env=run_env)
            check(rc == 0 and "consumer: ok" in out, "the consumer handshakes and exchanges SRTP (%s)" % out.strip())
            rc, out = run(["ldd", exe], env=run_env)
            check(rc == 0 and os.path.dirname(media) in out,
                  "the consumer runs on the installed libraries, not the build tree's")
        deps = needed(engine) or []
        check(deps and any(d.startswith("libcrypto") for d in deps) and
              not any(d.startswith(("libsrtp2", "libnice", "libglib", "libgio", "libgst")) for d in deps),
              "libdtls13.so needs libcrypto and none of the media libraries (%s)" % deps)
        plugin = find(dest, "libgstdtls13.so")
        if plugin is not None:
            genv = dict(os.environ, GST_PLUGIN_PATH=os.path.dirname(plugin), LD_LIBRARY_PATH=os.path.dirname(media),
                        GST_REGISTRY=os.path.join(dest, "registry.bin"))
            rc, out = run(["gst-inspect-1.0", "dtls13srtpenc"], env=genv)
            check(rc == 0 and "dtls13srtpenc" in out and "Filename" in out and dest in out,
                  "gst-inspect-1.0 loads dtls13srtpenc from the installed plugin")
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
