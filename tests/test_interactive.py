"""The real shell in a pseudo-terminal: prompt, live panel, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import time

import pexpect

# Whitespace and the escape sequences a terminal program puts between words.
GAP = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\s)+"


def test_connect_call_and_prompt(spawn_shell, demo_url: str) -> None:
    child = spawn_shell()
    child.expect_exact("gradioshell>")
    child.sendline(f"connect {demo_url}")
    child.expect_exact("Endpoints of app1")
    child.expect_exact("app1>")
    child.sendline("op1 Duration=2")
    child.expect_exact("Dur:2")
    child.expect("Resultado" + GAP + "1")
    child.expect_exact("Finished")
    child.expect_exact("done in")
    child.expect_exact("app1>")
    child.sendline("fail x")
    child.expect_exact("failed on purpose: x")
    child.expect_exact("app1>")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0


def test_ctrl_c_cancels_a_running_call(spawn_shell, demo_url: str) -> None:
    child = spawn_shell(demo_url)
    child.expect_exact("app1>")
    child.sendline("op1 Duration=60")
    child.expect("Resultado" + GAP + "1")
    sent = time.monotonic()
    child.sendintr()
    child.expect_exact("app1>")
    assert time.monotonic() - sent < 2.0
    # The shell is still usable after the cancel.
    child.sendline("echo text=still n=2")
    child.expect_exact("stillstill")
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_errors_keep_the_prompt(spawn_shell, demo_url: str) -> None:
    child = spawn_shell()
    child.expect_exact("gradioshell>")
    child.sendline("connect 127.0.0.1:1")
    child.expect_exact("connection refused")
    child.expect_exact("gradioshell>")
    # An open quote continues on the next line; Ctrl-C abandons it.
    child.sendline('echo "unclosed')
    child.expect_exact(".. ")
    child.sendintr()
    child.expect_exact("gradioshell>")
    child.sendline("echo x=[1}")
    child.expect_exact("mismatched '}'")
    child.expect_exact("gradioshell>")
    child.sendline("quit")
    child.expect(pexpect.EOF)
