"""Feedback without a terminal: one log line per 100 letters and one at the end, with rate and ETA."""
from __future__ import annotations

import re

from correspondence.cli.campaign import Feedback


def test_one_log_line_per_hundred_letters_when_not_on_a_terminal(capsys):
    feedback = Feedback(tty=False)
    feedback.start(250, resumed=30)
    for i in range(250):
        feedback.result(object(), i < 30)
    feedback.stop()
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("campaign:")]
    assert [line.split(",")[0] for line in lines] == ["campaign: 100/250 letters", "campaign: 200/250 letters",
                                                       "campaign: 250/250 letters"]
    assert all(re.search(r", [0-9.]+/s, ETA [0-9]+s$", line) for line in lines)
    assert "resuming: 30 of 250 case(s) already done" in err
