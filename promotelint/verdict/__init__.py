"""The verdict: suppressions (config allow entries, resource Metadata), one report per stack, and
the exit code the promotion gets."""
