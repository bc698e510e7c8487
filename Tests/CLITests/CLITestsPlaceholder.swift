import Testing

// Tests for the CLI module live in this folder, one file per type under test.
