import Testing

// Tests for the PolicyRuntime module live in this folder, one file per type under test.
