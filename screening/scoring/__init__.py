"""Pure scoring functions: numbers in, numbers and explanations out (no Flask, no DB)."""
