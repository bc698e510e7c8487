import Testing

// Tests for the Agents module live in this folder, one file per type under test.
