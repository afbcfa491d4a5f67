"""One check-and-probe module per question (autograder/course.py names it), and what they share.

Each check is a small function tagged with @check (catalogue.py); a question's probes live in
autograder/probes/ or in its own module (q0_chain_rule.py).
"""
