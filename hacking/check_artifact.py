"""Check that the collection artifact stands on its own (part of make test).

    python hacking/check_artifact.py DIST/fusioncompute-core-X.Y.Z.tar.gz
    python hacking/check_artifact.py --fragments changelogs/fragments

The tarball is what ``ansible-galaxy collection build`` made from the checkout. It fails when:

- the artifact holds something that only works in the repository (the Makefile, CI, the test and demo
  harness, vrmsim, the benchmarks, the role scenario on test hosts, the nova driver's own tests) or a
  file the build left behind (byte code, build directories, tarballs, test output);
- a relative link in a shipped Markdown file does not resolve to a file or directory of the artifact
  (a link to something that does not ship must name the repository URL of galaxy.yml instead);
- a shipped module or module_utils file does not parse as the oldest Python that
  tests/config.yml admits for modules (ansible-test only compiles with the Pythons it finds);
- tests/sanity/ignore-*.txt exists (sanity passes without ignore entries or not at all);
- a file that must ship is missing (MUST_SHIP: the Event-Driven Ansible source, its rulebook and playbook).

With ``--fragments`` it checks the changelog fragments instead: an entry about vrmsim alone (``vrmsim - ...``)
belongs in simulator/CHANGES.md, since vrmsim does not ship; only the ``trivial`` section, which the
collection's CHANGELOG.rst leaves out, may mention it.
"""

import ast
import json
import os
import posixpath
import re
import sys
import tarfile

import yaml

# Paths (or their parents) that must never ship: they only work in the repository.
REPO_ONLY = (
    "Makefile", ".ci", ".gitignore", ".ansible-lint", "requirements-test.txt", "hacking", "simulator",
    "benchmarks", "tests/roles", "tests/output", "tests/integration/integration_config.yml",
    "nova_driver/tests", "nova_driver/run_tests.sh", "nova_driver/run_tests_debian.sh",
    "nova_driver/constraints.txt", "nova_driver/build", ".venv", ".tmp", ".demo",
)
# Files outside plugins/ that users run from the installed collection: they must ship.
MUST_SHIP = ("extensions/eda/plugins/event_source/fc_alarms.py", "extensions/eda/rulebooks/host_failure.yml",
             "extensions/eda/README.md", "playbooks/eda_host_failure.yml")
# Names the build must not leave in the artifact wherever they are.
LEFTOVER = re.compile(r"(^|/)(__pycache__|[^/]+\.egg-info)(/|$)|\.(pyc|tar\.gz)$")
# [text](target "title"), [id]: target, <a href="target"> and <img src="target">
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)"
                  r"|<(?:a|img)\s[^>]*?(?:href|src)=\"([^\"]+)\"", re.MULTILINE)
CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
PYTHON_DIRS = ("plugins/modules/", "plugins/module_utils/")


def repo_only(path):
    return any(path == bad or path.startswith(bad + "/") for bad in REPO_ONLY)


def link_problem(source, target, names):
    """Why a link of the Markdown file source to target does not work in the artifact, or None."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith(("#", "//")):
        return None  # a URL (https:, mailto:) or an anchor of the same page
    path = target.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/"):
        return "an absolute path (make it relative, or a repository URL)"
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if resolved == "." or resolved in names or any(name.startswith(resolved + "/") for name in names):
        return None
    return "%s is not in the artifact (link the repository URL from galaxy.yml instead)" % resolved


def oldest_module_python(config_text):
    """The lowest Python version of tests/config.yml's modules.python_requires (a '>=X.Y' form)."""
    found = re.search(r"python_requires:\s*['\"]?>=\s*(\d+)\.(\d+)", config_text)
    return (int(found.group(1)), int(found.group(2))) if found else None


def main(tarball):
    problems = []
    with tarfile.open(tarball) as archive:
        members = {member.name.lstrip("./"): member for member in archive.getmembers()}
        names = set(members)

        def read(name):
            return archive.extractfile(members[name]).read().decode("utf-8")

        for name in sorted(names):
            if re.match(r"tests/sanity/ignore-[^/]*\.txt$", name):
                problems.append("%s: sanity ignore entries are not allowed; fix what the test found" % name)
            elif repo_only(name):
                problems.append("%s: only works in the repository; add it to build_ignore in galaxy.yml" % name)
            elif LEFTOVER.search(name):
                problems.append("%s: a build leftover; add it to build_ignore in galaxy.yml" % name)

        problems.extend("%s: missing from the artifact; it must ship" % name for name in MUST_SHIP
                        if name not in names)
        manifest = json.loads(read("MANIFEST.json"))["collection_info"]
        links = 0
        for name in sorted(n for n in names if n.endswith(".md") and members[n].isfile()):
            text = CODE.sub("", read(name))
            for match in LINK.finditer(text):
                target = next(group for group in match.groups() if group)
                links += 1
                problem = link_problem(name, target, names)
                if problem:
                    problems.append("%s: link %s: %s" % (name, target, problem))

        python = oldest_module_python(read("tests/config.yml")) if "tests/config.yml" in names else None
        if python is None:
            problems.append("tests/config.yml: no modules.python_requires of the form '>=X.Y'")
        else:
            for name in sorted(n for n in names if n.startswith(PYTHON_DIRS) and n.endswith(".py")):
                if not members[name].isfile():
                    continue
                try:
                    ast.parse(read(name), name, feature_version=python)
                except SyntaxError as error:
                    problems.append("%s:%s: not Python %d.%d syntax (tests/config.yml): %s"
                                    % (name, error.lineno, python[0], python[1], error.msg))

    for problem in problems:
        print("artifact: " + problem, file=sys.stderr)
    if problems:
        print("artifact: %d problem(s) in %s" % (len(problems), tarball), file=sys.stderr)
        return 1
    print("artifact: %s %s: %d files, nothing repository-only, %d Markdown links resolve, modules parse as "
          "Python %d.%d" % (manifest["namespace"] + "." + manifest["name"], manifest["version"], len(names), links,
                            python[0], python[1]))
    return 0


def check_fragments(directory):
    problems = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".yml", ".yaml")):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            fragment = yaml.safe_load(handle) or {}
        for section, entries in fragment.items():
            for entry in entries if section != "trivial" and isinstance(entries, list) else ():
                if re.match(r"\s*vrmsim\b", str(entry), re.IGNORECASE):
                    problems.append("%s: %s: a vrmsim entry; vrmsim does not ship, its notes go to "
                                    "simulator/CHANGES.md" % (name, section))
    for problem in problems:
        print("changelog fragment " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fragments":
        sys.exit(check_fragments(sys.argv[2]))
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
