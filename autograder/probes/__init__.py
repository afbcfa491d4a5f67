"""Probes: what runs inside a child, calls the student's code and returns plain data.

Each module here holds the probes of one student file and, beside them, their typed messages
(dataclasses: the input a check builds and the output it gets back). A probe is a function
`fn(inputs, submission) -> outputs` decorated with `@probe` (sandbox/probe.py), which makes it a
typed reference that a check passes to `ctx.probe(...)`. Probes never judge: they hand back arrays
and numbers; the checks in the parent compare them. They receive arrays, never a path to the data,
and import no torch oracle: their numpy arithmetic is the grader's one reference net
(oracles/reference_net.py) and centred differences (oracles/numerical.py). A question's own probes
may also live in its check module (checks/q0_chain_rule.py): a probe is found by its reference,
wherever it is defined. The grading parent imports these modules for their references and message
types, so they import torch (and the given torch loaders) only inside the functions that need it.
"""
