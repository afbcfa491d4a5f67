"""One module per question. Each check is a small function tagged with @check (see catalogue)."""
