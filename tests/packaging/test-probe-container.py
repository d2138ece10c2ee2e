#!/usr/bin/python3
"""data/probe-server.Containerfile builds, here, with its own commands and packages.

    test-probe-container.py SOURCE_ROOT

No container runtime is needed: the build stage's commands run as they are written, in a
temporary folder, on this Debian machine; then every pkg-config dependency and program
the build used, and every library the installed server loads, must come from a Debian
package that the stage in question installs (or that one of those depends on, or that
every Debian image has). TAP output.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

SOURCE = os.path.abspath(sys.argv[1])
CONTAINERFILE = os.path.join(SOURCE, "data", "probe-server.Containerfile")


def stages(text):
    """[(image, [packages], [RUN commands])] of the Containerfile, in order."""
    text = re.sub(r"\\\n", " ", text)
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            result.append((line.split()[1], [], []))
        elif line.startswith("RUN "):
            command = line[4:]
            result[-1][2].append(command)
            for part in command.split("&&"):
                words = shlex.split(part)
                if words[:2] == ["apt-get", "install"]:
                    result[-1][1].extend(w for w in words[2:] if not w.startswith("-"))
    return result


def package_of(path):
    proc = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        proc = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    return proc.stdout.split(":")[0].strip()


def with_dependencies(packages):
    proc = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends",
                           "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                           "--no-enhances", *packages], capture_output=True, text=True,
                          check=True)
    found = set(packages)
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith(("Depends:", "PreDepends:")):
            found.add(line.split()[1].strip("<>").split(":")[0])
        elif line and not line.startswith("|") and ":" not in line:
            found.add(line.split(":")[0])
    return found


def in_every_image(package):
    proc = subprocess.run(["dpkg-query", "-W", "-f", "${Essential} ${Priority}", package],
                          capture_output=True, text=True)
    return proc.stdout.startswith("yes") or proc.stdout.endswith("required")


def missing(needs, packages):
    """The needs (what -> path) whose Debian package the stage does not bring."""
    have = with_dependencies(packages)
    problems = []
    for what, path in sorted(needs.items()):
        package = package_of(path)
        if package is None:
            problems.append(f"{what}: {path} is in no Debian package")
        elif package.split(":")[0] not in have and not in_every_image(package):
            problems.append(f"{what}: {path} comes from {package}, which the stage lacks")
    return problems


def main():
    with open(CONTAINERFILE) as f:
        build, runtime = stages(f.read())
    results = []

    results.append(("images are Debian 12", [
        image for image in (build[0], runtime[0])
        if image not in ("debian:bookworm", "debian:bookworm-slim")]))
    absent = [p for p in build[1] + runtime[1]
              if subprocess.run(["apt-cache", "show", p], capture_output=True).returncode]
    results.append(("every package is a Debian package", absent))

    # The build stage's last RUN, as written, with its paths moved into a temporary folder.
    with tempfile.TemporaryDirectory() as work:
        command = build[2][-1].replace("/build", os.path.join(work, "build")) \
                              .replace("/install", os.path.join(work, "install"))
        # The programs a Debian image has, not whatever else this machine's PATH holds.
        env = dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin")
        proc = subprocess.run(["sh", "-c", command], cwd=SOURCE, capture_output=True,
                              text=True, timeout=900, env=env)
        results.append(("the build stage's commands build and install the server",
                        [] if proc.returncode == 0 else
                        [line for line in (proc.stdout + proc.stderr).splitlines()[-15:]]))
        if proc.returncode != 0:
            return finish(results)

        # What the build used: pkg-config files and programs, from meson's log.
        needs = {}
        with open(os.path.join(work, "build", "meson-logs", "meson-log.txt")) as f:
            log = f.read()
        for name, path in re.findall(r"Program (\S+) found: YES \(([^)\s]+)", log):
            needs[f"program {name}"] = path
        for name in set(re.findall(r"Run-time dependency (\S+) found: YES", log)):
            pcdir = subprocess.run(["pkg-config", "--variable=pcfiledir", name],
                                   capture_output=True, text=True, env=env).stdout.strip()
            needs[f"pkg-config {name}"] = os.path.join(pcdir, name + ".pc")
        for name in set(re.findall(r"Library (\S+) found: YES", log)):
            found = subprocess.run(["gcc", f"-print-file-name=lib{name}.so"],
                                   capture_output=True, text=True, env=env).stdout.strip()
            needs[f"library {name}"] = found
        needs["compiler"] = "/usr/bin/gcc"
        results.append(("the build stage has everything the build used",
                        missing(needs, build[1])))

        # What the server loads when it runs.
        binary = os.path.join(work, "install", "usr", "bin", "portier-probe-server")
        conf = os.path.join(work, "install", "etc", "portier", "probe-server.conf")
        results.append(("the files the runtime stage copies are installed",
                        [p for p in (binary, conf) if not os.path.exists(p)]))
        ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True)
        libraries = {m.group(1): m.group(2) for m in
                     re.finditer(r"^\s*(\S+) => (/\S+)", ldd.stdout, re.MULTILINE)}
        results.append(("the runtime stage has every library the server loads",
                        missing(libraries, runtime[1])))
        version = subprocess.run([binary, "--version"], capture_output=True, text=True)
        results.append(("the installed server runs",
                        [] if version.returncode == 0 and "portier-probe-server" in
                        version.stdout else [version.stdout + version.stderr]))
    return finish(results)


def finish(results):
    print(f"1..{len(results)}")
    failed = 0
    for number, (name, problems) in enumerate(results, 1):
        if problems:
            failed += 1
            print(f"not ok {number} - {name}")
            for problem in problems:
                print(f"# {problem}")
        else:
            print(f"ok {number} - {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
