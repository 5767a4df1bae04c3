"""`--dask`: the per-document work on a Dask distributed cluster, every write in this process (issue 7).

The cluster is a LocalCluster of two worker processes, one thread each: the
tasks cross a process boundary by pickling exactly as they would to workers
on other machines.
"""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from archive_fixtures import add_bad_files, snapshot, write_letters
from saraban.cli import cli

pytestmark = [pytest.mark.issue(7), pytest.mark.slow]

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler_address():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, scheduler_port=0)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_ingest_on_a_dask_cluster_stores_what_a_local_run_does(tmp_path, scheduler_address):
    folder = tmp_path / "archive"
    letters = write_letters(folder, 15)
    add_bad_files(folder, letters)
    local = _run("ingest", folder, "--db", tmp_path / "local.db", "--jobs", "1")
    dask = _run("ingest", folder, "--db", tmp_path / "dask.db", "--dask", scheduler_address)
    summary = "1 duplicate, 3 failed, 15 stored"
    assert summary in local.output and summary in dask.output
    assert local.exit_code == dask.exit_code == 1
    got, want = snapshot(tmp_path / "dask.db"), snapshot(tmp_path / "local.db")
    assert len(want["documents"]) == 18 and len(want["pages"]) == 15 and len(want["copies"]) == 1
    for table in want:
        assert got[table] == want[table], table


def test_reprocess_on_a_dask_cluster_equals_a_local_run(tmp_path, scheduler_address):
    folder = tmp_path / "archive"
    write_letters(folder, 12, seed=3)
    base = tmp_path / "base.db"
    assert _run("ingest", folder, "--db", base, "--jobs", "1").exit_code == 0
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    shutil.copyfile(base, local)
    shutil.copyfile(base, dask)
    a = _run("reprocess", "--db", local, "--all", "--jobs", "1")
    b = _run("reprocess", "--db", dask, "--all", "--dask", scheduler_address)
    assert "12 reprocessed" in a.output and "12 reprocessed" in b.output
    assert "saraban reprocess: 12/12 docs (100%)" in b.output
    assert snapshot(dask) == snapshot(local) == snapshot(base)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    folder = tmp_path / "archive"
    write_letters(folder, 2)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "s.db"),
                                      "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 4  # the run could not go on (README: Exit codes)
    assert "tcp://127.0.0.1:9: cannot reach the Dask scheduler" in result.output
