"""The progress line of long commands: shown on a terminal (or MUSTAFID_PROGRESS=1) on stderr, never in a pipe's
output, so a job summary or a JSON report stays clean."""

from __future__ import annotations

import pytest

from mustafid.cli.commands._progress import Steps


def test_steps_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    steps = Steps(3, enabled=True)
    steps.step("فتح المستودع", "opening the repository")
    steps.step("التدقيق", "auditing")
    steps.finish()
    out, err = capsys.readouterr()
    assert out == ""
    assert "1/3 فتح المستودع / opening the repository" in err and "2/3 التدقيق / auditing" in err
    assert "[████████████████████] 3/3" in err


def test_no_progress_in_a_pipe(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUSTAFID_PROGRESS", raising=False)
    steps = Steps(2)  # pytest's captured stderr is not a terminal
    steps.step("أ", "a")
    steps.finish()
    assert capsys.readouterr() == ("", "")
    monkeypatch.setenv("MUSTAFID_PROGRESS", "1")
    Steps(1).step("أ", "a")
    assert "1/1" in capsys.readouterr().err
