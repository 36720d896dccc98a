"""Test projects in git: copies of the project with the fixture site as content, at known commits."""

import shutil
import subprocess
from pathlib import Path

from jiandu.build.manifest import site_files
from jiandu.commands.testing import FIXTURE
from tests.support.project import PROJECT


def git(repo: Path, *args: str, date: str = "2016-06-30T12:00:00+08:00") -> str:
    env = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "test@example.invalid",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit_all(repo: Path, date: str, message: str = "内容更新") -> str:
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def project_files() -> dict[str, Path]:
    """What a project checkout holds that a build reads, with the fixture as its content."""
    files = {name: PROJECT / name for name in ("pelicanconf.py", "publishconf.py")}
    for root, prefix in ((PROJECT / "theme", "theme"), (PROJECT / FIXTURE / "content", "content")):
        for rel in site_files(root):
            files[f"{prefix}/{rel}"] = root / rel
    return files


def make_repo(target: Path) -> Path:
    """A git repository like the project's, with the fixture as content and its own copy of the code."""
    for rel, source in project_files().items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / rel)
    shutil.copytree(PROJECT / "jiandu", target / "jiandu", ignore=shutil.ignore_patterns("__pycache__"))
    commit_all(target, "2016-06-30T20:00:00+08:00")
    return target
